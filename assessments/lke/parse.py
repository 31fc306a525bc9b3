"""Parsing and validating an LKE instrument definition (the YAML's dict) into an :class:`Instrument`.

Pure Python. :func:`instrument_from_dict` walks the tree with one small parser per level
(components -> aspects -> areas -> indicators -> items; Hasil subcomponents -> items; then
thresholds and prerequisites); each returns its node and appends every problem it finds, so one
call reports all of them, in document order.

Invariants of an :class:`Instrument` built by :func:`instrument_from_dict`: codes are unique, every
weight is > 0 and equals the sum of its children (indicator weights -> area -> aspect -> component
-> ``total_weight``; Hasil item weights -> subcomponent -> component), every item names a known
scale, and every percentage item has a formula whose inputs are declared.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple, TypeVar

from .decimals import D0, D1
from .texts import Text, gettext_noop
from .types import (
    AnyItem,
    Area,
    Aspect,
    Component,
    Formula,
    HasilItem,
    Indicator,
    Instrument,
    InstrumentError,
    Item,
    PrerequisiteRule,
    RuleSpec,
    Scale,
    Subcomponent,
    ThresholdSet,
)

__all__ = [
    "AREA_MODES",
    "ASPECT_KEYS",
    "FORMULA_KINDS",
    "HASIL_KEYS",
    "HASIL_SCORING",
    "PREREQUISITE_CHECKS",
    "SCALE_KINDS",
    "SUBCOMPONENT_KEYS",
    "instrument_from_dict",
]

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
# Values, scales, formulas and items
# --------------------------------------------------------------------------------------------


_T = TypeVar("_T")


def _lookup(table: Mapping[Any, _T], key: object) -> _T | None:
    """``table.get(key)``, or None for a key no table can hold (a list or a mapping where the
    definition should name a scale, a scoring or a predicate)."""
    try:
        return table.get(key)
    except TypeError:  # unhashable
        return None


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


def _str(node: Mapping[str, Any], key: str, where: str, errors: list[str], *, required: bool = True) -> str:
    value = node.get(key)
    if value is None:
        if required:
            errors.append(f"{where}: missing '{key}'")
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}: '{key}' must be a string")
        return str(value)
    return value


def _list(node: Mapping[str, Any], key: str, where: str, errors: list[str]) -> list[Any]:
    value = node.get(key)
    if not isinstance(value, list) or not value:
        errors.append(f"{where}: '{key}' must be a non-empty list")
        return []
    return value


def _weight(node: Mapping[str, Any], where: str, errors: list[str]) -> Decimal:
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


def _parse_formula(it: Mapping[str, Any], where: str, inputs: tuple[str, ...], errors: list[str]) -> Formula | None:
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


class _Place(NamedTuple):
    """Where a Pengungkit item sits: its indicator, area, aspect and position in the instrument."""

    indicator: str
    area: str
    aspect: str
    position: int


def _parse_item(it: Any, place: _Place, scales: Mapping[str, Scale], errors: list[str]) -> Item | None:
    if not isinstance(it, Mapping):
        errors.append(f"indicator {place.indicator}: every item must be a mapping")
        return None
    code = _str(it, "code", f"an item of indicator {place.indicator}", errors)
    where = f"item {code}"
    text = _str(it, "text", where, errors)
    scale_code = it.get("scale")
    scale = _lookup(scales, scale_code)
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
        code=code, text=text, scale=scale, indicator=place.indicator, area=place.area,
        aspect=place.aspect, position=place.position, typical_evidence=str(it.get("typical_evidence") or ""),
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
    scale = _lookup(scales, scale_code)
    if scale is None:
        errors.append(f"{where}: unknown scale {scale_code!r}")
        return None
    scoring = it.get("scoring")
    scored_as = _lookup(HASIL_SCORING, scoring)
    if scored_as is None:
        errors.append(f"{where}: unknown scoring {scoring!r} (expected one of {', '.join(HASIL_SCORING)})")
        return None
    if scored_as != scale.kind:
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
        code=code, text=_str(it, "text", where, errors), weight=weight, scale=scale, scoring=str(scoring),
        key=key, subcomponent=sub, position=position, typical_evidence=str(it.get("typical_evidence") or ""),
        options=dict(options), extra={k: v for k, v in it.items() if k not in known},
    )


# --------------------------------------------------------------------------------------------
# The tree: one parser per level, each returning its node (None when it cannot be built) and
# appending every problem it finds to ``b.errors``, in document order.
# --------------------------------------------------------------------------------------------


@dataclass
class _Builder:
    """What the parsers of one definition share: the scales, the error list, the codes and figure
    keys claimed so far, and every node of each level in document order."""

    scales: dict[str, Scale]
    errors: list[str]
    seen_codes: set[str] = field(default_factory=set)
    keyed: dict[str, str] = field(default_factory=dict)  # figure key -> node code
    items: list[AnyItem] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    aspects: list[Aspect] = field(default_factory=list)
    subcomponents: list[Subcomponent] = field(default_factory=list)
    hasil_items: list[HasilItem] = field(default_factory=list)

    def claim(self, code: str) -> None:
        if code in self.seen_codes:
            self.errors.append(f"{code}: duplicate code")
        self.seen_codes.add(code)

    def add_key(self, key: Any, node_code: str, allowed: tuple[str, ...]) -> str | None:
        if key is None:
            return None
        if key not in allowed:
            self.errors.append(f"{node_code}: unknown key {key!r} (expected one of {', '.join(allowed)})")
            return None
        if key in self.keyed:
            self.errors.append(f"{node_code}: key {key!r} is already used by {self.keyed[key]}")
        self.keyed[key] = node_code
        return str(key)


def _parse_component(comp: Any, b: _Builder) -> Component | None:
    if not isinstance(comp, Mapping):
        b.errors.append("components: every component must be a mapping")
        return None
    ccode = _str(comp, "code", "a component", b.errors)
    b.claim(ccode)
    cwhere = f"component {ccode}"
    cweight = _weight(comp, cwhere, b.errors)
    has_aspects, has_subs = "aspects" in comp, "subcomponents" in comp
    if has_aspects == has_subs:
        b.errors.append(f"{cwhere}: needs exactly one of 'aspects' or 'subcomponents'")
        return None
    ckey = b.add_key(comp.get("key", "pengungkit" if has_aspects else "hasil"), ccode, ("pengungkit", "hasil"))
    aspects: list[Aspect] = []
    subcomponents: list[Subcomponent] = []
    if has_aspects:
        for raw in _list(comp, "aspects", cwhere, b.errors):
            aspect = _parse_aspect(raw, cwhere, b)
            if aspect is not None:
                aspects.append(aspect)
        _check_sum(cwhere, "aspect", cweight, [(a.code, a.weight) for a in aspects], b.errors)
    else:
        for raw in _list(comp, "subcomponents", cwhere, b.errors):
            sub = _parse_subcomponent(raw, cwhere, b)
            if sub is not None:
                subcomponents.append(sub)
        _check_sum(cwhere, "subcomponent", cweight, [(s.code, s.weight) for s in subcomponents], b.errors)
    return Component(ccode, _str(comp, "name", cwhere, b.errors), cweight, ckey, tuple(aspects), tuple(subcomponents))


def _parse_aspect(asp: Any, cwhere: str, b: _Builder) -> Aspect | None:
    if not isinstance(asp, Mapping):
        b.errors.append(f"{cwhere}: every aspect must be a mapping")
        return None
    acode = _str(asp, "code", f"an aspect of {cwhere}", b.errors)
    b.claim(acode)
    awhere = f"aspect {acode}"
    aweight = _weight(asp, awhere, b.errors)
    akey = b.add_key(asp.get("key"), acode, ASPECT_KEYS)
    areas: list[Area] = []
    for raw in _list(asp, "areas", awhere, b.errors):
        area = _parse_area(raw, acode, b)
        if area is not None:
            areas.append(area)
    _check_sum(awhere, "area", aweight, [(a.code, a.weight) for a in areas], b.errors)
    aspect = Aspect(acode, _str(asp, "name", awhere, b.errors), aweight, akey, tuple(areas))
    b.aspects.append(aspect)
    return aspect


def _parse_area(ar: Any, acode: str, b: _Builder) -> Area | None:
    awhere = f"aspect {acode}"
    if not isinstance(ar, Mapping):
        b.errors.append(f"{awhere}: every area must be a mapping")
        return None
    arcode = _str(ar, "code", f"an area of {awhere}", b.errors)
    b.claim(arcode)
    arwhere = f"area {arcode}"
    arweight = _weight(ar, arwhere, b.errors)
    number = arcode.split(".", 1)[1] if "." in arcode else arcode
    indicators: list[Indicator] = []
    for raw in _list(ar, "indicators", arwhere, b.errors):
        indicator = _parse_indicator(raw, arcode, acode, b)
        if indicator is not None:
            indicators.append(indicator)
    _check_sum(arwhere, "indicator", arweight, [(i.code, i.weight) for i in indicators], b.errors)
    area = Area(arcode, _str(ar, "name", arwhere, b.errors), arweight, acode, number, tuple(indicators))
    b.areas.append(area)
    return area


def _parse_indicator(ind: Any, arcode: str, acode: str, b: _Builder) -> Indicator | None:
    arwhere = f"area {arcode}"
    if not isinstance(ind, Mapping):
        b.errors.append(f"{arwhere}: every indicator must be a mapping")
        return None
    icode = _str(ind, "code", f"an indicator of {arwhere}", b.errors)
    b.claim(icode)
    iwhere = f"indicator {icode}"
    iweight = _weight(ind, iwhere, b.errors)
    items: list[Item] = []
    for raw in _list(ind, "items", iwhere, b.errors):
        item = _parse_item(raw, _Place(icode, arcode, acode, len(b.items)), b.scales, b.errors)
        if item is None:
            continue
        b.claim(item.code)
        items.append(item)
        b.items.append(item)
    indicator = Indicator(icode, _str(ind, "name", iwhere, b.errors), iweight, arcode, tuple(items))
    b.indicators.append(indicator)
    return indicator


def _parse_subcomponent(sub: Any, cwhere: str, b: _Builder) -> Subcomponent | None:
    if not isinstance(sub, Mapping):
        b.errors.append(f"{cwhere}: every subcomponent must be a mapping")
        return None
    scode = _str(sub, "code", f"a subcomponent of {cwhere}", b.errors)
    b.claim(scode)
    swhere = f"subcomponent {scode}"
    sweight = _weight(sub, swhere, b.errors)
    skey = b.add_key(sub.get("key"), scode, SUBCOMPONENT_KEYS)
    items: list[HasilItem] = []
    for raw in _list(sub, "items", swhere, b.errors):
        hi = _parse_hasil_item(raw, scode, len(b.items), b.scales, b.errors)
        if hi is None:
            continue
        b.claim(hi.code)
        b.items.append(hi)
        if hi.key:
            b.add_key(hi.key, hi.code, HASIL_KEYS)
        items.append(hi)
        b.hasil_items.append(hi)
    _check_sum(swhere, "item", sweight, [(i.code, i.weight) for i in items], b.errors)
    subcomponent = Subcomponent(scode, _str(sub, "name", swhere, b.errors), sweight, skey, tuple(items))
    b.subcomponents.append(subcomponent)
    return subcomponent


# --------------------------------------------------------------------------------------------
# Thresholds and prerequisites
# --------------------------------------------------------------------------------------------


def _parse_thresholds(raw: Any, shape: _Shape, errors: list[str]) -> dict[str, ThresholdSet]:
    out: dict[str, ThresholdSet] = {}
    if raw is None:
        return out
    if not isinstance(raw, Mapping):
        errors.append("thresholds: must be a mapping of predicate -> rules")
        return out
    for pred, t in raw.items():
        tset = _parse_threshold_set(str(pred), t, shape, out, errors)
        if tset is not None:
            out[tset.predicate] = tset
    return out


def _parse_threshold_set(pred: str, t: Any, shape: _Shape, earlier: Mapping[str, ThresholdSet],
                         errors: list[str]) -> ThresholdSet | None:
    """One predicate's rules; ``earlier`` holds the predicates listed before it."""
    where = f"thresholds {pred}"
    if not isinstance(t, Mapping):
        errors.append(f"{where}: must be a mapping")
        return None
    for k in t:
        if k not in _THRESHOLD_KEYS:
            errors.append(f"{where}: unknown key '{k}'")
    sources: Any = t.get("sources") or {}
    if not isinstance(sources, Mapping):
        errors.append(f"{where}: 'sources' must be a mapping of rule -> regulation reference")
        sources = {}

    def source_of(rule: str) -> str:
        s = sources.get(rule)
        if not isinstance(s, str) or not s:
            errors.append(f"{where}: missing sources.{rule} (regulation reference)")
            return ""
        return s

    mode = t.get("per_area_mode", "combined")
    if mode not in AREA_MODES:
        errors.append(f"{where}: unknown per_area_mode {mode!r} (expected one of {', '.join(AREA_MODES)})")
        mode = "combined"
    rules: list[RuleSpec] = []
    for key, name, unit, survey, label in _SCORE_RULES:
        if key not in t:
            continue
        minimum = _num(t[key], f"{where}.{key}", errors, what="minimum")
        if minimum is None:
            continue
        if name != "total" and name not in shape.keyed:
            errors.append(f"{where}.{key}: no node of the instrument has key '{name}'")
        rules.append(RuleSpec(name, label, name, minimum, unit, survey, source_of(name)))
    area_min = None
    if "per_area_min_pct" in t:
        area_min = _num(t["per_area_min_pct"], f"{where}.per_area_min_pct", errors, what="minimum")
        if area_min is not None:
            rules += _area_rules(mode, area_min, source_of("per_area"), shape)
    # Reading order of the table: total, pengungkit, the areas, then the Hasil rules.
    rules.sort(key=lambda r: 0 if r.name in ("total", "pengungkit") else 1 if r.name.startswith("area_") else 2)
    index_mins = _index_minimums(t, where, rules, shape.hasil_by_key, errors)
    prior = t.get("requires_prior_predikat")
    if prior is not None and _lookup(earlier, prior) is None:
        errors.append(f"{where}: requires_prior_predikat {prior!r} must name a predicate listed before it")
    label = t.get("label") or Text(gettext_noop("Menuju %(predicate)s"), predicate=pred)
    return ThresholdSet(
        predicate=pred, label=label if isinstance(label, str) else str(label), rules=tuple(rules),
        per_area_mode=mode,
        per_area_min_pct=area_min, requires_prior_predikat=prior,
        ipak_index_min=index_mins.get("ipak_index_min"), ipkp_index_min=index_mins.get("ipkp_index_min"),
    )


