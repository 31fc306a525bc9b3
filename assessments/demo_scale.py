"""The scale seed: thousands of work units of the demo instansi with their assessments, in bulk.

``seed_scale(units=N, years=[...])`` (the ``seed_scale`` command) adds N work units to the demo
instansi (Pemerintah Kota Bogor, from ``seed_demo``), each with one assessment per year in a
realistic state, the unit's answers where the state has them (every item once submitted; part of
them in a draft), the TPI's where the TPI has scored (part of them while reviewing or after a
revision request, every item once final), the unit's yearly facts, the TPI lead's assignment,
the revision request of a returned assessment and, for a recorded result, the predicate awarded.

Seed data, not the real flow, on purpose: rows are written with ``bulk_create`` in batches
(no ``full_clean`` per row, no signals), so there is no audit trail, no change history of the
units, no notification, no evidence and no Final snapshot. The values are the ones the
services would store (canonical answers of the engine's item kinds). The figures cache is left
stale: the warm-up task (``assessments.tasks.figures_warm``) is enqueued on commit.

Deterministic: the n-th scale unit (code ``SKALA-nnnnn``) always gets the same name, states,
answers and facts, drawn from random generators seeded by its code and year. Running it again
adds N more units numbered after the highest existing one (the instansi row is locked for the
run, so two runs at once wait for each other instead of colliding on a code).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from units.models import Instansi, PredicateAward, TpiAssignment, UnitFact, User, WorkUnit

from . import lke, services
from .demo import plausible_answer
from .lke import workflow as wf
from .models import Answer, Assessment, Instrument, InstrumentItem, RevisionItem, RevisionRequest
from .services.figures import figures_warm_on_commit

DEMO_INSTANSI = "Pemerintah Kota Bogor"
TPI_LEAD = "tpi.ketua"  # the demo's TPI lead: assigned to every scale unit, author of revision requests
CODE_PREFIX = "SKALA-"
CODE_PATTERN = re.compile(rf"^{CODE_PREFIX}(\d+)$")
DEFAULT_YEARS = (2024, 2025, 2026)
UNITS_PER_BATCH = 100  # units whose rows are built and written together (~34,000 answers for 3 years)
ANSWER_BATCH = 2000  # rows per INSERT

# The latest year is in progress: the n-th unit takes the state at (n - 1) mod 20, so any run of
# 20 consecutive units has 7 drafts, 2 submitted, 4 in review, 2 returned for revision, 1
# resubmitted, 3 final and 1 proposed; the first five are one of each of the main states.
LATEST_CYCLE = (
    wf.DRAFT, wf.SUBMITTED, wf.IN_REVIEW, wf.REVISION_REQUESTED, wf.FINAL,
    wf.DRAFT, wf.IN_REVIEW, wf.DRAFT, wf.RESUBMITTED, wf.DRAFT,
    wf.FINAL, wf.DRAFT, wf.SUBMITTED, wf.IN_REVIEW, wf.DRAFT,
    wf.REVISION_REQUESTED, wf.PROPOSED, wf.IN_REVIEW, wf.DRAFT, wf.FINAL,
)
# Earlier years are over: mostly final, proposed or with the result recorded; one unit in ten
# never submitted. The cycle starts at a different place each earlier year.
EARLIER_CYCLE = (
    wf.FINAL, wf.RESULT_RECORDED, wf.PROPOSED, wf.FINAL, wf.RESULT_RECORDED,
    wf.FINAL, wf.DRAFT, wf.PROPOSED, wf.RESULT_RECORDED, wf.FINAL,
)
# share of the items a draft has answered, by (n - 1) mod 5, in percent
DRAFT_PROGRESS = (10, 30, 55, 80, 95)
# states in which the TPI has scored part of the items (two thirds, in the instrument's order)
TPI_PARTIAL_STATES = frozenset({wf.IN_REVIEW, wf.REVISION_REQUESTED, wf.RESUBMITTED})
TPI_FULL_STATES = frozenset({wf.FINAL, wf.PROPOSED, wf.RESULT_RECORDED})

UNIT_KINDS = (
    ("UPTD Puskesmas", True),
    ("Kelurahan", True),
    ("UPTD Pengelolaan Pasar", True),
    ("SMP Negeri", True),
    ("UPT Pelayanan Pajak Daerah", True),
    ("Bagian Umum Sekretariat", False),
)
SAKIP_GRADES = ("BB", "B", "B", "CC", "A")


class ScaleSeedError(Exception):
    """The seed cannot run (the demo is missing, bad arguments); ``str()`` is the message."""


@dataclass
class ScaleSeedResult:
    """What one run wrote."""

    units: int = 0
    assessments: int = 0
    answers: int = 0
    unit_answers: int = 0
    tpi_answers: int = 0
    states: Counter = field(default_factory=Counter)
    first_code: str = ""
    last_code: str = ""


def state_for(n: int, year: int, years: Sequence[int]) -> str:
    """The state of the n-th scale unit's assessment of ``year`` (``years`` sorted ascending)."""
    if year == years[-1]:
        return LATEST_CYCLE[(n - 1) % len(LATEST_CYCLE)]
    return EARLIER_CYCLE[(n - 1 + years.index(year)) % len(EARLIER_CYCLE)]


