"""``manage.py seed_scale``: units, assessments in realistic states and answers on both sides, in bulk."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from assessments import lke
from assessments.models import Answer, Assessment, AssessmentFigures, AuditEvent, Period, RevisionRequest
from assessments.standing import standing_of
from tests.factories import InstansiFactory, UserFactory, bundled_instrument
from units.models import PredicateAward, TpiAssignment, UnitFact, WorkUnit

pytestmark = pytest.mark.django_db

# the states of units 1..5: the latest period in progress, the earlier one over
STATES_2026 = ["draft", "submitted", "in_review", "revision_requested", "final"]
STATES_2025 = ["final", "result_recorded", "proposed", "final", "result_recorded"]


@pytest.fixture
def demo(db):
    """What seed_scale needs of the demo: its instansi and its TPI lead."""
    return InstansiFactory(name="Pemerintah Kota Bogor"), UserFactory(username="tpi.ketua")


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def answer_counts(year: int) -> list[tuple[str, int, int]]:
    """(code, unit answers, TPI answers) of the scale units' assessments of ``year``, by code."""
    rows = []
    for a in Assessment.objects.filter(period__year=year, unit__code__startswith="SKALA-").order_by("unit__code"):
        answers = Answer.objects.filter(assessment=a)
        rows.append((a.unit.code, answers.exclude(unit_answer=None).count(), answers.exclude(tpi_answer=None).count()))
    return rows


