"""Scoring engine for the Zona Integritas LKE (PermenPANRB 90/2021 and later versions as data).

Pure Python: no Django import anywhere in this module (a test enforces it). Answers go in, Decimal
scores and threshold results come out. The contract is docs/domain.md, "Scoring, step by step":

1. item value in [0, 1] from the answer (option values are data of the scale);
2. percentage items compute a ratio from named counts, clamped to [0, 1], with the item's
   ``zero_denominator_value`` when the denominator is 0;
3. indicator score = indicator weight x mean of its item values;
4. area score = sum of its indicators; aspects, components and the total are sums;
5. Hasil items: index items score ``index / max x weight``, option items ``value x weight``;
6. every figure is kept at full Decimal precision; threshold comparisons use the figure rounded
   ROUND_HALF_UP to two decimals (the figure a reader sees).

Invariants of an :class:`Instrument` built by :func:`instrument_from_dict`: codes are unique, every
weight is > 0 and equals the sum of its children (indicator weights -> area -> aspect -> component
-> ``total_weight``; Hasil item weights -> subcomponent -> component), every item names a known
scale, and every percentage item has a formula whose inputs are declared.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from typing import Any

from .texts import Text, gettext_noop

__all__ = [
    "AnswerError",
    "Area",
    "Aspect",
    "Component",
    "Formula",
    "HasilItem",
    "Indicator",
    "Instrument",
    "InstrumentError",
    "Item",
    "NormalizedAnswer",
    "PrerequisiteRule",
    "RuleCheck",
    "Failure",
    "RuleSpec",
    "Scale",
    "ScoreResult",
    "Subcomponent",
    "ThresholdResult",
    "ThresholdSet",
    "format_id",
    "instrument_from_dict",
    "pct_of",
    "round2",
    "score",
    "score_normalized",
    "validate_answers",
]

D0 = Decimal(0)
D1 = Decimal(1)
D100 = Decimal(100)
CENT = Decimal("0.01")

# Arithmetic context for every computation in the engine: 28 significant digits (the Decimal
# default) made explicit so a caller's context cannot change results.
_CTX = Context(prec=28)

SCALE_KINDS = ("option", "percentage", "index")
FORMULA_KINDS = ("ratio", "reduction")
HASIL_SCORING = {"index_0_4": "index", "option": "option"}
AREA_MODES = ("combined", "each_half")
ASPECT_KEYS = ("pemenuhan", "reform")
SUBCOMPONENT_KEYS = ("bersih_akuntabel", "pelayanan_prima")
HASIL_KEYS = ("ipak", "capaian_kinerja", "ipkp")

# Threshold rules: YAML key -> (rule name, figure, unit, survey_driven, Indonesian label).
# "figure" names an entry of ScoreResult.figures; area rules are expanded per area below.
_SCORE_RULES = (
    ("total_min", "total", "poin", False, gettext_noop("Nilai total")),
    ("pengungkit_min", "pengungkit", "poin", False, gettext_noop("Komponen Pengungkit")),
    ("bersih_akuntabel_min", "bersih_akuntabel", "poin", False, gettext_noop("Birokrasi yang Bersih dan Akuntabel")),
    ("ipak_score_min", "ipak", "poin", True, gettext_noop("Nilai Indeks Persepsi Anti Korupsi (IPAK)")),
    ("capaian_kinerja_min", "capaian_kinerja", "poin", False, gettext_noop("Capaian Kinerja")),
    ("pelayanan_prima_min", "pelayanan_prima", "poin", True,
     gettext_noop("Pelayanan Publik yang Prima (Indeks Persepsi Kualitas Pelayanan, IPKP)")),
)
_THRESHOLD_KEYS = {k for k, *_ in _SCORE_RULES} | {
    "label", "per_area_min_pct", "per_area_mode", "sources", "ipak_index_min", "ipkp_index_min",
    "requires_prior_predikat",
}

PREREQUISITE_CHECKS = (
    "equals", "grade_min", "number_min", "is_true", "is_false", "years_since_min",
    "holds_predicate", "no_recent_revocation",
)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class InstrumentError(ValueError):
    """An instrument definition is invalid. ``errors`` lists one message per problem, each naming
    the offending code."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


class AnswerError(ValueError):
    """An answer is not acceptable for its item.

    ``code`` is the item code, ``message`` a single line that names it (``item P.1.i.b: ...``),
    ``kind`` one of ``unknown_code``, ``out_of_scale``, ``bad_counts``, ``negative_count``,
    ``bad_count``, ``bad_index``, ``wrong_type`` so a UI can word its own message.
    """

    def __init__(self, code: str, message: str, kind: str = "invalid"):
        self.code = code
        self.message = " ".join(str(message).split())  # guaranteed one line
        self.kind = kind
        super().__init__(self.message)


# --------------------------------------------------------------------------------------------
# Instrument definition
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """An answer scale. ``kind`` is ``option`` (``values``: option -> value in [0, 1], in the
    order given), ``percentage`` (computed from counts) or ``index`` (a number ``min``..``max``
    with at most ``decimals`` decimals)."""

    code: str
    label: str
    kind: str
    values: Mapping[str, Decimal] = field(default_factory=dict)
    min: Decimal | None = None
    max: Decimal | None = None
    decimals: int | None = None
    # casefolded option -> canonical option, for tolerant matching ("ya" -> "Ya")
    lookup: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # options sorted by value ascending, for "one step up the scale"
    ascending: tuple[str, ...] = field(default=(), repr=False, compare=False)
    quantum: Decimal | None = field(default=None, repr=False, compare=False)

    @property
    def max_value(self) -> Decimal:
        return max(self.values.values()) if self.values else D1

    @property
    def min_value(self) -> Decimal:
        return min(self.values.values()) if self.values else D0


@dataclass(frozen=True)
class Formula:
    """How a percentage item turns counts into a value.

    ``ratio``: sum(numerator inputs) / sum(denominator inputs).
    ``reduction``: (previous - current) / previous.
    """

    kind: str
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    previous: str | None = None
    current: str | None = None


@dataclass(frozen=True)
class Item:
    """A Pengungkit item (P.* / R.*)."""

    code: str
    text: str
    scale: Scale
    indicator: str
    area: str
    aspect: str
    position: int
    typical_evidence: str = ""
    formula: Formula | None = None
    inputs: tuple[str, ...] = ()
    zero_denominator_value: Decimal | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    is_hasil = False


