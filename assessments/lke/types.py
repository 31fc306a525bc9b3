"""The LKE engine's vocabulary: the errors it raises and the immutable instrument tree.

Pure Python (no Django). An :class:`Instrument` is built and validated by
:func:`assessments.lke.parse.instrument_from_dict`; nothing here checks anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Literal

from .decimals import D0, D1

__all__ = [
    "AnswerError",
    "AnyItem",
    "Area",
    "Aspect",
    "Component",
    "Formula",
    "HasilItem",
    "Indicator",
    "Instrument",
    "InstrumentError",
    "Item",
    "PrerequisiteRule",
    "RuleSpec",
    "Scale",
    "Subcomponent",
    "ThresholdSet",
]


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

    is_hasil: ClassVar[Literal[False]] = False


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

    is_hasil: ClassVar[Literal[True]] = True
    formula: ClassVar[None] = None
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
    """A prerequisite (Tabel 5) as data; interpreted by :mod:`assessments.lke.prerequisites`."""

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