def unit_items_answered(n: int, state: str, items: int) -> int:
    """How many items the unit has answered: every one once submitted, a share of them in a draft."""
    if state == wf.DRAFT:
        return items * DRAFT_PROGRESS[(n - 1) % len(DRAFT_PROGRESS)] // 100
    return items


def tpi_items_answered(state: str, items: int) -> int:
    """How many items the TPI has scored in ``state``."""
    if state in TPI_FULL_STATES:
        return items
    if state in TPI_PARTIAL_STATES:
        return items * 2 // 3
    return 0


def unit_code(n: int) -> str:
    return f"{CODE_PREFIX}{n:05d}"


def parse_years(text: str) -> list[int]:
    """``"2024,2025,2026"`` -> [2024, 2025, 2026] (sorted, without repeats); ScaleSeedError otherwise."""
    years = set()
    for part in text.split(","):
        part = part.strip()
        if not part.isascii() or not part.isdigit() or not 2010 <= int(part) <= 2100:
            raise ScaleSeedError(f"--periods: {part!r} is not a year between 2010 and 2100 "
                                 "(expected e.g. 2024,2025,2026)")
        years.add(int(part))
    return sorted(years)


@dataclass(frozen=True)
class _Context:
    instansi: Instansi
    instrument: Instrument
    engine: lke.Instrument
    item_ids: dict[str, int]
    tpi_lead: User
    periods: dict
    years: list[int]


def _next_number() -> int:
    numbers = [int(m.group(1)) for code in WorkUnit.objects.filter(code__startswith=CODE_PREFIX)
               .values_list("code", flat=True) if (m := CODE_PATTERN.match(code))]
    return max(numbers, default=0) + 1


@transaction.atomic
def seed_scale(*, units: int, years: Sequence[int] = DEFAULT_YEARS) -> ScaleSeedResult:
    """Add ``units`` work units with their assessments to the demo instansi (see the module).

    Raises ScaleSeedError (nothing written) when the demo instansi or its TPI lead is missing, or
    the arguments are out of range."""
    if not 1 <= units <= 100_000:
        raise ScaleSeedError("--units must be between 1 and 100000")
    years = sorted(set(years))
    if not years:
        raise ScaleSeedError("--periods names no year")
    instansi = Instansi.objects.select_for_update().filter(name=DEMO_INSTANSI).first()
    tpi_lead = User.objects.filter(username=TPI_LEAD).first()
    if instansi is None or tpi_lead is None:
        raise ScaleSeedError(f"the demo instansi ({DEMO_INSTANSI}) and its TPI lead ({TPI_LEAD}) are missing: "
                             "run `python manage.py seed_demo` first")
    instrument = services.ensure_bundled_instrument()
    ctx = _Context(
        instansi=instansi,
        instrument=instrument,
        engine=instrument.engine(),
        item_ids=dict(InstrumentItem.objects.filter(instrument=instrument).values_list("code", "pk")),
        tpi_lead=tpi_lead,
        periods={year: services.period_open(actor=None, instansi=instansi, year=year) for year in years},
        years=years,
    )
    result = ScaleSeedResult()
    first = _next_number()
    numbers = range(first, first + units)
    for start in range(0, units, UNITS_PER_BATCH):
        _seed_batch(ctx, numbers[start:start + UNITS_PER_BATCH], result)
    result.first_code, result.last_code = unit_code(numbers[0]), unit_code(numbers[-1])
    # bulk writes send no signal and leave every new assessment without figures: warm them outside
    # any request once this commits
    figures_warm_on_commit()
    return result


