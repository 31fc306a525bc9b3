"""Survey arithmetic (pure: no Django, Decimal in and out).

Who counts: a respondent who answered "selesai" = Ya (the service was completed) and whose
response is not excluded (suspicious, or excluded by the team). Everything below works on the
answers of counted respondents only, given as a :class:`Tally` of counts, so that the database can
aggregate 10,000 responses in one query and this module never sees a row.

- Question mean: the mean of the valid answers to the question (no answer, ``TT``, left out) —
  the sum of value × count over the number of valid answers. No valid answer: no mean (``None``).
- SPAK, SPKP and IPK index: the mean of the question means (equal weights), over the questions
  that have a mean. SKM: the question means are the NRR per unsur, IKM = mean of the NRR × 25
  (PermenPANRB 14/2017, on the 25–100 scale), band (mutu) from the IKM rounded half-up to two
  places: A ≥ 88.31, B ≥ 76.61, C ≥ 65.00, else D.
- Another scale than 1–4 (``FORMULA_VERSION`` "survei-1"): the index is brought to the LKE's 0–4 by
  the linear rule ``mean × 4 / max`` (and the IKM by ``mean × 100 / max``). This rule is ours, not
  the regulation's, and is versioned so a result always names the rule it was computed with.
- LKE value: the index on 0–4 rounded half-up to two decimals.
- Sample target: max(30, Krejcie–Morgan(N)), s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)) with X² = 3.841,
  P = 0.5, d = 0.05, rounded up; 30 when the population is unknown. Quotas per service type in
  proportion to its visits, by the largest remainder (ties to the earlier service type).

Divisions use Decimal's default context (28 significant digits): "full precision" in results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

FORMULA_VERSION = "survei-1"
NO_ANSWER = "TT"
LKE_MAX = Decimal(4)
TWO_PLACES = Decimal("0.01")
MIN_SAMPLE = 30
CHI_SQUARE = Decimal("3.841")
PROPORTION = Decimal("0.5")
MARGIN = Decimal("0.05")
# (lowest IKM of the band, band, its label) from the highest; PermenPANRB 14/2017 on 25–100.
IKM_BANDS: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang baik"),
)
IKM_LOWEST_BAND = ("D", "Tidak baik")


@dataclass(frozen=True)
class RawResponse:
    """One response as it was given (used to build a :class:`Tally` without a database)."""

    service_type: str
    completed: bool
    answers: Mapping[str, int | None]
    excluded: bool = False


@dataclass
class Tally:
    """Counts over the counted respondents: how many per service type, and how many gave each
    value to each question per service type."""

    respondents_by_type: dict[str, int] = field(default_factory=dict)
    answers: dict[tuple[str, str, int], int] = field(default_factory=dict)  # (type, question, value) -> n

    @property
    def respondents(self) -> int:
        return sum(self.respondents_by_type.values())


def is_counted(completed: bool, excluded: bool) -> bool:
    return completed and not excluded


def tally(responses: Iterable[RawResponse]) -> Tally:
    result = Tally()
    for response in responses:
        if not is_counted(response.completed, response.excluded):
            continue
        kind = response.service_type
        result.respondents_by_type[kind] = result.respondents_by_type.get(kind, 0) + 1
        for question, value in response.answers.items():
            if value is None:
                continue
            key = (kind, question, value)
            result.answers[key] = result.answers.get(key, 0) + 1
    return result


def _mean(total: Decimal, count: int) -> Decimal | None:
    return None if count == 0 else total / count


def question_means(t: Tally, questions: Sequence[str], service_type: str | None = None) -> dict[str, Decimal | None]:
    """The mean of the valid answers to each question (of one service type, or all)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    wanted = set(questions)
    for (kind, question, value), n in t.answers.items():
        if question in wanted and (service_type is None or kind == service_type):
            sums[question] += Decimal(value) * n
            counts[question] += n
    return {q: _mean(sums[q], counts[q]) for q in questions}


def index_of(means: Mapping[str, Decimal | None]) -> Decimal | None:
    """Equal-weight mean of the question means that exist."""
    present = [m for m in means.values() if m is not None]
    return _mean(sum(present, Decimal(0)), len(present))


def to_lke_scale(index: Decimal | None, scale_max: int) -> Decimal | None:
    """The index on the LKE's 0–4 (identity on a 1–4 scale; ``mean × 4 / max`` otherwise)."""
    if index is None:
        return None
    if scale_max == 4:
        return index
    return index * LKE_MAX / Decimal(scale_max)


def lke_value(index: Decimal | None, scale_max: int) -> Decimal | None:
    value = to_lke_scale(index, scale_max)
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def ikm(nrr_mean: Decimal | None, scale_max: int) -> Decimal | None:
    """IKM on 25–100 from the mean of the NRR: × 25 on a 1–4 scale (``× 100 / max`` otherwise)."""
    if nrr_mean is None:
        return None
    return nrr_mean * Decimal(25) if scale_max == 4 else nrr_mean * Decimal(100) / Decimal(scale_max)


def mutu(ikm_value: Decimal | None) -> tuple[str, str] | None:
    """The quality band of an IKM and its label; the IKM is rounded half-up to two places first."""
    if ikm_value is None:
        return None
    rounded = ikm_value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    for lowest, band, label in IKM_BANDS:
        if rounded >= lowest:
            return band, label
    return IKM_LOWEST_BAND


