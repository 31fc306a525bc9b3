"""The contract of ``python manage.py lke_score --input FILE [--format json|text]``, without Django.

Pure Python. The management command only reads the file, calls :func:`run` with a resolver of
instrument codes and writes the returned stdout/stderr with the returned exit code.

Input: one object or a list of objects ``{"instrument": "permenpanrb-90-2021", "answers": {CODE:
ANSWER}}`` where ANSWER is ``"Ya"``/``"Tidak"``, a letter ``"A"``-``"E"``, an object of counts for
percentage items (input names as in the instrument YAML), a number 0-4 with two decimals for the
survey indices (B.I.a, B.II.a), or ``null`` (unanswered).

Output (``json``): per entry an object with exactly the keys of :data:`JSON_KEYS`; a list input
gives a list in the same order. Every score is a JSON number at full precision (Decimal written as
its digits, never as a string or a float). ``text`` shows two decimals in Indonesian format.

Exit codes: 0 success; 2 for input the user must fix (malformed JSON, wrong shape, unknown
instrument, unknown item code, answer outside its scale, bad count, index outside 0-4), with a
one-line message on stderr that names the item (and the entry, for a list: ``entry 2: item ...``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .decimals import format_id
from .gaps import GapReport, Step, gap_analysis
from .parse import instrument_from_dict
from .scoring import ScoreResult, score
from .types import AnswerError, Instrument

__all__ = [
    "BUNDLED_DIR",
    "JSON_KEYS",
    "SCORE_KEYS",
    "LkeEntry",
    "LkeInputError",
    "ParsedInput",
    "bundled_instrument",
    "dumps",
    "load_instrument_file",
    "parse_input",
    "result_to_json",
    "score_to_json",
    "result_to_text",
    "run",
]

# The instrument YAML files shipped with the app (assessments/instruments/).
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "instruments"
FORMATS = ("json", "text")
JSON_KEYS = (
    "instrument", "total", "pengungkit", "pemenuhan", "reform", "hasil", "bersih_akuntabel",
    "pelayanan_prima", "areas", "area_totals", "indicators", "items", "unanswered", "thresholds",
    "predicate", "gaps",
)
#: The keys of one score (:func:`score_to_json`): the CLI's object without ``gaps``. The API's
#: ``unit`` and ``tpi`` objects are exactly this shape.
SCORE_KEYS = JSON_KEYS[:-1]

Resolver = Callable[[str], "Instrument | None"]


class LkeInputError(ValueError):
    """The input file cannot be used; the message is one line."""

    def __init__(self, message: str):
        self.message = " ".join(str(message).split())
        super().__init__(self.message)


@dataclass(frozen=True)
class LkeEntry:
    instrument: Instrument
    answers: dict[str, Any]


@dataclass(frozen=True)
class ParsedInput:
    entries: tuple[LkeEntry, ...]
    is_list: bool


# --------------------------------------------------------------------------------------------
# Instruments
# --------------------------------------------------------------------------------------------


def load_instrument_file(path: str | Path) -> Instrument:
    """Read an instrument YAML file (``yaml.safe_load``) and validate it.

    Raises :class:`assessments.lke.types.InstrumentError` for an invalid definition."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return instrument_from_dict(data)


_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@lru_cache(maxsize=16)
def bundled_instrument(code: str) -> Instrument | None:
    """Resolver for the instruments shipped in :data:`BUNDLED_DIR` (``<code>.yaml``), cached."""
    if not isinstance(code, str) or not _CODE_RE.match(code) or ".." in code:
        return None
    path = BUNDLED_DIR / f"{code}.yaml"
    if not path.is_file():
        return None
    return load_instrument_file(path)


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise LkeInputError(f"malformed JSON: {name} is not a number")