def _seed_batch(ctx: _Context, numbers: range, result: ScaleSeedResult) -> None:
    created = WorkUnit.objects.bulk_create([_unit(ctx.instansi, n) for n in numbers])
    units = dict(zip(numbers, created, strict=True))
    UnitFact.objects.bulk_create([_fact(unit, n, year) for n, unit in units.items() for year in ctx.years])
    TpiAssignment.objects.bulk_create([
        # email_pending stays False: the assignment e-mail sweep must not mail thousands of seeded rows
        TpiAssignment(user=ctx.tpi_lead, unit=unit, year=year, role=TpiAssignment.Role.LEAD)
        for unit in units.values() for year in ctx.years
    ])
    plans = [_Plan.make(ctx, n, unit, year) for n, unit in units.items() for year in ctx.years]
    assessments = Assessment.objects.bulk_create([plan.assessment for plan in plans])
    result.units += len(units)
    result.assessments += len(assessments)
    result.states.update(plan.assessment.state for plan in plans)
    answers = (answer for plan in plans for answer in plan.answers(ctx))
    for chunk in _chunks(answers, ANSWER_BATCH):
        Answer.objects.bulk_create(chunk)
        result.answers += len(chunk)
        result.unit_answers += sum(1 for a in chunk if a.unit_answer is not None)
        result.tpi_answers += sum(1 for a in chunk if a.tpi_answer is not None)
    _revision_requests(ctx, [p for p in plans if p.assessment.state in (wf.REVISION_REQUESTED, wf.RESUBMITTED)])
    PredicateAward.objects.bulk_create([
        PredicateAward(unit=p.unit, year=p.year, predicate=p.assessment.result,
                       decree_number=p.assessment.result_decree_number,
                       decree_date=p.assessment.result_decree_date)
        for p in plans if p.assessment.result in (Assessment.Result.WBK, Assessment.Result.WBBM)
    ])


def _chunks(rows: Iterator[Answer], size: int) -> Iterator[list[Answer]]:
    chunk: list[Answer] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _unit(instansi: Instansi, n: int) -> WorkUnit:
    kind, core = UNIT_KINDS[(n - 1) % len(UNIT_KINDS)]
    return WorkUnit(
        instansi=instansi,
        code=unit_code(n),
        name=f"{kind} Skala {n:05d}",
        core_service=core,
        public_impact=True,
        designation_decree_number=f"700/Kep.{n}-Itda/2023",
        designation_decree_date=dt.date(2023, 1, 16),
        pencanangan_date=dt.date(2023, 2, 1),
        is_active=True,
    )


def _fact(unit: WorkUnit, n: int, year: int) -> UnitFact:
    rng = random.Random(f"{unit.code}-facts-{year}")
    return UnitFact(
        unit=unit,
        year=year,
        findings_followup_pct=Decimal(rng.randint(7000, 10000)) / 100,
        lhkpn_pct=Decimal(100) if rng.random() < 0.9 else Decimal(rng.randint(9000, 9999)) / 100,
        lhkasn_pct=Decimal(rng.randint(8500, 10000)) / 100,
        internal_sakip_grade=SAKIP_GRADES[(n + year) % len(SAKIP_GRADES)],
    )


