"""Validating answers against an instrument: every accepted form becomes a NormalizedAnswer with its
item value in [0, 1]; anything else raises AnswerError naming the item. Pure Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from .decimals import CTX, D0, D1
from .types import AnswerError, AnyItem, Instrument, Item

__all__ = ["NormalizedAnswer", "percentage_value", "validate_answers"]

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
    f, zdv = item.formula, item.zero_denominator_value
    assert f is not None and zdv is not None  # a parsed percentage item has both
    if f.kind == "ratio":
        den = sum(counts[n] for n in f.denominator)
        if den == 0:
            return zdv
        num = sum(counts[n] for n in f.numerator)
        if num >= den:
            return D1
        return Decimal(num) / Decimal(den)
    assert f.previous is not None and f.current is not None  # a reduction formula names both
    prev = counts[f.previous]
    cur = counts[f.current]
    if prev == 0:
        # No violations last year: none this year keeps the policy value, any new one is 0.
        return zdv if cur == 0 else D0
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
        assert not item.is_hasil  # Hasil items are index or option items
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
        return NormalizedAnswer(code, "counts", counts, percentage_value(item, counts))
    # index
    lo, hi, quantum = scale.min, scale.max, scale.quantum
    assert lo is not None and hi is not None and quantum is not None  # an index scale has all three
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
    if not d.is_finite() or d < lo or d > hi:
        raise AnswerError(code, f"item {code}: index {_short(raw)} is outside {scale.min}-{scale.max}", "bad_index")
    if d != d.quantize(quantum):
        raise AnswerError(code, f"item {code}: index {_short(raw)} has more than {scale.decimals} decimals",
                          "bad_index")
    return NormalizedAnswer(code, "index", d, d / hi)


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
    with localcontext(CTX):
        for code, raw in answers.items():
            item = item_map.get(code)
            if item is None:
                raise AnswerError(str(code), f"item {code}: unknown item code for instrument {instrument.code}",
                                  "unknown_code")
            if raw is None:
                continue
            out[code] = _normalize(item, raw)
    return out