def _area_rules(mode: str, minimum: Decimal, source: str, shape: _Shape) -> list[RuleSpec]:
    """The per-area rules: one per area number (``combined``) or one per area (``each_half``)."""
    if mode == "combined":
        return [
            RuleSpec(f"area_{n}", Text(gettext_noop("Area %(number)s – %(name)s (%% dari bobot)"),
                                       number=n, name=shape.area_names[n]),
                     f"area_{n}", minimum, "%", False, source)
            for n in shape.area_numbers
        ]
    rules = []
    for a in shape.areas:
        half = gettext_noop("Pemenuhan") if a.code.startswith("P") else gettext_noop("Reform")
        label = Text(gettext_noop("Area %(number)s – %(name)s, %(half)s (%(code)s) (%% dari bobot)"),
                     number=a.number, name=a.name, half=half, code=a.code)
        rules.append(RuleSpec(f"area_{a.code}", label, f"area_{a.code}", minimum, "%", False, source))
    return rules


def _index_minimums(t: Mapping[str, Any], where: str, rules: list[RuleSpec], hasil: Mapping[str, HasilItem],
                    errors: list[str]) -> dict[str, Decimal | None]:
    """``ipak_index_min``/``ipkp_index_min``: each must give exactly its score rule's minimum."""
    index_mins: dict[str, Decimal | None] = {}
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
    return index_mins


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
            rule = _parse_prerequisite_rule(r, where, str(source), grades, seen, errors)
            if rule is not None:
                parsed.append(rule)
        out[str(pred)] = tuple(parsed)
    return out, str(source), tuple(grades)