@dataclass(frozen=True)
class HasilItem:
    """A Hasil entry (B.I.a IPAK, B.I.b Capaian Kinerja, B.II.a IPKP), scored directly with its
    weight: ``index_0_4`` -> index / scale max x weight, ``option`` -> option value x weight."""

    code: str
    text: str
    weight: Decimal
    scale: Scale
    scoring: str
    key: str | None
    subcomponent: str
    position: int
    typical_evidence: str = ""
    options: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    is_hasil = True
    formula = None
    inputs: tuple[str, ...] = ()


AnyItem = Item | HasilItem


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    weight: Decimal
    area: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Area:
    """A change area of one aspect (``P.3`` = Pemenuhan of area 3). ``number`` is the part of the
    code after the first dot; P.n and R.n together form combined area n."""

    code: str
    name: str
    weight: Decimal
    aspect: str
    number: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Aspect:
    code: str
    name: str
    weight: Decimal
    key: str | None
    areas: tuple[Area, ...]


@dataclass(frozen=True)
class Subcomponent:
    code: str
    name: str
    weight: Decimal
    key: str | None
    items: tuple[HasilItem, ...]


@dataclass(frozen=True)
class Component:
    code: str
    name: str
    weight: Decimal
    key: str | None
    aspects: tuple[Aspect, ...] = ()
    subcomponents: tuple[Subcomponent, ...] = ()


@dataclass(frozen=True)
class RuleSpec:
    """One threshold rule of a predicate: ``round2(figures[figure]) >= minimum``."""

    name: str
    label: str  # a Text for the engine's own rules; an instrument's labels are data
    figure: str
    minimum: Decimal
    unit: str  # "poin" or "%"
    survey_driven: bool
    source: str


@dataclass(frozen=True)
class ThresholdSet:
    predicate: str
    label: str
    rules: tuple[RuleSpec, ...]
    per_area_mode: str
    per_area_min_pct: Decimal | None
    requires_prior_predikat: str | None = None
    ipak_index_min: Decimal | None = None
    ipkp_index_min: Decimal | None = None


@dataclass(frozen=True)
class PrerequisiteRule:
    """A prerequisite (Tabel 5) as data; interpreted by :mod:`assessments.prerequisites`."""

    code: str
    level: str  # "instansi" | "unit"
    label: str
    fact: str
    check: str
    value: Any = None
    value_by: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    unit: str = ""
    source: str = ""


@dataclass(frozen=True, eq=False)
class Instrument:
    """A validated, immutable instrument version. Build it with :func:`instrument_from_dict`.

    ``data`` is a deep copy of the dict it was built from (store and re-emit that). Derived,
    precomputed views: ``items`` (every answerable entry in instrument order: P, R, then Hasil),
    ``item_map``, ``indicators``, ``areas``, ``area_numbers`` and ``weights`` (figure -> weight for
    every figure of :class:`ScoreResult`)."""

    code: str
    name: str
    legal_basis: str
    total_weight: Decimal
    scales: Mapping[str, Scale]
    components: tuple[Component, ...]
    thresholds: Mapping[str, ThresholdSet]  # lowest predicate first (YAML order)
    prerequisites: Mapping[str, tuple[PrerequisiteRule, ...]]
    prerequisite_source: str
    grade_order: tuple[str, ...]
    data: Mapping[str, Any] = field(repr=False)
    items: tuple[AnyItem, ...] = field(repr=False, default=())
    item_map: Mapping[str, AnyItem] = field(repr=False, default_factory=dict)
    indicators: tuple[Indicator, ...] = field(repr=False, default=())
    areas: tuple[Area, ...] = field(repr=False, default=())
    aspects: tuple[Aspect, ...] = field(repr=False, default=())
    subcomponents: tuple[Subcomponent, ...] = field(repr=False, default=())
    hasil_items: tuple[HasilItem, ...] = field(repr=False, default=())
    area_numbers: tuple[str, ...] = field(repr=False, default=())
    area_names: Mapping[str, str] = field(repr=False, default_factory=dict)
    weights: Mapping[str, Decimal] = field(repr=False, default_factory=dict)
    keyed: Mapping[str, str] = field(repr=False, default_factory=dict)  # figure key -> node code

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items)


# --------------------------------------------------------------------------------------------
# instrument_from_dict
# --------------------------------------------------------------------------------------------


