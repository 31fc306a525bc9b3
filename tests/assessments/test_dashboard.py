"""The leadership dashboard: engine figures, heat-map classes, scoping and a constant query count."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.lke import format_id
from assessments.models import Answer, Assessment, AssessmentFigures, AuditEvent, InstrumentItem, RevisionRequest
from assessments.pages import dashboard
from assessments.standing import assessment_scores
from evidence.models import EvidenceAttachment
from tests.factories import WorkUnitFactory
from units.models import TpiAssignment, User

pytestmark = pytest.mark.django_db


def test_dashboard_on_the_demo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())

    client.force_login(User.objects.get(username="inspektur"), backend="units.backends.UsernameOrNipBackend")
    page = client.get(reverse("assessments:dashboard")).content.decode()
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    tpi = assessment_scores(rsud)["tpi"]
    assert format_id(tpi.total) in page  # 76,67 as the engine computes it
    row = page.split('data-unit="RSUD"')[1].split("</tr>")[0]
    assert "Menuju WBK" in row and "nilai TPI" in row
    area1 = format_id(tpi.pct["1"], 1)
    assert f'class="text-center heat-wbk">{area1}%' in row  # area 1 of RSUD sits between 60% and 75%
    assert page.count("data-unit=") == 6
    client.force_login(User.objects.get(username="tim.rsud"), backend="units.backends.UsernameOrNipBackend")
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert page.count("data-unit=") == 1 and 'data-unit="RSUD"' in page


@pytest.mark.parametrize("extra", [0, 5])
def test_dashboard_query_count_does_not_grow(lke, login, django_assert_max_num_queries, extra):
    for i in range(extra):
        unit = WorkUnitFactory(instansi=lke.instansi, code=f"DASH-{i}")
        services.assessments_create_bulk(actor=None, period=lke.period, units=[unit], target="WBK",
                                         instrument=lke.instrument)
    client = login(lke.leadership)
    # cold: every assessment's figures are computed and cached on this request
    # (+13 for the programme's cells: stage facts 8, plan progress 2, monitoring 2, predicates held 1;
    # +1 for the surveys' cells: the units' campaigns — four more once a campaign exists, see
    # tests/surveys/test_lke.py)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("assessments:dashboard"), {"tahun": 2026})
    assert response.content.decode().count("data-unit=") == 2 + extra
    with django_assert_max_num_queries(33):  # warm: read from the cache (+1: the surveys' campaigns)
        response = client.get(reverse("assessments:dashboard"), {"tahun": 2026})
    assert response.content.decode().count("data-unit=") == 2 + extra


def _demo(client, settings, tmp_path, username="inspektur"):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())

    client.force_login(User.objects.get(username=username), backend="units.backends.UsernameOrNipBackend")
    return client


def test_cached_figures_follow_every_answer_change(lke, login):
    """The figures cache is invalidated by any answer write: the dashboard shows the new total."""
    client = login(lke.leadership)
    client.get(reverse("assessments:dashboard"), {"tahun": 2026})
    cached = AssessmentFigures.objects.get(assessment=lke.assessment)
    assert cached.unit_total == 0 and cached.stamp == lke.assessment.figures_stamp
    item = InstrumentItem.objects.get(instrument=lke.instrument, code="P.1.i.a")  # an option item
    services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=item, raw_answer="Ya", note="",
                         expected_version=None)
    lke.assessment.refresh_from_db()
    expected = assessment_scores(lke.assessment)["unit"].total
    assert expected == Decimal("0.25")
    page = client.get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    row = page.split('data-unit="UNIT-A"')[1].split("</tr>")[0]
    assert f'<td class="text-end">{format_id(expected)}</td>' in row
    # a write that bypasses the services (admin, shell, bulk fix) invalidates too
    Answer.objects.filter(assessment=lke.assessment, item=item).get().delete()
    page = client.get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    row = page.split('data-unit="UNIT-A"')[1].split("</tr>")[0]
    assert f'<td class="text-end">{format_id(expected)}</td>' not in row
    assert AssessmentFigures.objects.get(assessment=lke.assessment).unit_total == 0


def test_dashboard_evidence_trend_and_workload_on_the_demo(client, settings, tmp_path):
    _demo(client, settings, tmp_path)
    page = client.get(reverse("assessments:dashboard")).content.decode()
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    items = len(rsud.instrument.engine().items)
    attached = EvidenceAttachment.objects.filter(assessment=rsud, removed_at=None)
    with_evidence = attached.values("item").distinct().count()
    assert with_evidence == 8
    row = page.split('data-unit="RSUD"')[1].split("</tr>")[0]
    assert f'<td class="text-end">{format_id(Decimal(with_evidence * 100) / items, 1)}%</td>' in row
    # the trend: one dataset per unit on the page, the figure of each year the shown total

    trend = json.loads(page.split('<script id="trend-data" type="application/json">')[1].split("</script>")[0])
    assert trend["labels"] == ["2024", "2025", "2026"]
    rsud_line = next(ds for ds in trend["datasets"] if ds["label"] == rsud.unit.name)
    assert rsud_line["data"] == [
        float(round(assessment_scores(a)["tpi"].total, 2))
        for a in Assessment.objects.filter(unit__code="RSUD").order_by("period__year")
    ]
    itda_line = next(ds for ds in trend["datasets"] if ds["label"].startswith("Inspektorat"))
    assert itda_line["data"][:2] == [None, None]  # no assessment in 2024 and 2025
    tpi = assessment_scores(rsud)["tpi"]
    assert trend["thresholds"] == {
        pred: float(c.minimum) for pred, res in tpi.thresholds.items() for c in res.checks if c.rule == "total"
    }
    assert trend["thresholds"]["WBK"] == 75.0
    # TPI workload: per assessor the distinct items they scored and their open revision requests
    workload = page.split('id="tpi-workload"')[1].split("</table>")[0]
    for assignment in TpiAssignment.objects.filter(year=2026).select_related("user"):
        user = assignment.user
        reviewed = len(set(AuditEvent.objects.filter(actor=user, action="answer.tpi", assessment__period__year=2026)
                           .values_list("assessment_id", "item_code")))
        open_revisions = RevisionRequest.objects.filter(requested_by=user, resolved_at=None,
                                                        assessment__period__year=2026).count()
        cells = workload.split(f'data-assessor="{user.username}"')[1].split("</tr>")[0]
        assert f'<td class="text-end">{reviewed}</td><td class="text-end">{open_revisions}</td>' in cells
    assert any(
        AuditEvent.objects.filter(actor=a.user, action="answer.tpi").exists()
        for a in TpiAssignment.objects.filter(year=2026)
    )


def test_dashboard_pages_and_overview_count_every_unit(lke, login):
    extra = dashboard.PAGE_SIZE + 3 - 2
    units = [WorkUnitFactory(instansi=lke.instansi, code=f"PG-{i:02d}", name=f"Unit Halaman {i:02d}")
             for i in range(extra)]
    services.assessments_create_bulk(actor=None, period=lke.period, units=units, target="WBK",
                                     instrument=lke.instrument)
    client = login(lke.leadership)
    first = client.get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    second = client.get(reverse("assessments:dashboard"), {"tahun": 2026, "halaman": 2}).content.decode()
    assert first.count("data-unit=") == dashboard.PAGE_SIZE
    assert second.count("data-unit=") == 3
    assert f'data-kpi="count">{dashboard.PAGE_SIZE + 3}<' in first
    shown = {u.split('"')[0] for u in (first + second).split('data-unit="')[1:]}
    assert shown == {"UNIT-A", "UNIT-B", *(u.code for u in units)}