@dataclass
class _Plan:
    """One assessment to write and the answers it carries."""

    n: int
    unit: WorkUnit
    year: int
    assessment: Assessment
    unit_side: dict
    tpi_side: dict

    @classmethod
    def make(cls, ctx: _Context, n: int, unit: WorkUnit, year: int) -> _Plan:
        state = state_for(n, year, ctx.years)
        target = Assessment.Target.WBBM if n % 6 == 0 else Assessment.Target.WBK
        rng = random.Random(f"{unit.code}-{year}")
        # how good the unit is: a level of its own that grows a little every year
        quality = min(0.97, 0.45 + random.Random(unit.code).random() * 0.45 + 0.04 * ctx.years.index(year))
        codes = [item.code for item in ctx.engine.items]
        answered = set(rng.sample(codes, unit_items_answered(n, state, len(codes))))
        by_code = {item.code: item for item in ctx.engine.items}
        unit_side = {code: plausible_answer(by_code[code], rng, quality) for code in codes if code in answered}
        tpi_side = {}
        for code in codes[:tpi_items_answered(state, len(codes))]:  # the TPI scores in the LKE's order
            tpi_side[code] = _stricter(by_code[code], unit_side[code], rng)
        # the last change: in April of the year in progress, in November of a finished one
        month = 4 if year == ctx.years[-1] else 11
        changed = None if state == wf.DRAFT else timezone.make_aware(dt.datetime(year, month, 1 + n % 28, 9, 0))
        assessment = Assessment(unit=unit, period=ctx.periods[year], target=target, instrument=ctx.instrument,
                                state=state, state_changed_at=changed)
        plan = cls(n=n, unit=unit, year=year, assessment=assessment, unit_side=unit_side, tpi_side=tpi_side)
        if state == wf.RESULT_RECORDED:
            plan._record_result(ctx)
        return plan

    def _record_result(self, ctx: _Context) -> None:
        """The TPN's result follows the TPI's figures: the target predicate when they meet it."""
        target = self.assessment.target
        scores = lke.score(ctx.engine, self.tpi_side)
        met = scores.thresholds[target].met
        self.assessment.result = target if met else Assessment.Result.NOT_PASSED
        if met:
            self.assessment.result_decree_number = f"B/{self.n}/RB.06/{self.year}"
            self.assessment.result_decree_date = dt.date(self.year, 12, 10)

    def answers(self, ctx: _Context) -> Iterator[Answer]:
        for code, unit_answer in self.unit_side.items():  # in the instrument's order
            tpi_answer = self.tpi_side.get(code)
            yield Answer(
                assessment_id=self.assessment.pk,  # the id, not the object: the descriptor costs a third of the time
                item_id=ctx.item_ids[code],
                unit_answer=unit_answer,
                unit_note=f"SK Tim Pembangunan ZI Nomor 800/{self.n}/{self.year}" if code == "P.1.i.a" else "",
                tpi_answer=tpi_answer,
                version=1 if tpi_answer is None else 2,
            )


def _stricter(item, unit_answer, rng: random.Random):
    """The TPI's answer: the unit's, one step down the scale for about one option item in five."""
    if item.scale.kind != "option" or rng.random() > 0.2:
        return unit_answer
    ladder = list(item.scale.ascending)
    return ladder[max(0, ladder.index(unit_answer) - 1)]


def _revision_requests(ctx: _Context, plans: list[_Plan]) -> None:
    """A returned assessment has the TPI lead's request (resolved once the unit resubmitted), with
    two items to revise."""
    if not plans:
        return
    requests = RevisionRequest.objects.bulk_create([
        RevisionRequest(
            assessment=p.assessment,
            number=1,
            requested_by=ctx.tpi_lead,
            note="Mohon lengkapi bukti dukung sebelum penilaian dilanjutkan.",
            resolved_at=p.assessment.state_changed_at if p.assessment.state == wf.RESUBMITTED else None,
        )
        for p in plans
    ])
    first_two = [ctx.item_ids[item.code] for item in ctx.engine.items[:2]]
    RevisionItem.objects.bulk_create([
        RevisionItem(request=request, item_id=item_id, note="Bukti dukung belum lengkap.")
        for request in requests for item_id in first_two
    ])