def _num(value: Any, where: str, errors: list[str], *, what: str = "weight") -> Decimal | None:
    """Decimal(str(value)) for an int/float/str number; records an error naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        errors.append(f"{where}: {what} must be a number, got {value!r}")
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{where}: {what} must be a number, got {value!r}")
        return None
    if not d.is_finite():
        errors.append(f"{where}: {what} must be finite, got {value!r}")
        return None
    return d


def _str(node: Mapping, key: str, where: str, errors: list[str], *, required: bool = True) -> str:
    value = node.get(key)
    if value is None:
        if required:
            errors.append(f"{where}: missing '{key}'")
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}: '{key}' must be a string")
        return str(value)
    return value


def _list(node: Mapping, key: str, where: str, errors: list[str]) -> list:
    value = node.get(key)
    if not isinstance(value, list) or not value:
        errors.append(f"{where}: '{key}' must be a non-empty list")
        return []
    return value


def _weight(node: Mapping, where: str, errors: list[str]) -> Decimal:
    if "weight" not in node:
        errors.append(f"{where}: missing 'weight'")
        return D0
    d = _num(node["weight"], where, errors)
    if d is None:
        return D0
    if d <= 0:
        errors.append(f"{where}: weight must be > 0, got {node['weight']!r}")
    return d


def _check_sum(parent: str, kind: str, parent_weight: Decimal, children: list[tuple[str, Decimal]],
               errors: list[str]) -> None:
    total = sum((w for _, w in children), D0)
    if children and total != parent_weight:
        parts = ", ".join(f"{c} {w}" for c, w in children)
        errors.append(
            f"{parent}: {kind} weights sum to {total}, expected {parent_weight} ({parts})"
        )


def _parse_scales(raw: Any, errors: list[str]) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    if not isinstance(raw, Mapping) or not raw:
        errors.append("scales: must be a non-empty mapping")
        return scales
    for code, s in raw.items():
        where = f"scale {code}"
        if not isinstance(s, Mapping):
            errors.append(f"{where}: must be a mapping")
            continue
        kind = s.get("kind") or ("option" if "values" in s else None)
        if kind not in SCALE_KINDS:
            errors.append(f"{where}: unknown scale kind {kind!r} (expected one of {', '.join(SCALE_KINDS)})")
            continue
        label = _str(s, "label", where, errors, required=False) or str(code)
        if kind == "option":
            values_raw = s.get("values")
            if not isinstance(values_raw, Mapping) or not values_raw:
                errors.append(f"{where}: option scale needs a non-empty 'values' mapping")
                continue
            values: dict[str, Decimal] = {}
            lookup: dict[str, str] = {}
            for opt, v in values_raw.items():
                d = _num(v, f"{where} option {opt}", errors, what="value")
                if d is None:
                    continue
                if not (D0 <= d <= D1):
                    errors.append(f"{where} option {opt}: value must be within [0, 1], got {v!r}")
                opt = str(opt)
                if opt.casefold() in lookup:
                    errors.append(f"{where}: duplicate option {opt!r}")
                values[opt] = d
                lookup[opt.casefold()] = opt
            ascending = tuple(sorted(values, key=lambda o: values[o]))
            scales[code] = Scale(code, label, kind, values, lookup=lookup, ascending=ascending)
        elif kind == "index":
            lo = _num(s.get("min", 0), where, errors, what="min")
            hi = _num(s.get("max"), where, errors, what="max") if "max" in s else None
            dec = s.get("decimals", 2)
            if hi is None:
                errors.append(f"{where}: index scale needs 'max'")
                continue
            if not isinstance(dec, int) or isinstance(dec, bool) or dec < 0:
                errors.append(f"{where}: 'decimals' must be a non-negative integer")
                continue
            if lo is None or lo >= hi:
                errors.append(f"{where}: min must be below max")
                continue
            scales[code] = Scale(code, label, kind, {}, lo, hi, dec, quantum=Decimal(1).scaleb(-dec))
        else:
            scales[code] = Scale(code, label, kind)
    return scales


def _parse_formula(it: Mapping, where: str, inputs: tuple[str, ...], errors: list[str]) -> Formula | None:
    raw = it.get("formula")
    if not isinstance(raw, Mapping):
        errors.append(f"{where}: percentage item needs a 'formula' mapping with a 'kind'")
        return None
    kind = raw.get("kind")
    if kind not in FORMULA_KINDS:
        errors.append(f"{where}: unknown formula kind {kind!r} (expected one of {', '.join(FORMULA_KINDS)})")
        return None
    known = set(inputs)
    if kind == "ratio":
        parts = {}
        for part in ("numerator", "denominator"):
            names = raw.get(part)
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                errors.append(f"{where}: formula '{part}' must be a non-empty list of input names")
                return None
            for n in names:
                if n not in known:
                    errors.append(f"{where}: formula {part} input '{n}' is not in inputs")
            parts[part] = tuple(names)
        return Formula(kind, numerator=parts["numerator"], denominator=parts["denominator"])
    names = {}
    for part in ("previous", "current"):
        n = raw.get(part)
        if not isinstance(n, str):
            errors.append(f"{where}: reduction formula needs '{part}' (an input name)")
            return None
        if n not in known:
            errors.append(f"{where}: formula {part} input '{n}' is not in inputs")
        names[part] = n
    return Formula(kind, previous=names["previous"], current=names["current"])


_ITEM_KEYS = {"code", "text", "scale", "typical_evidence", "formula", "inputs", "zero_denominator_value"}


def _parse_item(it: Any, ctx: dict, errors: list[str]) -> Item | None:
    if not isinstance(it, Mapping):
        errors.append(f"indicator {ctx['indicator']}: every item must be a mapping")
        return None
    code = _str(it, "code", f"an item of indicator {ctx['indicator']}", errors)
    where = f"item {code}"
    text = _str(it, "text", where, errors)
    scale_code = it.get("scale")
    scale = ctx["scales"].get(scale_code)
    if scale is None:
        errors.append(f"{where}: unknown scale {scale_code!r}")
        return None
    if scale.kind == "index":
        errors.append(f"{where}: index scale {scale_code} is only allowed on Hasil items")
        return None
    formula = None
    inputs: tuple[str, ...] = ()
    zdv = None
    if scale.kind == "percentage":
        raw_inputs = it.get("inputs")
        if not isinstance(raw_inputs, list) or not raw_inputs or not all(isinstance(n, str) for n in raw_inputs):
            errors.append(f"{where}: percentage item needs 'inputs', a non-empty list of names")
            raw_inputs = []
        if len(set(raw_inputs)) != len(raw_inputs):
            errors.append(f"{where}: duplicate input names")
        inputs = tuple(raw_inputs)
        formula = _parse_formula(it, where, inputs, errors)
        if "zero_denominator_value" not in it or it["zero_denominator_value"] is None:
            errors.append(f"{where}: missing zero_denominator_value")
        else:
            zdv = _num(it["zero_denominator_value"], where, errors, what="zero_denominator_value")
            if zdv is not None and not (D0 <= zdv <= D1):
                errors.append(f"{where}: zero_denominator_value must be within [0, 1]")
    elif "formula" in it:
        errors.append(f"{where}: 'formula' is only allowed on percentage items (scale {scale_code})")
    return Item(
        code=code, text=text, scale=scale, indicator=ctx["indicator"], area=ctx["area"],
        aspect=ctx["aspect"], position=ctx["position"], typical_evidence=str(it.get("typical_evidence") or ""),
        formula=formula, inputs=inputs, zero_denominator_value=zdv,
        extra={k: v for k, v in it.items() if k not in _ITEM_KEYS},
    )


def _parse_hasil_item(it: Any, sub: str, position: int, scales: dict[str, Scale],
                      errors: list[str]) -> HasilItem | None:
    if not isinstance(it, Mapping):
        errors.append(f"subcomponent {sub}: every item must be a mapping")
        return None
    code = _str(it, "code", f"an item of subcomponent {sub}", errors)
    where = f"item {code}"
    weight = _weight(it, where, errors)
    scale_code = it.get("scale")
    scale = scales.get(scale_code)
    if scale is None:
        errors.append(f"{where}: unknown scale {scale_code!r}")
        return None
    scoring = it.get("scoring")
    if scoring not in HASIL_SCORING:
        errors.append(f"{where}: unknown scoring {scoring!r} (expected one of {', '.join(HASIL_SCORING)})")
        return None
    if HASIL_SCORING[scoring] != scale.kind:
        errors.append(f"{where}: scoring {scoring} does not fit scale {scale_code} ({scale.kind})")
        return None
    key = it.get("key")
    if key is not None and key not in HASIL_KEYS:
        errors.append(f"{where}: unknown key {key!r} (expected one of {', '.join(HASIL_KEYS)})")
    options = it.get("options") or {}
    if not isinstance(options, Mapping):
        errors.append(f"{where}: 'options' must be a mapping")
        options = {}
    for opt in options:
        if scale.kind == "option" and opt not in scale.values:
            errors.append(f"{where}: option {opt!r} is not on scale {scale_code}")
    known = {"code", "text", "weight", "scale", "scoring", "key", "options", "typical_evidence"}
    return HasilItem(
        code=code, text=_str(it, "text", where, errors), weight=weight, scale=scale, scoring=scoring,
        key=key, subcomponent=sub, position=position, typical_evidence=str(it.get("typical_evidence") or ""),
        options=dict(options), extra={k: v for k, v in it.items() if k not in known},
    )


def _parse_thresholds(raw: Any, keyed: dict[str, str], area_numbers: tuple[str, ...],
                      areas: tuple[Area, ...], area_names: dict[str, str], hasil: dict[str, HasilItem],
                      errors: list[str]) -> dict[str, ThresholdSet]:
    out: dict[str, ThresholdSet] = {}
    if raw is None:
        return out
    if not isinstance(raw, Mapping):
        errors.append("thresholds: must be a mapping of predicate -> rules")
        return out
    for pred, t in raw.items():
        where = f"thresholds {pred}"
        if not isinstance(t, Mapping):
            errors.append(f"{where}: must be a mapping")
            continue
        for k in t:
            if k not in _THRESHOLD_KEYS:
                errors.append(f"{where}: unknown key '{k}'")
        sources = t.get("sources") or {}
        if not isinstance(sources, Mapping):
            errors.append(f"{where}: 'sources' must be a mapping of rule -> regulation reference")
            sources = {}
        rules: list[RuleSpec] = []

        def source_of(rule: str, where: str = where, sources: Mapping = sources) -> str:
            s = sources.get(rule)
            if not isinstance(s, str) or not s:
                errors.append(f"{where}: missing sources.{rule} (regulation reference)")
                return ""
            return s

        mode = t.get("per_area_mode", "combined")
        if mode not in AREA_MODES:
            errors.append(f"{where}: unknown per_area_mode {mode!r} (expected one of {', '.join(AREA_MODES)})")
            mode = "combined"
        for key, name, unit, survey, label in _SCORE_RULES:
            if key not in t:
                continue
            minimum = _num(t[key], f"{where}.{key}", errors, what="minimum")
            if minimum is None:
                continue
            if name != "total" and name not in keyed:
                errors.append(f"{where}.{key}: no node of the instrument has key '{name}'")
            rules.append(RuleSpec(name, label, name, minimum, unit, survey, source_of(name)))
        area_min = None
        if "per_area_min_pct" in t:
            area_min = _num(t["per_area_min_pct"], f"{where}.per_area_min_pct", errors, what="minimum")
            if area_min is not None:
                src = source_of("per_area")
                if mode == "combined":
                    for n in area_numbers:
                        label = Text(gettext_noop("Area %(number)s – %(name)s (%% dari bobot)"),
                                     number=n, name=area_names[n])
                        rules.append(RuleSpec(f"area_{n}", label, f"area_{n}", area_min, "%", False, src))
                else:
                    for a in areas:
                        half = gettext_noop("Pemenuhan") if a.code.startswith("P") else gettext_noop("Reform")
                        label = Text(gettext_noop("Area %(number)s – %(name)s, %(half)s (%(code)s) (%% dari bobot)"),
                                     number=a.number, name=a.name, half=half, code=a.code)
                        rules.append(RuleSpec(f"area_{a.code}", label, f"area_{a.code}", area_min, "%", False, src))
        # Reading order of the table: total, pengungkit, the areas, then the Hasil rules.
        rules.sort(key=lambda r: 0 if r.name in ("total", "pengungkit") else 1 if r.name.startswith("area_") else 2)
        index_mins = {}
        for key, rule, item_key in (("ipak_index_min", "ipak", "ipak"), ("ipkp_index_min", "pelayanan_prima", "ipkp")):
            if key not in t:
                continue
            imin = _num(t[key], f"{where}.{key}", errors, what="minimum")
            index_mins[key] = imin
            item = hasil.get(item_key)
            spec = next((r for r in rules if r.name == rule), None)
            if imin is None or item is None or spec is None or item.scale.max is None:
                continue
            implied = imin / item.scale.max * item.weight
            if implied != spec.minimum:
                errors.append(
                    f"{where}.{key}: index {imin} gives {implied} on {item.code}, "
                    f"but the {rule} minimum is {spec.minimum}"
                )
        prior = t.get("requires_prior_predikat")
        if prior is not None and prior not in out:
            errors.append(f"{where}: requires_prior_predikat {prior!r} must name a predicate listed before it")
        label = t.get("label") or Text(gettext_noop("Menuju %(predicate)s"), predicate=str(pred))
        out[str(pred)] = ThresholdSet(
            predicate=str(pred), label=label if isinstance(label, str) else str(label), rules=tuple(rules),
            per_area_mode=mode,
            per_area_min_pct=area_min, requires_prior_predikat=prior,
            ipak_index_min=index_mins.get("ipak_index_min"), ipkp_index_min=index_mins.get("ipkp_index_min"),
        )
    return out


def _parse_prerequisites(raw: Any, predicates: Mapping[str, Any], errors: list[str]
                         ) -> tuple[dict[str, tuple[PrerequisiteRule, ...]], str, tuple[str, ...]]:
    if raw is None:
        return {}, "", ()
    if not isinstance(raw, Mapping):
        errors.append("prerequisites: must be a mapping")
        return {}, "", ()
    source = raw.get("source") or ""
    grades = raw.get("grade_order") or []
    if not isinstance(grades, list) or not all(isinstance(g, str) for g in grades):
        errors.append("prerequisites: grade_order must be a list of grades, best first")
        grades = []
    out: dict[str, tuple[PrerequisiteRule, ...]] = {}
    preds = raw.get("predicates") or {}
    if not isinstance(preds, Mapping):
        errors.append("prerequisites: 'predicates' must be a mapping of predicate -> rules")
        preds = {}
    for pred, rules in preds.items():
        where = f"prerequisites {pred}"
        if predicates and pred not in predicates:
            errors.append(f"{where}: predicate has no thresholds")
        if not isinstance(rules, list):
            errors.append(f"{where}: must be a list of rules")
            continue
        parsed = []
        seen: set[str] = set()
        for r in rules:
            if not isinstance(r, Mapping):
                errors.append(f"{where}: every rule must be a mapping")
                continue
            code = _str(r, "code", f"a rule of {where}", errors)
            rw = f"{where} rule {code}"
            if code in seen:
                errors.append(f"{rw}: duplicate code")
            seen.add(code)
            check = r.get("check")
            if check not in PREREQUISITE_CHECKS:
                errors.append(f"{rw}: unknown check {check!r}")
                continue
            level = r.get("level")
            if level not in ("instansi", "unit"):
                errors.append(f"{rw}: level must be 'instansi' or 'unit'")
            values = r.get("values") or {}
            if not isinstance(values, Mapping):
                errors.append(f"{rw}: 'values' must be a mapping")
                values = {}
            if check == "grade_min":
                for g in ([r.get("value")] if "value_by" not in r else list(values.values())):
                    if g not in grades:
                        errors.append(f"{rw}: grade {g!r} is not in grade_order")
            if check in ("equals", "grade_min", "number_min", "years_since_min", "holds_predicate",
                         "no_recent_revocation") and r.get("value") is None and not r.get("value_by"):
                errors.append(f"{rw}: check {check} needs a 'value'")
            parsed.append(PrerequisiteRule(
                code=code, level=str(level), label=_str(r, "label", rw, errors), fact=_str(r, "fact", rw, errors),
                check=check, value=r.get("value"), value_by=r.get("value_by"), values=dict(values),
                unit=str(r.get("unit") or ""), source=str(r.get("source") or source),
            ))
        out[str(pred)] = tuple(parsed)
    return out, str(source), tuple(grades)


def instrument_from_dict(data: Mapping[str, Any]) -> Instrument:
    """Build and validate an :class:`Instrument` from the parsed YAML dict.

    Raises :class:`InstrumentError` with every problem found (not only the first), each message
    naming the offending code: weight sums, duplicate codes, unknown scales, unknown formula kinds,
    formula inputs not declared in ``inputs``, missing ``zero_denominator_value``, thresholds that
    refer to figures the instrument does not produce."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        raise InstrumentError(["instrument: the definition must be a mapping"])
    data = copy.deepcopy(dict(data))
    head = data.get("instrument")
    if not isinstance(head, Mapping):
        raise InstrumentError(["instrument: missing 'instrument' header (code, name, total_weight)"])
    code = _str(head, "code", "instrument", errors)
    name = _str(head, "name", f"instrument {code}", errors)
    total_weight = _num(head.get("total_weight", 100), f"instrument {code}", errors, what="total_weight") or D0
    scales = _parse_scales(data.get("scales"), errors)

    seen_codes: set[str] = set()

    def claim(c: str) -> None:
        if c in seen_codes:
            errors.append(f"{c}: duplicate code")
        seen_codes.add(c)

    components: list[Component] = []
    items: list[AnyItem] = []
    indicators: list[Indicator] = []
    areas: list[Area] = []
    aspects: list[Aspect] = []
    subcomponents: list[Subcomponent] = []
    hasil_items: list[HasilItem] = []
    keyed: dict[str, str] = {}

    def add_key(key: Any, node_code: str, allowed: tuple[str, ...]) -> str | None:
        if key is None:
            return None
        if key not in allowed:
            errors.append(f"{node_code}: unknown key {key!r} (expected one of {', '.join(allowed)})")
            return None
        if key in keyed:
            errors.append(f"{node_code}: key {key!r} is already used by {keyed[key]}")
        keyed[key] = node_code
        return key

    raw_components = _list(data, "components", "instrument", errors)
    for comp in raw_components:
        if not isinstance(comp, Mapping):
            errors.append("components: every component must be a mapping")
            continue
        ccode = _str(comp, "code", "a component", errors)
        claim(ccode)
        cwhere = f"component {ccode}"
        cweight = _weight(comp, cwhere, errors)
        has_aspects, has_subs = "aspects" in comp, "subcomponents" in comp
        if has_aspects == has_subs:
            errors.append(f"{cwhere}: needs exactly one of 'aspects' or 'subcomponents'")
            continue
        ckey = add_key(comp.get("key", "pengungkit" if has_aspects else "hasil"), ccode, ("pengungkit", "hasil"))
        c_aspects: list[Aspect] = []
        c_subs: list[Subcomponent] = []
        if has_aspects:
            for asp in _list(comp, "aspects", cwhere, errors):
                if not isinstance(asp, Mapping):
                    errors.append(f"{cwhere}: every aspect must be a mapping")
                    continue
                acode = _str(asp, "code", f"an aspect of {cwhere}", errors)
                claim(acode)
                awhere = f"aspect {acode}"
                aweight = _weight(asp, awhere, errors)
                akey = add_key(asp.get("key"), acode, ASPECT_KEYS)
                a_areas: list[Area] = []
                for ar in _list(asp, "areas", awhere, errors):
                    if not isinstance(ar, Mapping):
                        errors.append(f"{awhere}: every area must be a mapping")
                        continue
                    arcode = _str(ar, "code", f"an area of {awhere}", errors)
                    claim(arcode)
                    arwhere = f"area {arcode}"
                    arweight = _weight(ar, arwhere, errors)
                    number = arcode.split(".", 1)[1] if "." in arcode else arcode
                    a_inds: list[Indicator] = []
                    for ind in _list(ar, "indicators", arwhere, errors):
                        if not isinstance(ind, Mapping):
                            errors.append(f"{arwhere}: every indicator must be a mapping")
                            continue
                        icode = _str(ind, "code", f"an indicator of {arwhere}", errors)
                        claim(icode)
                        iwhere = f"indicator {icode}"
                        iweight = _weight(ind, iwhere, errors)
                        i_items: list[Item] = []
                        for it in _list(ind, "items", iwhere, errors):
                            ctx = {"scales": scales, "indicator": icode, "area": arcode, "aspect": acode,
                                   "position": len(items)}
                            item = _parse_item(it, ctx, errors)
                            if item is None:
                                continue
                            claim(item.code)
                            i_items.append(item)
                            items.append(item)
                        indicator = Indicator(icode, _str(ind, "name", iwhere, errors), iweight, arcode, tuple(i_items))
                        a_inds.append(indicator)
                        indicators.append(indicator)
                    _check_sum(arwhere, "indicator", arweight, [(i.code, i.weight) for i in a_inds], errors)
                    area = Area(arcode, _str(ar, "name", arwhere, errors), arweight, acode, number, tuple(a_inds))
                    a_areas.append(area)
                    areas.append(area)
                _check_sum(awhere, "area", aweight, [(a.code, a.weight) for a in a_areas], errors)
                aspect = Aspect(acode, _str(asp, "name", awhere, errors), aweight, akey, tuple(a_areas))
                c_aspects.append(aspect)
                aspects.append(aspect)
            _check_sum(cwhere, "aspect", cweight, [(a.code, a.weight) for a in c_aspects], errors)
        else:
            for sub in _list(comp, "subcomponents", cwhere, errors):
                if not isinstance(sub, Mapping):
                    errors.append(f"{cwhere}: every subcomponent must be a mapping")
                    continue
                scode = _str(sub, "code", f"a subcomponent of {cwhere}", errors)
                claim(scode)
                swhere = f"subcomponent {scode}"
                sweight = _weight(sub, swhere, errors)
                skey = add_key(sub.get("key"), scode, SUBCOMPONENT_KEYS)
                s_items: list[HasilItem] = []
                for it in _list(sub, "items", swhere, errors):
                    hi = _parse_hasil_item(it, scode, len(items), scales, errors)
                    if hi is None:
                        continue
                    claim(hi.code)
                    items.append(hi)
                    if hi.key:
                        add_key(hi.key, hi.code, HASIL_KEYS)
                    s_items.append(hi)
                    hasil_items.append(hi)
                _check_sum(swhere, "item", sweight, [(i.code, i.weight) for i in s_items], errors)
                subc = Subcomponent(scode, _str(sub, "name", swhere, errors), sweight, skey, tuple(s_items))
                c_subs.append(subc)
                subcomponents.append(subc)
            _check_sum(cwhere, "subcomponent", cweight, [(s.code, s.weight) for s in c_subs], errors)
        components.append(Component(ccode, _str(comp, "name", cwhere, errors), cweight, ckey,
                                    tuple(c_aspects), tuple(c_subs)))
    _check_sum(f"instrument {code}", "component", total_weight, [(c.code, c.weight) for c in components], errors)

    area_numbers: list[str] = []
    area_names: dict[str, str] = {}
    for a in areas:
        if a.number not in area_names:
            area_numbers.append(a.number)
            area_names[a.number] = a.name
    for a in aspects:
        numbers = [x.number for x in a.areas]
        if len(set(numbers)) != len(numbers):
            errors.append(f"aspect {a.code}: two areas share an area number")

    weights: dict[str, Decimal] = {"total": total_weight}
    for c in components:
        if c.key:
            weights[c.key] = c.weight
    for a in aspects:
        if a.key:
            weights[a.key] = a.weight
    for s in subcomponents:
        if s.key:
            weights[s.key] = s.weight
    for hi in hasil_items:
        if hi.key:
            weights[hi.key] = hi.weight
    for n in area_numbers:
        weights[f"area_{n}"] = sum((a.weight for a in areas if a.number == n), D0)

    hasil_by_key = {hi.key: hi for hi in hasil_items if hi.key}
    thresholds = _parse_thresholds(data.get("thresholds"), keyed, tuple(area_numbers), tuple(areas),
                                   area_names, hasil_by_key, errors)
    prerequisites, prereq_source, grades = _parse_prerequisites(data.get("prerequisites"), thresholds, errors)

    if errors:
        raise InstrumentError(errors)
    return Instrument(
        code=code, name=name, legal_basis=str(head.get("legal_basis") or ""), total_weight=total_weight,
        scales=scales, components=tuple(components), thresholds=thresholds, prerequisites=prerequisites,
        prerequisite_source=prereq_source, grade_order=grades, data=data, items=tuple(items),
        item_map={i.code: i for i in items}, indicators=tuple(indicators), areas=tuple(areas),
        aspects=tuple(aspects), subcomponents=tuple(subcomponents), hasil_items=tuple(hasil_items),
        area_numbers=tuple(area_numbers), area_names=area_names, weights=weights, keyed=keyed,
    )


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NormalizedAnswer:
    """A validated answer. ``answer`` is canonical: the option string ("Ya", "B"), a dict of counts
    in the item's input order, or the index as a Decimal. ``value`` is the item value in [0, 1]."""

    code: str
    kind: str  # "option" | "counts" | "index"
    answer: Any
    value: Decimal