def _parse_prerequisite_rule(r: Any, where: str, source: str, grades: list[str], seen: set[str],
                             errors: list[str]) -> PrerequisiteRule | None:
    """One rule of a predicate's prerequisites; ``seen`` collects the codes of that predicate."""
    if not isinstance(r, Mapping):
        errors.append(f"{where}: every rule must be a mapping")
        return None
    code = _str(r, "code", f"a rule of {where}", errors)
    rw = f"{where} rule {code}"
    if code in seen:
        errors.append(f"{rw}: duplicate code")
    seen.add(code)
    check = r.get("check")
    if check not in PREREQUISITE_CHECKS:
        errors.append(f"{rw}: unknown check {check!r}")
        return None
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
    return PrerequisiteRule(
        code=code, level=str(level), label=_str(r, "label", rw, errors), fact=_str(r, "fact", rw, errors),
        check=str(check), value=r.get("value"), value_by=r.get("value_by"), values=dict(values),
        unit=str(r.get("unit") or ""), source=str(r.get("source") or source),
    )


# --------------------------------------------------------------------------------------------
# The instrument
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What thresholds are checked against: the figure keys, the areas and the Hasil items."""

    keyed: Mapping[str, str]
    area_numbers: tuple[str, ...]
    area_names: Mapping[str, str]
    areas: tuple[Area, ...]
    hasil_by_key: Mapping[str, HasilItem]


def _area_numbers(b: _Builder) -> tuple[list[str], dict[str, str]]:
    """Area numbers in first-seen order with the name of their first area; two areas of one aspect
    sharing a number is an error."""
    area_numbers: list[str] = []
    area_names: dict[str, str] = {}
    for a in b.areas:
        if a.number not in area_names:
            area_numbers.append(a.number)
            area_names[a.number] = a.name
    for asp in b.aspects:
        numbers = [x.number for x in asp.areas]
        if len(set(numbers)) != len(numbers):
            b.errors.append(f"aspect {asp.code}: two areas share an area number")
    return area_numbers, area_names


def _weights(total_weight: Decimal, components: list[Component], b: _Builder,
             area_numbers: list[str]) -> dict[str, Decimal]:
    """figure -> weight for every figure of a ScoreResult."""
    weights: dict[str, Decimal] = {"total": total_weight}
    for c in components:
        if c.key:
            weights[c.key] = c.weight
    for a in b.aspects:
        if a.key:
            weights[a.key] = a.weight
    for s in b.subcomponents:
        if s.key:
            weights[s.key] = s.weight
    for hi in b.hasil_items:
        if hi.key in HASIL_KEYS:  # an unknown key is an error already
            weights[hi.key] = hi.weight
    for n in area_numbers:
        weights[f"area_{n}"] = sum((a.weight for a in b.areas if a.number == n), D0)
    return weights


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
    b = _Builder(_parse_scales(data.get("scales"), errors), errors)

    components: list[Component] = []
    for raw in _list(data, "components", "instrument", errors):
        component = _parse_component(raw, b)
        if component is not None:
            components.append(component)
    _check_sum(f"instrument {code}", "component", total_weight, [(c.code, c.weight) for c in components], errors)

    area_numbers, area_names = _area_numbers(b)
    weights = _weights(total_weight, components, b, area_numbers)
    shape = _Shape(b.keyed, tuple(area_numbers), area_names, tuple(b.areas),
                   {hi.key: hi for hi in b.hasil_items if hi.key in HASIL_KEYS})
    thresholds = _parse_thresholds(data.get("thresholds"), shape, errors)
    prerequisites, prereq_source, grades = _parse_prerequisites(data.get("prerequisites"), thresholds, errors)

    if errors:
        raise InstrumentError(errors)
    return Instrument(
        code=code, name=name, legal_basis=str(head.get("legal_basis") or ""), total_weight=total_weight,
        scales=b.scales, components=tuple(components), thresholds=thresholds, prerequisites=prerequisites,
        prerequisite_source=prereq_source, grade_order=grades, data=data, items=tuple(b.items),
        item_map={i.code: i for i in b.items}, indicators=tuple(b.indicators), areas=tuple(b.areas),
        aspects=tuple(b.aspects), subcomponents=tuple(b.subcomponents), hasil_items=tuple(b.hasil_items),
        area_numbers=tuple(area_numbers), area_names=area_names, weights=weights, keyed=b.keyed,
    )
