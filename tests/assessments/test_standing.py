"""The one read path for where an assessment stands: the same totals, side and recommendation as
the engine, from the figures cache for lists (a query count constant in the number of assessments)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import lke as engine_lke
from assessments import services
from assessments.models import Assessment, AssessmentFigures
from assessments.standing import assessment_scores, prerequisites_for, scored_side, standing_of, standings_of
from tests.factories import InstansiFactFactory, UnitFactFactory, WorkUnitFactory
from tests.factories.assessments import answers_for

pytestmark = pytest.mark.django_db

UNIT_A_ANSWERS = {"P.1.ii.a": "Ya", "P.1.ii.b": "C", "P.1.ii.c": "A", "B.I.a": "3.60"}


@pytest.fixture
def hand_made(lke):
    """UNIT-A: a draft with four unit answers (unit total 2/3 + 15.75). UNIT-B: in review, its unit's
    and the TPI's answers apart, with the instansi's and the unit's prerequisite facts known."""
    answers_for(lke.assessment, UNIT_A_ANSWERS)
    answers_for(lke.assessment_b, {"P.1.ii.a": "Ya", "P.1.ii.b": "A", "P.1.ii.c": "B", "B.I.a": "3.90"})
    answers_for(lke.assessment_b, {"P.1.ii.a": "Tidak", "P.1.ii.b": "B", "B.I.a": "3.70"}, side="tpi")
    Assessment.objects.filter(pk=lke.assessment_b.pk).update(state="in_review")
    lke.assessment_b.refresh_from_db()
    InstansiFactFactory(instansi=lke.instansi, year=2026)
    UnitFactFactory(unit=lke.unit_b, year=2026)
    return lke


def _engine_view(assessment):
    """Today's recipe, straight from the engine: what every page showed before the read path."""
    scores = assessment_scores(assessment)
    side = scored_side(assessment)
    engine = assessment.instrument.engine()
    recommendation = engine_lke.recommend(scores[side], prerequisites_for(assessment.unit, 2026, engine))
    return scores, side, recommendation


def _assert_same(standing, assessment):
    scores, side, recommendation = _engine_view(assessment)
    assert standing.side == side
    assert standing.unit_total == scores["unit"].total
    assert standing.tpi_total == scores["tpi"].total
    assert standing.shown.total == scores[side].total and standing.shown.predicate == scores[side].predicate
    assert standing.recommendation.label == recommendation.label
    assert standing.recommendation.predicate == recommendation.predicate
    assert [r.text for r in standing.recommendation.reasons] == [r.text for r in recommendation.reasons]
    assert [(s.predicate, s.met) for s in standing.recommendation.standings] == [
        (s.predicate, s.met) for s in recommendation.standings
    ]


def test_standings_equal_the_engine_cold_and_warm(hand_made):
    assessments = list(Assessment.objects.filter(period=hand_made.period).select_related(
        "unit__instansi", "period", "instrument").order_by("unit__code"))
    assert AssessmentFigures.objects.count() == 0
    for _fill in ("cold", "warm"):
        standings = standings_of(assessments)
        assert set(standings) == {a.pk for a in assessments}
        for a in assessments:
            _assert_same(standings[a.pk], a)
            assert standings[a.pk].gaps is None
        assert AssessmentFigures.objects.count() == 2
    a, b = (standings[x.pk] for x in assessments)
    assert a.side == "unit" and a.unit_total.quantize(Decimal("0.01")) == Decimal("16.42") and a.tpi_total == 0
    assert a.answered == 4 and a.tpi_answered == 0 and a.items == 113
    assert a.recommendation.label == "Belum direkomendasikan" and a.recommendation.reasons
    assert b.side == "tpi" and b.answered == 4 and b.tpi_answered == 3
    assert b.tpi_total != b.unit_total
    assert standings_of([]) == {}