def parse_input(text: str, get_instrument: Resolver) -> ParsedInput:
    """Parse the input file's text. Numbers with a fraction become ``Decimal`` (no float rounding).

    Raises :class:`LkeInputError` (one line) for malformed JSON, a wrong shape or an instrument
    code ``get_instrument`` does not know."""
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise LkeInputError(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    is_list = isinstance(data, list)
    raw_entries = data if is_list else [data]
    entries = []
    for n, raw in enumerate(raw_entries, 1):
        where = f"entry {n}: " if is_list else ""
        if not isinstance(raw, dict):
            raise LkeInputError(f"{where}expected an object {{\"instrument\": ..., \"answers\": {{...}}}}"
                                + ("" if is_list else " or a list of such objects"))
        unknown = [k for k in raw if k not in ("instrument", "answers")]
        if unknown:
            raise LkeInputError(f"{where}unknown key {unknown[0]!r} (expected instrument, answers)")
        code = raw.get("instrument")
        if not isinstance(code, str) or not code:
            raise LkeInputError(f"{where}missing \"instrument\" (an instrument code)")
        instrument = get_instrument(code)
        if instrument is None:
            raise LkeInputError(f"{where}unknown instrument {code!r}")
        answers = raw.get("answers")
        if not isinstance(answers, dict):
            raise LkeInputError(f"{where}\"answers\" must be an object of item code -> answer")
        entries.append(LkeEntry(instrument, answers))
    return ParsedInput(tuple(entries), is_list)


# --------------------------------------------------------------------------------------------
# JSON output
# --------------------------------------------------------------------------------------------


def _number(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"cannot write {d} as a JSON number")
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def dumps(obj: Any, indent: int | None = 2) -> str:
    """JSON text with every ``Decimal`` written as a raw JSON number at full precision."""
    pad = "" if indent is None else " " * indent

    def enc(o: Any, level: int) -> str:
        if o is None:
            return "null"
        if o is True:
            return "true"
        if o is False:
            return "false"
        if isinstance(o, Decimal):
            return _number(o)
        if isinstance(o, int):
            return str(o)
        if isinstance(o, float):
            return json.dumps(o)
        if isinstance(o, str):
            return json.dumps(o, ensure_ascii=False)
        nl = "" if indent is None else "\n" + pad * (level + 1)
        end = "" if indent is None else "\n" + pad * level
        sep = ", " if indent is None else ","
        if isinstance(o, Mapping):
            if not o:
                return "{}"
            parts = [f"{json.dumps(str(k), ensure_ascii=False)}: {enc(v, level + 1)}" for k, v in o.items()]
            return "{" + nl + (sep + nl).join(parts) + end + "}"
        if isinstance(o, (list, tuple)):
            if not o:
                return "[]"
            return "[" + nl + (sep + nl).join(enc(v, level + 1) for v in o) + end + "]"
        raise TypeError(f"cannot write {type(o).__name__} as JSON")

    return enc(obj, 0)


def _step_json(s: Step) -> dict[str, Any]:
    return {
        "item": s.item, "indicator": s.indicator, "area": s.area, "current": s.current,
        "current_value": s.current_value, "next": s.next, "next_value": s.next_value, "points": s.points,
        "helps": list(s.helps), "description": s.description,
    }


def _gap_json(g: GapReport) -> dict[str, Any]:
    p = g.projected
    return {
        "label": g.label,
        "failing": [f.rule for f in g.failing],
        "candidates": [_step_json(s) for s in g.candidates],
        "plan": None if g.plan is None else [_step_json(s) for s in g.plan],
        "plan_answers": g.plan_answers,
        "plan_reason": g.plan_reason,
        "projected": None if p is None else {
            "total": p.total, "pengungkit": p.pengungkit, "hasil": p.hasil, "predicate": p.predicate,
        },
        "survey_rules": [
            {"rule": s.rule, "label": s.label, "item": s.item, "figure": s.figure, "minimum": s.minimum,
             "index": s.index, "index_needed": s.index_needed, "source": s.source, "note": s.note}
            for s in g.survey_rules
        ],
    }


def score_to_json(result: ScoreResult) -> dict[str, Any]:
    """The JSON object of one score (keys exactly :data:`SCORE_KEYS`; values are Decimals, to be
    written with :func:`dumps`): the one shape of a score wherever it leaves the engine (the
    ``lke_score`` command, the API's ``unit``/``tpi`` breakdowns). ``items`` holds item values in
    [0, 1] (Hasil items too: index / 4 and option value); ``indicators`` holds indicator scores in
    points."""
    return {
        "instrument": result.instrument,
        "total": result.total,
        "pengungkit": result.pengungkit,
        "pemenuhan": result.pemenuhan,
        "reform": result.reform,
        "hasil": result.hasil,
        "bersih_akuntabel": result.bersih_akuntabel,
        "pelayanan_prima": result.pelayanan_prima,
        "areas": dict(result.areas),
        "area_totals": dict(result.area_totals),
        "indicators": dict(result.indicators),
        "items": dict(result.items),
        "unanswered": list(result.unanswered),
        "thresholds": {
            pred: {
                "met": t.met,
                "failures": [
                    {"rule": f.rule, "label": f.label, "figure": f.figure, "figure_rounded": f.figure_rounded,
                     "minimum": f.minimum, "unit": f.unit, "source": f.source, "survey_driven": f.survey_driven}
                    for f in t.failures
                ],
            }
            for pred, t in result.thresholds.items()
        },
        "predicate": result.predicate,
    }


def result_to_json(result: ScoreResult, gaps: Mapping[str, GapReport] | None) -> dict[str, Any]:
    """The CLI's object of one scored LKE: :func:`score_to_json` and the gap analysis (keys
    exactly :data:`JSON_KEYS`)."""
    return {**score_to_json(result), "gaps": {pred: _gap_json(g) for pred, g in (gaps or {}).items()}}


# --------------------------------------------------------------------------------------------
# Text output
# --------------------------------------------------------------------------------------------


def _answer_text(a: Any) -> str:
    if a is None:
        return "belum dijawab"
    if isinstance(a, Mapping):
        return ", ".join(f"{k}={v}" for k, v in a.items())
    if isinstance(a, Decimal):
        return format_id(a)
    return str(a)


def result_to_text(result: ScoreResult, gaps: Mapping[str, GapReport] | None,
                   instrument: Instrument | None = None) -> str:
    """A human summary in Indonesian, two decimals ("83,12"). Area names come from ``instrument``
    when given."""
    pct = result.pct
    lines = [f"Instrumen: {result.instrument}"]

    def row(label: str, value: Decimal, key: str, indent: str = "") -> None:
        weight = instrument.weights.get(key) if instrument else None
        of = f" dari {format_id(weight)}" if weight is not None else ""
        share = f" ({format_id(pct[key])}%)" if key in pct else ""
        lines.append(f"{indent}{label}: {format_id(value)}{of}{share}")

    row("Nilai total", result.total, "total")
    row("Pengungkit", result.pengungkit, "pengungkit", "  ")
    row("Pemenuhan", result.pemenuhan, "pemenuhan", "    ")
    row("Reform", result.reform, "reform", "    ")
    row("Hasil", result.hasil, "hasil", "  ")
    row("Birokrasi yang Bersih dan Akuntabel", result.bersih_akuntabel, "bersih_akuntabel", "    ")
    row("IPAK", result.ipak, "ipak", "      ")
    row("Capaian Kinerja", result.capaian_kinerja, "capaian_kinerja", "      ")
    row("Pelayanan Publik yang Prima (IPKP)", result.pelayanan_prima, "pelayanan_prima", "    ")
    lines.append("Area perubahan (Pemenuhan + Reform):")
    for n, total in result.area_totals.items():
        name = f" {instrument.area_names[n]}" if instrument else ""
        halves = "  ".join(
            f"{code} {format_id(v)}" for code, v in result.areas.items() if code.split(".", 1)[-1] == n
        )
        lines.append(f"  {n}{name}: {format_id(total)} ({format_id(pct[n])}%)  [{halves}]")
    lines.append("Ambang batas:")
    for t in result.thresholds.values():
        lines.append(f"  {t.label}: {'terpenuhi' if t.met else 'tidak terpenuhi'}")
        for f in t.failures:
            unit = "%" if f.unit == "%" else ""
            survey = " [survei]" if f.survey_driven else ""
            lines.append(f"    - {f.label}: {format_id(f.figure)}{unit} < {format_id(f.minimum)}{unit}"
                         f"{survey} ({f.source})")
    lines.append(f"Predikat menurut ambang batas: {result.predicate or '-'}")
    if result.unanswered:
        lines.append(f"Belum dijawab ({len(result.unanswered)}): {', '.join(result.unanswered)}")
    for g in (gaps or {}).values():
        lines.append(f"Analisis kesenjangan {g.label}:")
        for s in g.survey_rules:
            needed = f", perlu indeks ≥ {format_id(s.index_needed)}" if s.index_needed is not None else ""
            now = format_id(s.index) if s.index is not None else "belum diisi"
            lines.append(f"  - survei {s.label}: indeks {now}{needed}. {s.note}")
        if g.plan is None:
            lines.append(f"  Rencana: tidak ada. {g.plan_reason}")
        elif not g.plan:
            lines.append(f"  Rencana: {g.plan_reason}")
        else:
            lines.append(f"  Rencana ({len(g.plan)} langkah):")
            for step in g.plan:
                lines.append(f"    + {format_id(step.points)} poin: {step.description} "
                             f"[{_answer_text(step.current)} -> {_answer_text(step.next)}] ({', '.join(step.helps)})")
            if g.projected is not None:
                lines.append(f"  Proyeksi nilai total: {format_id(g.projected.total)}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------------


def run(text: str, fmt: str = "json", get_instrument: Resolver = bundled_instrument) -> tuple[int, str, str]:
    """Score every entry of ``text``; returns ``(exit_code, stdout_text, stderr_text)``.

    Nothing is written to stdout unless every entry is valid (exit 0); on invalid input the exit
    code is 2 and stderr holds one line naming the entry (for a list) and the item."""
    if fmt not in FORMATS:
        return 2, "", f"unknown format {fmt!r} (expected json or text)\n"
    try:
        parsed = parse_input(text, get_instrument)
    except LkeInputError as exc:
        return 2, "", exc.message + "\n"
    scored = []
    for n, entry in enumerate(parsed.entries, 1):
        try:
            result = score(entry.instrument, entry.answers)
        except AnswerError as exc:
            prefix = f"entry {n}: " if parsed.is_list else ""
            return 2, "", prefix + exc.message + "\n"
        scored.append((entry, result, gap_analysis(entry.instrument, entry.answers, result)))
    if fmt == "json":
        docs = [result_to_json(r, g) for _, r, g in scored]
        return 0, dumps(docs if parsed.is_list else docs[0]) + "\n", ""
    blocks = []
    for n, (entry, r, g) in enumerate(scored, 1):
        head = f"== Entri {n} ==\n" if parsed.is_list else ""
        blocks.append(head + result_to_text(r, g, entry.instrument))
    return 0, "\n".join(blocks), ""