def _short(raw: Any) -> str:
    text = str(raw) if isinstance(raw, (Decimal, int, float)) and not isinstance(raw, bool) else repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_name(raw: Any) -> str:
    return {bool: "boolean", str: "string", int: "number", float: "number", list: "list", dict: "object",
            type(None): "null"}.get(type(raw), type(raw).__name__)


def _count(item: AnyItem, name: str, raw: Any) -> int:
    code = item.code
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal)):
        raise AnswerError(code, f"item {code}: count {name} must be a non-negative integer, got {_short(raw)}",
                          "bad_count")
    if isinstance(raw, int):
        n = raw
    else:
        d = Decimal(repr(raw)) if isinstance(raw, float) else raw
        if not d.is_finite() or d != d.to_integral_value():
            raise AnswerError(code, f"item {code}: count {name} must be a whole number, got {_short(raw)}",
                              "bad_count")
        n = int(d)
    if n < 0:
        raise AnswerError(code, f"item {code}: count {name} must not be negative, got {n}", "negative_count")
    return n


def percentage_value(item: Item, counts: Mapping[str, int]) -> Decimal:
    """The value of a percentage item for validated counts, clamped to [0, 1]."""
    f = item.formula
    assert f is not None
    if f.kind == "ratio":
        den = sum(counts[n] for n in f.denominator)
        if den == 0:
            return item.zero_denominator_value  # type: ignore[return-value]
        num = sum(counts[n] for n in f.numerator)
        if num >= den:
            return D1
        return Decimal(num) / Decimal(den)
    prev = counts[f.previous]  # type: ignore[index]
    cur = counts[f.current]  # type: ignore[index]
    if prev == 0:
        # No violations last year: none this year keeps the policy value, any new one is 0.
        return item.zero_denominator_value if cur == 0 else D0  # type: ignore[return-value]
    if cur >= prev:
        return D0
    return Decimal(prev - cur) / Decimal(prev)


