"""Prerequisites for proposing a unit (PermenPANRB 90/2021 Lampiran II, Tabel 5) and the
recommendation that combines them with the LKE thresholds.

Pure Python, no Django. The rules are data of the instrument (``prerequisites:`` in its YAML,
parsed into :class:`assessments.lke.types.PrerequisiteRule`); this module interprets them against a
plain ``facts`` dict. A missing fact gives status ``unknown``, and an unknown prerequisite blocks a
recommendation just like a failed one.

Facts (every key optional; absent or ``None`` = unknown):

=============================  ==========================================================
``instansi_kind``              ``"pemda"`` (pemerintah daerah) or ``"kl"`` (kementerian/lembaga)
``bpk_opinion``                BPK opinion on the instansi's statements: ``"WTP"``, ``"WDP"``, ``"TW"``, ``"TMP"``
``sakip_grade``                instansi SAKIP grade: ``AA``, ``A``, ``BB``, ``B``, ``CC``, ``C``, ``D``
``indeks_rb_grade``            instansi Indeks RB grade (same letters)
``spip_level``                 SPIP maturity level (number, e.g. ``3`` or ``3.25``)
``unit_core_service``          bool: the unit delivers a core service of the instansi
``unit_public_impact``         bool: the unit has a significant effect on public perception
``findings_followup_pct``      follow-up of APIP/BPK findings, percent (0-100)
``lhkpn_pct``                  LHKPN compliance, percent
``lhkasn_pct``                 LHKASN compliance, percent
``unit_sakip_grade``           grade of the unit's internal SAKIP evaluation
``pencanangan_date``           date (or ISO ``"YYYY-MM-DD"``) of the unit's pencanangan
``evaluation_date``            date (or ISO string) of the evaluation / proposal
``evaluation_year``            int; defaults to ``evaluation_date.year``
``predicate_history``          list of ``{"year": int, "predicate": "WBK"|"WBBM", "revoked": bool,
                               "revoked_year": int | None}``; ``[]`` = never held a predicate
``leadership_corruption_case`` bool: a corruption case involving the instansi's top leadership
                               in the proposal year (voids the proposal)
=============================  ==========================================================

Interpretation choices: ZI building "for at least one year" means ``evaluation_date`` is on or after
the first anniversary of ``pencanangan_date``; "a unit whose predicate was revoked may not be
proposed again for two years" blocks the years ``revoked_year + 1`` and ``revoked_year + 2`` (and
the revocation year itself); WBBM needs a WBK entry that is not revoked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .decimals import format_id
from .scoring import ScoreResult
from .texts import Text, gettext_noop, joined
from .types import Instrument, PrerequisiteRule

__all__ = [
    "Criterion",
    "FactError",
    "PredicateStanding",
    "PrerequisiteResult",
    "Reason",
    "Recommendation",
    "check_prerequisites",
    "recommend",
    "recommendation_label",
    "recommended_predicate",
]

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
NOT_RECOMMENDED = gettext_noop("Belum direkomendasikan")
YES, NO = gettext_noop("Ya"), gettext_noop("Tidak")
DEFAULT_SOURCE = "PermenPANRB 90/2021 Lampiran II Tabel 5"


class FactError(ValueError):
    """A fact has a value of the wrong kind (a programming error in the caller, not missing data)."""

    def __init__(self, fact: str, message: str):
        self.fact = fact
        super().__init__(f"fact {fact}: {message}")


@dataclass(frozen=True)
class PrerequisiteResult:
    """One prerequisite checked: ``status`` is ``met``, ``not_met`` or ``unknown`` (fact missing);
    ``figure`` is the fact as shown to a reader (``None`` when unknown), ``requirement`` the rule."""

    code: str
    label: str
    level: str
    status: str
    figure: str | None
    requirement: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class Reason:
    """Why a predicate is not recommended: a failed threshold rule or a prerequisite that is not
    met or unknown. ``text`` is a complete Indonesian sentence for display."""

    predicate: str
    kind: str  # "threshold" | "prerequisite"
    rule: str
    label: str
    status: str  # "not_met" | "unknown"
    figure: str | None
    minimum: str
    source: str
    text: str


@dataclass(frozen=True)
class Criterion:
    """One rule of one predicate as a reader checks it: a threshold rule or a prerequisite with its
    status, the figure beside the requirement (both as shown: ``"70,00"``, ``"≥ 75,00"``) and, for
    a rule that is not met, the full sentence of its :class:`Reason` (``""`` when met)."""

    predicate: str
    kind: str  # "threshold" | "prerequisite"
    rule: str
    label: str
    status: str  # "met" | "not_met" | "unknown"
    figure: str | None
    minimum: str  # as in Reason: the threshold's minimum, or the prerequisite's requirement
    requirement: str  # as a reader compares: "≥ 75,00", "≥ BB", "Ya"
    source: str
    text: str = ""
    survey_driven: bool = False

    def reason(self) -> Reason:
        return Reason(self.predicate, self.kind, self.rule, self.label, self.status, self.figure, self.minimum,
                      self.source, self.text)


@dataclass(frozen=True)
class PredicateStanding:
    """Every criterion of one predicate, those not met (or unknown) first, then those met, each
    group in the instrument's order (threshold rules before prerequisites)."""

    predicate: str
    label: str
    met: bool
    criteria: tuple[Criterion, ...]

    @property
    def unmet(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.status != MET)

    @property
    def passed(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.status == MET)


