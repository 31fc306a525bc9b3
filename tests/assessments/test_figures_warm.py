"""The figures cache kept warm: the warm-up task after bulk changes, in bounded batches; a request
computes only the stale rows it reads."""

from __future__ import annotations

import io
import logging
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command

from assessments import selectors, services, standing
from assessments.models import AssessmentFigures
from assessments.selectors import assessments_with_stale_figures
from assessments.services import figures as figures_service
from assessments.standing import standing_of
from assessments.tasks import figures_warm, sweep_background_work
from tests.factories import InstansiFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    """Five scale units of the demo instansi in 2025 (over) and 2026 (in progress): ten
    assessments, none with figures yet."""
    InstansiFactory(name="Pemerintah Kota Bogor")
    UserFactory(username="tpi.ketua")
    call_command("seed_scale", "--units", "5", "--periods", "2025,2026", stdout=io.StringIO())
    return selectors.assessments_with_stale_figures().select_related("unit", "period", "instrument")


def by_unit(seeded, code: str, year: int):
    return seeded.model.objects.select_related("unit", "period", "instrument").get(unit__code=code, period__year=year)


def stale_codes() -> list[tuple[str, int]]:
    return list(assessments_with_stale_figures().values_list("unit__code", "period__year"))


@pytest.fixture
def sent(monkeypatch):
    """What the warm-up task sends again (instead of sending it)."""
    calls = []

    def record(task, **kwargs):
        calls.append((task.name, kwargs))
        return True

    monkeypatch.setattr("assessments.tasks.enqueue", record)
    return calls


def test_the_warm_up_leaves_no_stale_figures_and_they_are_the_engines(seeded, sent):
    assert len(stale_codes()) == 10

    assert figures_warm.apply(kwargs={}).get() == {"warmed": 10, "failed": 0, "remaining": 0, "skipped": 0}

    assert stale_codes() == [] and AssessmentFigures.objects.count() == 10 and sent == []
    for code, year, answered, tpi_answered in (("SKALA-00003", 2026, 113, 75), ("SKALA-00002", 2025, 113, 113)):
        assessment = by_unit(seeded, code, year)
        row = AssessmentFigures.objects.get(assessment=assessment)
        standing = standing_of(assessment, with_gaps=False)
        assert (Decimal(row.unit_exact_total), Decimal(row.tpi_exact_total)) == (standing.unit_total,
                                                                                 standing.tpi_total)
        assert (row.answered, row.tpi_answered, row.items) == (answered, tpi_answered, 113)
        assert row.stamp == assessment.figures_stamp == 0
    row = AssessmentFigures.objects.get(assessment=by_unit(seeded, "SKALA-00003", 2026))
    assert (row.unit_total, row.tpi_total) == (Decimal("75.83"), Decimal("15.26"))  # deterministic seed
    # idempotent: nothing is stale, nothing is computed again
    computed_at = row.computed_at
    assert figures_warm.apply(kwargs={}).get() == {"warmed": 0, "failed": 0, "remaining": 0, "skipped": 0}
    assert AssessmentFigures.objects.get(pk=row.pk).computed_at == computed_at


def test_a_run_is_bounded_and_sends_itself_again_while_figures_are_stale(seeded, sent, monkeypatch):
    monkeypatch.setattr(figures_service, "BATCH_SIZE", 3)
    monkeypatch.setattr(figures_service, "MAX_BATCHES", 2)

    assert figures_warm.apply(kwargs={}).get() == {"warmed": 6, "failed": 0, "remaining": 1, "skipped": 0}
    assert len(stale_codes()) == 4
    assert sent == [("assessments.tasks.figures_warm", {"assessment_ids": None})]

    assert figures_warm.apply(kwargs={}).get() == {"warmed": 4, "failed": 0, "remaining": 0, "skipped": 0}
    assert stale_codes() == [] and len(sent) == 1


def test_named_assessments_only(seeded, sent):
    draft = by_unit(seeded, "SKALA-00001", 2026)
    assert figures_warm.apply(kwargs={"assessment_ids": [draft.pk]}).get()["warmed"] == 1
    assert list(AssessmentFigures.objects.values_list("assessment_id", flat=True)) == [draft.pk]


def test_a_request_computes_only_the_stale_rows_it_reads(seeded):
    final = by_unit(seeded, "SKALA-00005", 2026)
    figures = standing.assessment_figures_many([final])
    assert list(figures) == [final.pk]
    assert list(AssessmentFigures.objects.values_list("assessment_id", flat=True)) == [final.pk]
    assert len(stale_codes()) == 9