def test_five_units_in_two_periods_have_exactly_the_rows_their_states_call_for(demo):
    items = len(bundled_instrument().engine().items)  # 113
    out = seed("--units", "5", "--periods", "2025,2026")

    assert re.fullmatch(
        r"seed_scale: 5 units \(SKALA-00001\.\.SKALA-00005\), 10 assessments in 2 periods \(2025,2026\), "
        rf"{10 * items - items + items * 10 // 100} answers \({10 * items - items + items * 10 // 100} unit, "
        rf"{6 * items + 2 * (items * 2 // 3)} TPI\) in \d+\.\d s; figures warm-up queued "
        r"\(assessments\.tasks\.figures_warm\)\n", out)
    units = WorkUnit.objects.filter(code__startswith="SKALA-").order_by("code")
    assert [(u.code, u.name, u.instansi.name) for u in units] == [
        ("SKALA-00001", "UPTD Puskesmas Skala 00001", "Pemerintah Kota Bogor"),
        ("SKALA-00002", "Kelurahan Skala 00002", "Pemerintah Kota Bogor"),
        ("SKALA-00003", "UPTD Pengelolaan Pasar Skala 00003", "Pemerintah Kota Bogor"),
        ("SKALA-00004", "SMP Negeri Skala 00004", "Pemerintah Kota Bogor"),
        ("SKALA-00005", "UPT Pelayanan Pajak Daerah Skala 00005", "Pemerintah Kota Bogor"),
    ]
    assert sorted(Period.objects.values_list("year", flat=True)) == [2025, 2026]
    for year, states in ((2026, STATES_2026), (2025, STATES_2025)):
        assert list(Assessment.objects.filter(period__year=year).order_by("unit__code")
                    .values_list("state", flat=True)) == states
    # unit side: a draft answered 10 % of the items (unit 1), every later state all of them;
    # TPI side: two thirds (in the LKE's order) while reviewing or returned, all once final
    assert answer_counts(2026) == [
        ("SKALA-00001", items * 10 // 100, 0),
        ("SKALA-00002", items, 0),
        ("SKALA-00003", items, items * 2 // 3),
        ("SKALA-00004", items, items * 2 // 3),
        ("SKALA-00005", items, items),
    ]
    assert answer_counts(2025) == [(f"SKALA-0000{n}", items, items) for n in range(1, 6)]
    reviewed = Answer.objects.filter(assessment__unit__code="SKALA-00003", assessment__period__year=2026)
    codes = [item.code for item in bundled_instrument().engine().items]
    assert set(reviewed.exclude(tpi_answer=None).values_list("item__code", flat=True)) == set(codes[: items * 2 // 3])
    # the rest of what the states carry
    assert UnitFact.objects.filter(unit__in=units).count() == 10
    assert set(TpiAssignment.objects.filter(unit__in=units).values_list("user__username", "role", "email_pending")) \
        == {("tpi.ketua", "ketua", False)}
    assert TpiAssignment.objects.filter(unit__in=units).count() == 10
    returned = RevisionRequest.objects.get()
    assert (returned.assessment.unit.code, returned.assessment.state, returned.resolved_at, returned.items.count()) \
        == ("SKALA-00004", "revision_requested", None, 2)
    # not the real flow: neither audit rows nor a snapshot, and the figures cache is left to the task
    assert AuditEvent.objects.exclude(action="period.open").count() == 0
    assert AssessmentFigures.objects.count() == 0
    assert Assessment.objects.filter(state="final", snapshot__isnull=False).count() == 0


def test_a_recorded_result_follows_the_tpi_figures_and_enters_the_predicate_history(demo):
    seed("--units", "5", "--periods", "2025,2026")
    recorded = Assessment.objects.filter(state="result_recorded").select_related("unit", "period", "instrument")
    assert [a.unit.code for a in recorded.order_by("unit__code")] == ["SKALA-00002", "SKALA-00005"]
    for a in recorded:
        met = standing_of(a, with_gaps=False).scores["tpi"].thresholds[a.target].met
        assert a.result == (a.target if met else "not_passed")
        awards = PredicateAward.objects.filter(unit=a.unit, year=2025)
        assert list(awards.values_list("predicate", "decree_number")) == (
            [(a.target, f"B/{int(a.unit.code[-5:])}/RB.06/2025")] if met else [])


def test_every_seeded_answer_is_what_the_services_would_store(demo):
    seed("--units", "5", "--periods", "2025,2026")
    engine = bundled_instrument().engine()
    kinds = Counter()
    for code, unit_answer, tpi_answer in Answer.objects.values_list("item__code", "unit_answer", "tpi_answer"):
        for value in (unit_answer, tpi_answer):
            if value is not None:
                assert lke.canonical(engine, code, value) == value, (code, value)
                kinds[type(value).__name__] += 1
    assert set(kinds) == {"str", "dict"}  # options and indices as text, percentages as counts


def _values() -> list:
    return list(Answer.objects.order_by("assessment__unit__code", "assessment__period__year", "item__position")
                .values_list("assessment__unit__code", "assessment__period__year", "item__code", "unit_answer",
                             "tpi_answer"))


def test_the_same_unit_numbers_always_get_the_same_values(demo):
    runs = []
    for _ in range(2):
        with transaction.atomic():
            seed("--units", "3", "--periods", "2025,2026")
            runs.append(_values())
            transaction.set_rollback(True)  # the second run numbers its units from 1 again
    assert runs[0] == runs[1] and len(runs[0]) == 5 * 113 + 113 * 10 // 100
    # and across processes: seeded by the unit's code and year, not by Python's hash seed
    first = {(code, year, item): (u, t) for code, year, item, u, t in runs[0]}
    assert first[("SKALA-00002", 2026, "P.1.i.a")] == ("Tidak", None)
    assert first[("SKALA-00003", 2025, "B.I.a")] == ("3.18", "3.18")


def test_running_it_again_adds_units_with_new_codes(demo):
    seed("--units", "5", "--periods", "2025,2026")
    out = seed("--units", "2")  # default periods 2024, 2025 and 2026
    assert "2 units (SKALA-00006..SKALA-00007), 6 assessments in 3 periods (2024,2025,2026)" in out
    assert WorkUnit.objects.filter(code__startswith="SKALA-").count() == 7
    assert Assessment.objects.count() == 16
    # the n-th unit's state follows its number, whichever run made it
    assert list(Assessment.objects.filter(period__year=2026, unit__code__in=["SKALA-00006", "SKALA-00007"])
                .order_by("unit__code").values_list("state", flat=True)) == ["draft", "in_review"]


def test_without_the_demo_it_refuses_and_writes_nothing(db):
    with pytest.raises(CommandError) as exc:
        seed("--units", "5")
    assert str(exc.value) == ("the demo instansi (Pemerintah Kota Bogor) and its TPI lead (tpi.ketua) are missing: "
                              "run `python manage.py seed_demo` first")
    assert (WorkUnit.objects.count(), Assessment.objects.count(), Period.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(("args", "message"), [
    (("--units", "0"), "--units must be between 1 and 100000"),
    (("--units", "2", "--periods", "2025,²"), "--periods: '²' is not a year between 2010 and 2100 "
                                               "(expected e.g. 2024,2025,2026)"),
    (("--units", "2", "--periods", "1999"), "--periods: '1999' is not a year between 2010 and 2100 "
                                             "(expected e.g. 2024,2025,2026)"),
])
def test_bad_arguments_are_refused_with_one_line(demo, args, message):
    with pytest.raises(CommandError) as exc:
        seed(*args)
    assert str(exc.value) == message
    assert WorkUnit.objects.count() == 0


def test_the_figures_warm_up_is_sent_after_the_commit(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        seed("--units", "1", "--periods", "2026")
    sent = [(cb.args, cb.keywords) for cb in callbacks if getattr(cb, "args", None)]
    assert sent == [(("assessments.tasks.figures_warm",), {})]