def _normalize(item: AnyItem, raw: Any) -> NormalizedAnswer:
    code = item.code
    scale = item.scale
    kind = scale.kind
    if kind == "option":
        if isinstance(raw, str):
            opt = scale.lookup.get(raw.strip().casefold())
            if opt is not None:
                return NormalizedAnswer(code, "option", opt, scale.values[opt])
            allowed = ", ".join(scale.values)
            raise AnswerError(code, f"item {code}: answer {_short(raw)} is outside scale {scale.code} "
                                    f"(allowed: {allowed})", "out_of_scale")
        raise AnswerError(code, f"item {code}: expected one of {', '.join(scale.values)}, got a {_type_name(raw)}",
                          "wrong_type")
    if kind == "percentage":
        if not isinstance(raw, Mapping):
            raise AnswerError(code, f"item {code}: expected an object of counts "
                                    f"{{{', '.join(item.inputs)}}}, got a {_type_name(raw)}", "wrong_type")
        inputs = item.inputs
        if len(raw) != len(inputs) or any(n not in raw for n in inputs):
            unknown = [str(k) for k in raw if k not in inputs]
            missing = [n for n in inputs if n not in raw]
            parts = []
            if unknown:
                parts.append(f"unknown input(s) {', '.join(unknown)}")
            if missing:
                parts.append(f"missing input(s) {', '.join(missing)}")
            raise AnswerError(code, f"item {code}: {'; '.join(parts)} (expected {', '.join(inputs)})", "bad_counts")
        counts = {n: _count(item, n, raw[n]) for n in inputs}
        return NormalizedAnswer(code, "counts", counts, percentage_value(item, counts))  # type: ignore[arg-type]
    # index
    if isinstance(raw, bool):
        raise AnswerError(code, f"item {code}: expected an index {scale.min}-{scale.max}, got a boolean", "wrong_type")
    try:
        if isinstance(raw, Decimal):
            d = raw
        elif isinstance(raw, int):
            d = Decimal(raw)
        elif isinstance(raw, float):
            d = Decimal(repr(raw))
        elif isinstance(raw, str):
            d = Decimal(raw.strip().replace(",", "."))
        else:
            raise AnswerError(code, f"item {code}: expected an index {scale.min}-{scale.max}, "
                                    f"got a {_type_name(raw)}", "wrong_type")
    except InvalidOperation:
        raise AnswerError(code, f"item {code}: index {_short(raw)} is not a number", "bad_index") from None
    if not d.is_finite() or d < scale.min or d > scale.max:  # type: ignore[operator]
        raise AnswerError(code, f"item {code}: index {_short(raw)} is outside {scale.min}-{scale.max}", "bad_index")
    if d != d.quantize(scale.quantum):  # type: ignore[arg-type]
        raise AnswerError(code, f"item {code}: index {_short(raw)} has more than {scale.decimals} decimals",
                          "bad_index")
    return NormalizedAnswer(code, "index", d, d / scale.max)  # type: ignore[operator]