def test_standing_of_one_equals_the_list_and_has_gaps(hand_made):
    listed = standings_of([hand_made.assessment, hand_made.assessment_b])
    for assessment in (hand_made.assessment, hand_made.assessment_b):
        one = standing_of(assessment)
        _assert_same(one, assessment)
        many = listed[assessment.pk]
        assert (one.side, one.unit_total, one.tpi_total, one.answered, one.tpi_answered, one.items) == (
            many.side, many.unit_total, many.tpi_total, many.answered, many.tpi_answered, many.items)
        assert one.recommendation == many.recommendation
        scores, side, _rec = _engine_view(assessment)
        expected_gaps = engine_lke.gap_analysis(assessment.instrument.engine(), {
            code: value for code, value in (
                (a.item.code, getattr(a, f"{side}_answer")) for a in assessment.answers.select_related("item"))
            if value is not None}, scores[side])
        assert one.gaps == expected_gaps and one.gaps
        assert set(one.scores) == {"unit", "tpi"}


def test_list_rows_equal_the_engine(hand_made, login):
    response = login(hand_made.leadership).get(reverse("assessments:assessment_list"))
    assert response.status_code == 200
    rows = {row["assessment"].pk: row for row in response.context["rows"]}
    for assessment in (hand_made.assessment, hand_made.assessment_b):
        scores, _side, _rec = _engine_view(assessment)
        row = rows[assessment.pk]
        assert (row["unit_total"], row["tpi_total"]) == (scores["unit"].total, scores["tpi"].total)
        assert row["items"] == 113
    assert rows[hand_made.assessment.pk]["answered"] == 4
    page = response.content.decode()
    assert '<td class="text-end">4/113</td>' in page
    assert f'<td class="text-end">{engine_lke.format_id(scores["unit"].total, 2)}</td>' in page


def test_list_reads_the_figures_cache_instead_of_rescoring(hand_made, login):
    client = login(hand_made.leadership)
    assert client.get(reverse("assessments:assessment_list")).status_code == 200
    assert AssessmentFigures.objects.count() == 2  # the first visit fills the cache
    with CaptureQueriesContext(connection) as warm:
        page = client.get(reverse("assessments:assessment_list")).content.decode()
    answer_table = Assessment.answers.rel.related_model._meta.db_table
    assert not [q["sql"] for q in warm.captured_queries if answer_table in q["sql"]]  # no answer is read again
    assert '<td class="text-end">4/113</td>' in page
    # an answer saved afterwards raises the stamp: the list shows the new figures, not the cached ones
    services.answer_save(actor=hand_made.team_a, assessment=hand_made.assessment,
                         item=hand_made.assessment.instrument.items.get(code="P.1.i.a"), raw_answer="Ya",
                         note="", expected_version=None)
    response = client.get(reverse("assessments:assessment_list"))
    row = next(r for r in response.context["rows"] if r["assessment"].pk == hand_made.assessment.pk)
    assert row["answered"] == 5 and row["unit_total"] == assessment_scores(hand_made.assessment)["unit"].total


@pytest.mark.parametrize("extra", [0, 5])
def test_list_query_count_is_constant_in_the_number_of_assessments(hand_made, login, extra,
                                                                  django_assert_max_num_queries):
    for i in range(extra):
        unit = WorkUnitFactory(instansi=hand_made.instansi, code=f"LIST-{i}")
        services.assessments_create_bulk(actor=None, period=hand_made.period, units=[unit], target="WBK",
                                         instrument=hand_made.instrument)
    client = login(hand_made.leadership)
    # cold: the figures cache is filled (with the page's COUNT, the year filter's options and the
    # instrument's deferred definition when this process has not parsed it yet)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("assessments:assessment_list"))
    assert len(response.context["rows"]) == 2 + extra
    with django_assert_max_num_queries(12):  # warm: read from the cache
        response = client.get(reverse("assessments:assessment_list"))
    assert len(response.context["rows"]) == 2 + extra