@dataclass(frozen=True)
class Recommendation:
    label: str  # "Menuju WBBM" | "Menuju WBK" | "Belum direkomendasikan"
    predicate: str | None
    reasons: tuple[Reason, ...]
    # every predicate, highest first, with all its criteria (the structured form of ``reasons``)
    standings: tuple[PredicateStanding, ...] = ()


# --------------------------------------------------------------------------------------------
# Fact helpers
# --------------------------------------------------------------------------------------------


def _date(fact: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise FactError(fact, f"expected a date or an ISO date string, got {value!r}")


def _number(fact: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise FactError(fact, f"expected a number, got {value!r}")
    try:
        d = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise FactError(fact, f"expected a number, got {value!r}") from None
    if not d.is_finite():
        raise FactError(fact, f"expected a finite number, got {value!r}")
    return d


def _bool(fact: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FactError(fact, f"expected true or false, got {value!r}")
    return value


def _show_number(d: Decimal, unit: str = "") -> str:
    text = str(int(d)) if d == d.to_integral_value() else format_id(d)
    return text + unit


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February -> 28 February
        return d.replace(year=d.year + years, day=28)


def _predicate_name(value: Any) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("menuju "):
        text = text[7:]
    return text.upper()


def _history(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise FactError("predicate_history", f"expected a list of entries, got {value!r}")
    for entry in value:
        if not isinstance(entry, Mapping):
            raise FactError("predicate_history", f"every entry must be an object, got {entry!r}")
    return list(value)


def _evaluation_year(facts: Mapping[str, Any]) -> int | None:
    if facts.get("evaluation_year") is not None:
        year = facts["evaluation_year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise FactError("evaluation_year", f"expected a year, got {year!r}")
        return year
    if facts.get("evaluation_date") is not None:
        return _date("evaluation_date", facts["evaluation_date"]).year
    return None


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def _check(rule: PrerequisiteRule, facts: Mapping[str, Any], grades: tuple[str, ...]
           ) -> tuple[str, str | None, str, str]:
    """-> (status, figure, requirement, note); the sentences are :class:`Text`."""
    value = facts.get(rule.fact)
    check = rule.check

    if check == "grade_min":
        minimum = rule.value
        requirement_suffix = ""
        if rule.value_by:
            kind = facts.get(rule.value_by)
            req_all = ", ".join(f"≥ {g} ({k})" for k, g in rule.values.items())
            if kind is None:
                return UNKNOWN, None, req_all, Text(gettext_noop("%(fact)s belum diisi"), fact=rule.value_by)
            if kind not in rule.values:
                raise FactError(rule.value_by, f"expected one of {', '.join(rule.values)}, got {kind!r}")
            minimum = rule.values[kind]
            requirement_suffix = f" ({kind})"
        requirement = f"≥ {minimum}{requirement_suffix}"
        if value is None:
            return UNKNOWN, None, requirement, ""
        grade = str(value).strip().upper()
        if grade not in grades:
            raise FactError(rule.fact, f"expected one of {', '.join(grades)}, got {value!r}")
        # grade_order lists the best grade first
        ok = grades.index(grade) <= grades.index(minimum)
        return (MET if ok else NOT_MET), grade, requirement, ""

    if check == "equals":
        requirement = str(rule.value)
        if value is None:
            return UNKNOWN, None, requirement, ""
        shown = str(value).strip()
        return (MET if shown.upper() == str(rule.value).upper() else NOT_MET), shown, requirement, ""

    if check == "number_min":
        minimum = _number(rule.code, rule.value)
        requirement = f"≥ {_show_number(minimum, rule.unit)}"
        if value is None:
            return UNKNOWN, None, requirement, ""
        d = _number(rule.fact, value)
        return (MET if d >= minimum else NOT_MET), _show_number(d, rule.unit), requirement, ""

    if check in ("is_true", "is_false"):
        expected = check == "is_true"
        requirement = YES if expected else NO
        if value is None:
            return UNKNOWN, None, requirement, ""
        b = _bool(rule.fact, value)
        return (MET if b == expected else NOT_MET), (YES if b else NO), requirement, ""

    if check == "years_since_min":
        years = int(rule.value)
        requirement = Text(gettext_noop("≥ %(years)s tahun sejak pencanangan"), years=years)
        if value is None:
            return UNKNOWN, None, requirement, ""
        start = _date(rule.fact, value)
        if facts.get("evaluation_date") is None:
            return UNKNOWN, Text(gettext_noop("pencanangan %(start)s"), start=start), requirement, \
                Text(gettext_noop("%(fact)s belum diisi"), fact="evaluation_date")
        end = _date("evaluation_date", facts["evaluation_date"])
        ok = end >= _add_years(start, years)
        return (MET if ok else NOT_MET), \
            Text(gettext_noop("pencanangan %(start)s, evaluasi %(end)s"), start=start, end=end), requirement, ""

    if check == "holds_predicate":
        wanted = _predicate_name(rule.value)
        requirement = Text(gettext_noop("memiliki predikat %(predicate)s yang tidak dicabut"), predicate=wanted)
        if value is None:
            return UNKNOWN, None, requirement, ""
        history = _history(value)
        held = [e for e in history if _predicate_name(e.get("predicate")) == wanted]
        valid = [e for e in held if not e.get("revoked")]
        if valid:
            return MET, f"{wanted} {valid[-1].get('year', '')}".strip(), requirement, ""
        if held:
            year = held[-1].get("year", "")
            figure = Text(gettext_noop("%(predicate)s %(year)s (dicabut)"), predicate=wanted, year=year) if year != "" \
                else Text(gettext_noop("%(predicate)s (dicabut)"), predicate=wanted)
            return NOT_MET, figure, requirement, ""
        return NOT_MET, Text(gettext_noop("belum memiliki predikat %(predicate)s"), predicate=wanted), requirement, ""

    if check == "no_recent_revocation":
        years = int(rule.value)
        requirement = Text(gettext_noop("tidak ada pencabutan predikat dalam %(years)s tahun terakhir"), years=years)
        if value is None:
            return UNKNOWN, None, requirement, ""
        revoked = [e for e in _history(value) if e.get("revoked")]
        if not revoked:
            return MET, gettext_noop("tidak pernah dicabut"), requirement, ""
        year = _evaluation_year(facts)
        if year is None:
            return UNKNOWN, gettext_noop("pernah dicabut"), requirement, \
                Text(gettext_noop("%(fact)s belum diisi"), fact="evaluation_date")
        for e in revoked:
            ry = e.get("revoked_year")
            predicate = _predicate_name(e.get("predicate"))
            if ry is None:
                figure = Text(gettext_noop("%(predicate)s dicabut (tahun tidak diketahui)"), predicate=predicate)
                return UNKNOWN, figure, requirement, Text(gettext_noop("%(fact)s belum diisi"), fact="revoked_year")
            if isinstance(ry, bool) or not isinstance(ry, int):
                raise FactError("predicate_history", f"revoked_year must be a year, got {ry!r}")
            if year <= ry + years:
                return NOT_MET, Text(gettext_noop("%(predicate)s dicabut %(year)s"), predicate=predicate, year=ry), \
                    requirement, Text(gettext_noop("dapat diusulkan kembali mulai %(year)s"), year=ry + years + 1)
        last = max(e["revoked_year"] for e in revoked)
        return MET, Text(gettext_noop("dicabut %(year)s"), year=last), requirement, ""

    raise FactError(rule.fact, f"unknown check {check!r}")  # instrument_from_dict rejects this


def check_prerequisites(instrument: Instrument, predicate: str, facts: Mapping[str, Any]
                        ) -> list[PrerequisiteResult]:
    """Check every prerequisite of ``predicate`` ("WBK"/"WBBM") against ``facts`` (see the module
    docstring for the keys). Raises ``KeyError`` for a predicate without prerequisites and
    :class:`FactError` for a fact of the wrong kind (a missing fact is ``unknown``, not an error)."""
    rules = instrument.prerequisites[predicate]
    out = []
    for rule in rules:
        status, figure, requirement, note = _check(rule, facts, instrument.grade_order)
        out.append(PrerequisiteResult(rule.code, rule.label, rule.level, status, figure, requirement,
                                      rule.source or instrument.prerequisite_source, note))
    return out


# --------------------------------------------------------------------------------------------
# Recommendation
# --------------------------------------------------------------------------------------------


_SURVEY = gettext_noop(" (ditentukan oleh hasil survei)")


def _threshold_criteria(pred: str, result: ScoreResult) -> list[Criterion]:
    out = []
    tres = result.thresholds[pred]
    for c in tres.checks:
        unit = "%" if c.unit == "%" else ""
        fig, minimum = format_id(c.figure) + unit, format_id(c.minimum) + unit
        text = "" if c.passed else Text(
            gettext_noop("%(predicate)s: %(rule)s %(figure)s di bawah minimum %(minimum)s%(survey)s (%(source)s)."),
            predicate=tres.label, rule=c.label, figure=fig, minimum=minimum,
            survey=_SURVEY if c.survey_driven else "", source=c.source,
        )
        out.append(Criterion(pred, "threshold", c.rule, c.label, MET if c.passed else NOT_MET, fig, minimum,
                             f"≥ {minimum}", c.source, text, c.survey_driven))
    return out


def _note(note: str) -> str:
    return joined([note], "", before="; ") if note else ""


def _prerequisite_criteria(pred: str, label: str, results: Sequence[PrerequisiteResult] | None,
                           source: str) -> list[Criterion]:
    if results is None:
        text: str = Text(gettext_noop("%(predicate)s: prasyarat belum diperiksa; rekomendasi tidak dapat diberikan "
                                 "(%(source)s)."), predicate=label, source=source)
        checked = gettext_noop("diperiksa")
        return [Criterion(pred, "prerequisite", "prasyarat", gettext_noop("Prasyarat"), UNKNOWN, None, checked,
                          checked, source, text)]
    out = []
    for r in results:
        if r.status == MET:
            text = ""
        elif r.status == UNKNOWN:
            text = Text(gettext_noop("%(predicate)s: data prasyarat '%(rule)s' belum tersedia%(note)s (syarat "
                                     "%(requirement)s); rekomendasi tidak dapat diberikan sebelum data ini "
                                     "dilengkapi (%(source)s)."),
                        predicate=label, rule=r.label, note=_note(r.note), requirement=r.requirement, source=r.source)
        else:
            text = Text(gettext_noop("%(predicate)s: %(rule)s %(figure)s, syarat %(requirement)s%(note)s "
                                     "(%(source)s)."),
                        predicate=label, rule=r.label, figure=r.figure, requirement=r.requirement,
                        note=_note(r.note), source=r.source)
        out.append(Criterion(pred, "prerequisite", r.code, r.label, r.status, r.figure, r.requirement,
                             r.requirement, r.source, text))
    return out


def recommended_predicate(score_result: ScoreResult,
                          prereq_results_by_predicate: Mapping[str, Sequence[PrerequisiteResult]]) -> str | None:
    """The predicate :func:`recommend` recommends (None for none), without building the reasons
    (list pages show only the label)."""
    for pred in reversed(list(score_result.thresholds)):  # highest first
        prereqs = prereq_results_by_predicate.get(pred)
        if score_result.thresholds[pred].met and prereqs is not None and all(r.status == MET for r in prereqs):
            return pred
    return None


def recommendation_label(score_result: ScoreResult, predicate: str | None) -> str:
    return score_result.thresholds[predicate].label if predicate else NOT_RECOMMENDED


def recommend(score_result: ScoreResult,
              prereq_results_by_predicate: Mapping[str, Sequence[PrerequisiteResult]]) -> Recommendation:
    """Combine thresholds and prerequisites: the highest predicate whose thresholds are met and
    whose prerequisites are all ``met`` is recommended ("Menuju WBBM" / "Menuju WBK"), otherwise
    "Belum direkomendasikan". ``reasons`` lists, for every predicate above the recommended one
    (all predicates when none), each failed threshold rule and each prerequisite that is not met or
    unknown, with figure, minimum and source. ``standings`` holds every predicate (highest first)
    with every criterion, met or not, for pages that show the whole picture. A predicate missing
    from ``prereq_results_by_predicate`` counts as unchecked (unknown)."""
    preds = list(score_result.thresholds)  # lowest first
    recommended = recommended_predicate(score_result, prereq_results_by_predicate)
    reasons: list[Reason] = []
    standings: list[PredicateStanding] = []
    source_t5 = next((r.source for rs in prereq_results_by_predicate.values() for r in rs), DEFAULT_SOURCE)
    below_recommended = False
    for pred in reversed(preds):
        label = score_result.thresholds[pred].label
        criteria = (_threshold_criteria(pred, score_result)
                    + _prerequisite_criteria(pred, label, prereq_results_by_predicate.get(pred), source_t5))
        unmet = [c for c in criteria if c.status != MET]
        standings.append(PredicateStanding(pred, label, not unmet,
                                           tuple(unmet + [c for c in criteria if c.status == MET])))
        below_recommended = below_recommended or pred == recommended
        if not below_recommended:
            reasons.extend(c.reason() for c in unmet)
    label = score_result.thresholds[recommended].label if recommended else NOT_RECOMMENDED
    return Recommendation(label, recommended, tuple(reasons), tuple(standings))