def validate_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, NormalizedAnswer]:
    """Validate answers against the instrument; returns code -> :class:`NormalizedAnswer` for
    answered items only (``None`` or absent = unanswered).

    Accepted forms: an option string of the item's scale (matched after trimming, ignoring case:
    ``"ya"`` -> ``"Ya"``); for a percentage item an object with exactly its input names, each a
    non-negative whole number (int, or an integral float/Decimal); for an index item an int, float,
    Decimal or string (``"3.60"`` or ``"3,60"``) within the scale with at most its decimals.

    Raises :class:`AnswerError` for an unknown item code, an option outside the item's scale, a
    count object with unknown/missing inputs or a negative/non-integer count, an index outside the
    scale or with too many decimals, or a value of the wrong type."""
    if not isinstance(answers, Mapping):
        raise AnswerError("", f"answers must be an object of item code -> answer, got a {_type_name(answers)}",
                          "wrong_type")
    item_map = instrument.item_map
    out: dict[str, NormalizedAnswer] = {}
    with localcontext(_CTX):
        for code, raw in answers.items():
            item = item_map.get(code)  # type: ignore[call-overload]
            if item is None:
                raise AnswerError(str(code), f"item {code}: unknown item code for instrument {instrument.code}",
                                  "unknown_code")
            if raw is None:
                continue
            out[code] = _normalize(item, raw)
    return out


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def round2(d: Decimal) -> Decimal:
    """Round half up to two decimals (the figure a reader sees and the one thresholds compare)."""
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def format_id(d: Decimal | int | float, decimals: int = 2) -> str:
    """Indonesian number format with ROUND_HALF_UP: ``83,12``; thousands with ``.``: ``1.234,50``."""
    q = Decimal(str(d)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):,.{decimals}f}"  # "1,234.50"
    return sign + text.replace(",", "_").replace(".", ",").replace("_", ".")