def distribution(t: Tally, question: str, scale_min: int, scale_max: int) -> dict[str, int]:
    """How many counted respondents gave each value to ``question``, and how many gave none
    (``TT``: no answer, or TT)."""
    counts = {str(v): 0 for v in range(scale_min, scale_max + 1)}
    for (_kind, q, value), n in t.answers.items():
        if q == question:
            counts[str(value)] = counts.get(str(value), 0) + n
    counts[NO_ANSWER] = t.respondents - sum(counts.values())
    return counts


def lowest_questions(means: Mapping[str, Decimal | None], limit: int = 3) -> list[tuple[str, Decimal]]:
    """The ``limit`` questions with the lowest mean (ties by question order)."""
    order = {q: i for i, q in enumerate(means)}
    present = [(q, m) for q, m in means.items() if m is not None]
    return sorted(present, key=lambda qm: (qm[1], order[qm[0]]))[:limit]


@dataclass(frozen=True)
class InstrumentResult:
    code: str
    scale_min: int
    scale_max: int
    respondents: int
    questions: dict[str, Decimal | None]
    index: Decimal | None
    lke_value: Decimal | None
    by_service_type: dict[str, tuple[int, Decimal | None]]  # name -> (respondents, index)
    lowest: list[tuple[str, Decimal]]
    distribution: dict[str, dict[str, int]]
    ikm: Decimal | None = None
    mutu: tuple[str, str] | None = None
    formula_version: str = FORMULA_VERSION


def instrument_result(
    t: Tally,
    *,
    code: str,
    questions: Sequence[str],
    scale_min: int = 1,
    scale_max: int = 4,
    is_ikm: bool = False,
    service_types: Sequence[str] = (),
) -> InstrumentResult:
    """Everything the results show for one instrument. ``service_types`` lists the campaign's
    types in order (a type with no respondent still shows); types found only in ``t`` follow."""
    means = question_means(t, questions)
    index = index_of(means)
    names = list(service_types) + sorted(set(t.respondents_by_type) - set(service_types))
    by_type = {
        name: (t.respondents_by_type.get(name, 0), index_of(question_means(t, questions, name))) for name in names
    }
    ikm_value = ikm(index, scale_max) if is_ikm else None
    return InstrumentResult(
        code=code,
        scale_min=scale_min,
        scale_max=scale_max,
        respondents=t.respondents,
        questions=means,
        index=index,
        lke_value=lke_value(index, scale_max),
        by_service_type=by_type,
        lowest=lowest_questions(means),
        distribution={q: distribution(t, q, scale_min, scale_max) for q in questions},
        ikm=ikm_value,
        mutu=mutu(ikm_value) if is_ikm else None,
    )


# --- sample -------------------------------------------------------------------------------------


def krejcie_morgan(population: int) -> int:
    """s = X²·N·P(1−P) / (d²·(N−1) + X²·P(1−P)), rounded up."""
    if population <= 0:
        return 0
    n = Decimal(population)
    pq = PROPORTION * (1 - PROPORTION)
    s = CHI_SQUARE * n * pq / (MARGIN * MARGIN * (n - 1) + CHI_SQUARE * pq)
    return int(s.to_integral_value(rounding=ROUND_CEILING))


def sample_target(population: int | None) -> int:
    """max(30, Krejcie–Morgan(N)); 30 when the population is unknown."""
    if not population:
        return MIN_SAMPLE
    return max(MIN_SAMPLE, krejcie_morgan(population))


def quotas(target: int, visits: Sequence[tuple[str, int]]) -> dict[str, int]:
    """``target`` shared among the service types in proportion to their visits, by the largest
    remainder (ties to the earlier type); equal shares when no type has visits."""
    if not visits:
        return {}
    weights = [(name, max(v, 0)) for name, v in visits]
    total = sum(w for _, w in weights)
    if total == 0:
        weights = [(name, 1) for name, _ in weights]
        total = len(weights)
    exact = [(name, Decimal(target) * w / total) for name, w in weights]
    floors = {name: int(share) for name, share in exact}
    left = target - sum(floors.values())
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - floors[exact[i][0]]), i))
    for i in order[:left]:
        floors[exact[i][0]] += 1
    return {name: floors[name] for name, _ in weights}


# --- into the LKE -------------------------------------------------------------------------------

# TPN's minimums on the LKE values (0–4, two places): IPAK for both predicates; IPKP per predicate
IPAK_MIN = Decimal("3.60")
IPKP_MIN = {"WBK": Decimal("3.20"), "WBBM": Decimal("3.60")}
# P.6.iv.a "Survei kepuasan masyarakat dilakukan (>=4x/th=A ... belum=E)": SKM campaigns of the year
SKM_OPTIONS = ((4, "A"), (3, "B"), (2, "C"), (1, "D"))


def skm_count_option(campaigns: int) -> str:
    """The P.6.iv.a option for ``campaigns`` SKM run in the year: 4 or more A, 3 B, 2 C, 1 D, none E."""
    for least, option in SKM_OPTIONS:
        if campaigns >= least:
            return option
    return "E"


def meets(value: Decimal | None, minimum: Decimal) -> bool | None:
    """Whether an LKE value reaches ``minimum`` (None without a value)."""
    return None if value is None else value >= minimum