def test_a_changed_answer_makes_its_row_stale_until_the_next_run(seeded, sent):
    figures_warm.apply(kwargs={})
    draft = by_unit(seeded, "SKALA-00001", 2026)
    item = draft.instrument.items.get(code="P.1.i.a")
    services.answer_save(actor=None, assessment=draft, item=item, raw_answer="Ya", note="", expected_version=None,
                         side="unit")
    assert stale_codes() == [("SKALA-00001", 2026)]

    assert figures_warm.apply(kwargs={}).get()["warmed"] == 1
    draft.refresh_from_db()
    row = AssessmentFigures.objects.get(assessment=draft)
    assert (row.stamp, Decimal(row.unit_exact_total)) == (draft.figures_stamp, standing_of(draft).unit_total)


def test_an_assessment_the_engine_cannot_score_keeps_no_other_cold(seeded, sent, monkeypatch, caplog):
    bad = by_unit(seeded, "SKALA-00004", 2025)
    compute = standing.assessment_figures_many

    def failing(assessments, **kwargs):
        assessments = list(assessments)
        if any(a.pk == bad.pk for a in assessments):
            raise ValueError("unreadable answer")
        return compute(assessments, **kwargs)

    monkeypatch.setattr(standing, "assessment_figures_many", failing)
    with caplog.at_level(logging.ERROR, logger="assessments.services.figures"):
        assert figures_warm.apply(kwargs={}).get() == {"warmed": 9, "failed": 1, "remaining": 0, "skipped": 0}
    assert stale_codes() == [("SKALA-00004", 2025)]
    assert [r.getMessage() for r in caplog.records] == [
        f"figures of assessment {bad.pk} could not be computed; left stale"]
    assert sent == []  # what failed is not sent again by this run; the sweep retries it later


def test_one_run_over_every_assessment_at_a_time(seeded, sent):
    cache.add(figures_service.LOCK_KEY, "another run", timeout=60)
    try:
        assert figures_warm.apply(kwargs={}).get() == {"warmed": 0, "failed": 0, "remaining": 0, "skipped": 1}
        # a warm-up of named assessments does not wait for it
        one = by_unit(seeded, "SKALA-00002", 2026)
        assert figures_warm.apply(kwargs={"assessment_ids": [one.pk]}).get()["warmed"] == 1
    finally:
        cache.delete(figures_service.LOCK_KEY)
    assert figures_warm.apply(kwargs={}).get()["warmed"] == 9
    assert cache.get(figures_service.LOCK_KEY) is None  # released after the run


def test_the_sweep_sends_the_warm_up_while_figures_are_stale(seeded, sent):
    assert sweep_background_work()["figures_warm"] == 1
    assert sent == [("assessments.tasks.figures_warm", {})]
    figures_warm.apply(kwargs={})
    assert sweep_background_work()["figures_warm"] == 0
    assert len(sent) == 1


def test_bulk_creation_with_carry_forward_sends_one_warm_up_for_what_it_created(
        lke, django_capture_on_commit_callbacks):
    period = services.period_open(actor=lke.admin, instansi=lke.instansi, year=2027)
    with django_capture_on_commit_callbacks() as callbacks:
        created = services.assessments_create_bulk(
            actor=lke.admin, period=period, units=[lke.unit_a, lke.unit_b], target="WBK",
            instrument=lke.instrument, carry_forward=True,
        )
    warm_ups = [cb.keywords for cb in callbacks if getattr(cb, "args", ()) == ("assessments.tasks.figures_warm",)]
    assert warm_ups == [{"assessment_ids": sorted(a.pk for a in created)}]
    with django_capture_on_commit_callbacks() as callbacks:  # nothing new: nothing to warm
        services.assessments_create_bulk(actor=lke.admin, period=period, units=[lke.unit_a], target="WBK",
                                         instrument=lke.instrument)
    assert [cb for cb in callbacks if getattr(cb, "args", ()) == ("assessments.tasks.figures_warm",)] == []


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_after_the_seed_a_worker_leaves_no_stale_figures(run_tasks):
    InstansiFactory(name="Pemerintah Kota Bogor")
    UserFactory(username="tpi.ketua")
    call_command("seed_scale", "--units", "3", "--periods", "2026", stdout=io.StringIO())
    assert run_tasks.until(lambda: not assessments_with_stale_figures().exists(), timeout=30)
    assert AssessmentFigures.objects.count() == 3