def pct_of(score_: Decimal, weight: Decimal) -> Decimal:
    """Percentage of a weight at full precision."""
    with localcontext(_CTX):
        return score_ / weight * D100


@dataclass(frozen=True)
class RuleCheck:
    """The outcome of one threshold rule. ``figure`` is at full precision; ``passed`` compares
    ``round2(figure) >= minimum``. ``survey_driven`` rules (IPAK, IPKP) depend only on surveys."""

    rule: str
    label: str
    figure: Decimal
    minimum: Decimal
    unit: str
    source: str
    survey_driven: bool
    passed: bool

    @property
    def figure_rounded(self) -> Decimal:
        return round2(self.figure)


Failure = RuleCheck  # a RuleCheck with passed == False


@dataclass(frozen=True)
class ThresholdResult:
    predicate: str
    label: str
    met: bool
    checks: tuple[RuleCheck, ...]
    failures: tuple[RuleCheck, ...]


@dataclass(frozen=True)
class ScoreResult:
    """Scores of one LKE at full precision (round only for display: :func:`round2`).

    ``items``: item code -> value in [0, 1] for every item (Hasil too: index / max, option value);
    ``indicators``: indicator code -> points; ``hasil_items``: Hasil item code -> points;
    ``areas``: "P.1".."R.6" -> points; ``area_totals``: "1".."6" -> points (P + R);
    ``figures``: every named figure (total, pengungkit, pemenuhan, reform, hasil, bersih_akuntabel,
    pelayanan_prima, ipak, capaian_kinerja, ipkp in points; ``area_<n>`` and ``area_<P.n>`` in %);
    ``pct``: percentage of its weight for every code of ``indicators``/``areas``/``hasil_items``,
    every area number and every named point figure."""

    instrument: str
    items: dict[str, Decimal]
    indicators: dict[str, Decimal]
    hasil_items: dict[str, Decimal]
    areas: dict[str, Decimal]
    area_totals: dict[str, Decimal]
    pemenuhan: Decimal
    reform: Decimal
    pengungkit: Decimal
    ipak: Decimal
    capaian_kinerja: Decimal
    ipkp: Decimal
    bersih_akuntabel: Decimal
    pelayanan_prima: Decimal
    hasil: Decimal
    total: Decimal
    figures: dict[str, Decimal]
    pct: dict[str, Decimal]
    unanswered: tuple[str, ...]
    thresholds: dict[str, ThresholdResult]
    predicate: str | None
    answers: dict[str, NormalizedAnswer] = field(repr=False, default_factory=dict)


def aggregate(instrument: Instrument, indicator_scores: Mapping[str, Decimal],
              hasil_scores: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]:
    """Sum indicator and Hasil item scores up the tree. Returns (areas, area_totals, figures).

    Shared by :func:`score_normalized` and the gap analysis so both sum in the same order and give
    bit-identical figures. Call inside the engine's Decimal context."""
    areas = {a.code: sum((indicator_scores[i.code] for i in a.indicators), D0) for a in instrument.areas}
    area_totals = {n: D0 for n in instrument.area_numbers}
    for a in instrument.areas:
        area_totals[a.number] += areas[a.code]
    figures: dict[str, Decimal] = {}
    total = D0
    for c in instrument.components:
        if c.aspects:
            csum = D0
            for asp in c.aspects:
                asum = sum((areas[a.code] for a in asp.areas), D0)
                if asp.key:
                    figures[asp.key] = asum
                csum += asum
        else:
            csum = D0
            for s in c.subcomponents:
                ssum = sum((hasil_scores[i.code] for i in s.items), D0)
                if s.key:
                    figures[s.key] = ssum
                csum += ssum
        if c.key:
            figures[c.key] = csum
        total += csum
    figures["total"] = total
    for hi in instrument.hasil_items:
        if hi.key:
            figures[hi.key] = hasil_scores[hi.code]
    weights = instrument.weights
    for n, v in area_totals.items():
        figures[f"area_{n}"] = v / weights[f"area_{n}"] * D100
    for a in instrument.areas:
        figures[f"area_{a.code}"] = areas[a.code] / a.weight * D100
    return areas, area_totals, figures


def evaluate_thresholds(instrument: Instrument, figures: Mapping[str, Decimal]
                        ) -> tuple[dict[str, ThresholdResult], str | None]:
    """Check every predicate's rules against ``figures``; returns (results, best predicate met)."""
    results: dict[str, ThresholdResult] = {}
    best = None
    for pred, tset in instrument.thresholds.items():
        checks = []
        for r in tset.rules:
            fig = figures.get(r.figure, D0)
            checks.append(RuleCheck(r.name, r.label, fig, r.minimum, r.unit, r.source, r.survey_driven,
                                    fig.quantize(CENT, rounding=ROUND_HALF_UP) >= r.minimum))
        failures = tuple(c for c in checks if not c.passed)
        met = not failures
        results[pred] = ThresholdResult(pred, tset.label, met, tuple(checks), failures)
        if met:
            best = pred  # thresholds are listed lowest first; the last met is the highest
    return results, best


def score_normalized(instrument: Instrument, normalized: Mapping[str, NormalizedAnswer]) -> ScoreResult:
    """Score already-validated answers (see :func:`validate_answers`)."""
    with localcontext(_CTX):
        values: dict[str, Decimal] = {}
        unanswered: list[str] = []
        for item in instrument.items:
            na = normalized.get(item.code)
            if na is None:
                values[item.code] = D0
                unanswered.append(item.code)
            else:
                values[item.code] = na.value
        indicators: dict[str, Decimal] = {}
        pct: dict[str, Decimal] = {}
        for ind in instrument.indicators:
            s = D0
            for it in ind.items:
                s += values[it.code]
            indicators[ind.code] = ind.weight * s / len(ind.items)
            pct[ind.code] = s / len(ind.items) * D100
        hasil_scores = {hi.code: hi.weight * values[hi.code] for hi in instrument.hasil_items}
        for hi in instrument.hasil_items:
            pct[hi.code] = values[hi.code] * D100
        areas, area_totals, figures = aggregate(instrument, indicators, hasil_scores)
        for a in instrument.areas:
            pct[a.code] = figures[f"area_{a.code}"]
        for n in instrument.area_numbers:
            pct[n] = figures[f"area_{n}"]
        weights = instrument.weights
        for key in ("total", "pengungkit", "pemenuhan", "reform", "hasil", "bersih_akuntabel",
                    "pelayanan_prima", "ipak", "capaian_kinerja", "ipkp"):
            if key in weights:
                pct[key] = figures[key] / weights[key] * D100
        thresholds, predicate = evaluate_thresholds(instrument, figures)
        get = figures.get
        return ScoreResult(
            instrument=instrument.code, items=values, indicators=indicators, hasil_items=hasil_scores,
            areas=areas, area_totals=area_totals, pemenuhan=get("pemenuhan", D0), reform=get("reform", D0),
            pengungkit=get("pengungkit", D0), ipak=get("ipak", D0), capaian_kinerja=get("capaian_kinerja", D0),
            ipkp=get("ipkp", D0), bersih_akuntabel=get("bersih_akuntabel", D0),
            pelayanan_prima=get("pelayanan_prima", D0), hasil=get("hasil", D0), total=figures["total"],
            figures=figures, pct=pct, unanswered=tuple(unanswered), thresholds=thresholds, predicate=predicate,
            answers=dict(normalized),
        )


def score(instrument: Instrument, answers: Mapping[str, object]) -> ScoreResult:
    """Validate ``answers`` (item code -> answer; see :func:`validate_answers`) and score them.

    Raises :class:`AnswerError` on the first invalid answer."""
    return score_normalized(instrument, validate_answers(instrument, answers))
