"""TPI monitoring: the pure arithmetic, the services (checks, audit, notifications, conflict of
interest), the permission matrix of every URL, the page's queries, the API list and the selector."""

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse

from assessments.models import AuditEvent, Notification
from evidence.models import EvidenceVersion
from programme import monitoring, selectors, services_monitoring
from programme.models import FollowUp, MonitoringVisit, Recommendation
from tests.evidence.helpers import HTML_AS_PDF, pdf_bytes, upload
from tests.factories import MembershipFactory, TpiAssignmentFactory, UserFactory, WorkUnitFactory
from tests.factories.evidence import EvidenceDocumentFactory
from units.models import TpiAssignment

YEAR = 2026
TODAY = dt.date(2026, 8, 1)


# --- pure ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (dt.date(2026, 1, 1), 1),
        (dt.date(2026, 3, 31), 1),
        (dt.date(2026, 4, 1), 2),
        (dt.date(2026, 6, 30), 2),
        (dt.date(2026, 7, 1), 3),
        (dt.date(2026, 12, 31), 4),
    ],
)
def test_quarter_of(day, quarter):
    assert monitoring.quarter_of(day) == quarter


def test_quarter_names_and_bounds():
    assert [monitoring.quarter_name(q) for q in (1, 2, 3, 4)] == [
        "Triwulan I",
        "Triwulan II",
        "Triwulan III",
        "Triwulan IV",
    ]
    assert monitoring.quarter_bounds(2028, 1) == (dt.date(2028, 1, 1), dt.date(2028, 3, 31))
    assert monitoring.quarter_bounds(2026, 2) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert monitoring.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        monitoring.quarter_name(5)
    with pytest.raises(ValueError):
        monitoring.quarter_bounds(2026, 0)


@pytest.mark.parametrize(
    ("deadline", "status", "overdue"),
    [
        (dt.date(2026, 7, 31), "open", True),
        (dt.date(2026, 7, 31), "followed_up", True),  # not accepted by the TPI yet
        (dt.date(2026, 7, 31), "reopened", True),
        (dt.date(2026, 7, 31), "closed", False),
        (dt.date(2026, 8, 1), "open", False),  # the deadline day itself is in time
        (dt.date(2026, 9, 30), "open", False),
    ],
)
def test_overdue(deadline, status, overdue):
    assert monitoring.is_overdue(deadline=deadline, status=status, today=TODAY) is overdue


def test_counts():
    pairs = [
        ("open", dt.date(2026, 7, 1)),
        ("closed", dt.date(2026, 7, 1)),
        ("followed_up", dt.date(2026, 9, 1)),
        ("reopened", dt.date(2026, 5, 1)),
    ]
    assert monitoring.count(2, pairs, today=TODAY) == monitoring.MonitoringCounts(
        visits=2, recommendations=4, closed=1, open=3, overdue=2
    )
    assert monitoring.count(0, [], today=TODAY) == monitoring.MonitoringCounts()
    assert monitoring.counts_per_status(s for s, _ in pairs) == {
        "open": 1,
        "followed_up": 1,
        "closed": 1,
        "reopened": 1,
    }


# --- services --------------------------------------------------------------------------------------


def _visit(world, *, date=dt.date(2026, 4, 15), unit=None, actor=None):
    return services_monitoring.visit_record(
        actor=actor or world.tpi_a, unit=unit or world.unit_a, year=YEAR, date=date, method="lapangan", summary="Ok"
    )


def _recommendation(world, visit, *, deadline=dt.date(2026, 5, 31), text="Reviu SOP"):
    finding = services_monitoring.finding_add(actor=world.tpi_a, visit=visit, area="2", text="SOP belum direviu")
    return services_monitoring.recommendation_create(
        actor=world.tpi_a, visit=visit, finding=finding, area="2", text=text, deadline=deadline
    )


def test_the_whole_cycle_is_audited_and_notified(world):
    visit = _visit(world)
    rec = _recommendation(world, visit)
    told = Notification.objects.filter(kind="monitoring.recommendation").values_list("user__username", flat=True)
    assert set(told) == {"tim.a", "pimpinan.a"}
    doc = EvidenceDocumentFactory(unit=world.unit_a, title="SOP layanan")
    follow_up = services_monitoring.follow_up_record(
        actor=world.team_a, recommendation=rec, text="Sudah direviu", documents=[doc]
    )
    assert list(follow_up.evidence.values_list("title", flat=True)) == ["SOP layanan"]
    rec.refresh_from_db()
    assert rec.status == "followed_up"
    assert list(Notification.objects.filter(kind="monitoring.follow_up").values_list("user__username", flat=True)) == [
        "tpi.a"
    ]
    services_monitoring.recommendation_close(actor=world.tpi_a, recommendation=rec)
    rec.refresh_from_db()
    assert (rec.status, rec.closed_by) == ("closed", world.tpi_a)
    with pytest.raises(ValidationError):
        services_monitoring.follow_up_record(actor=world.team_a, recommendation=rec, text="lagi")
    services_monitoring.recommendation_reopen(actor=world.tpi_a, recommendation=rec)
    rec.refresh_from_db()
    assert (rec.status, rec.closed_by, rec.closed_at) == ("reopened", None, None)
    with pytest.raises(ValidationError):
        services_monitoring.recommendation_reopen(actor=world.tpi_a, recommendation=rec)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "actor__username", "field")) == [
        ("monitoring.visit", "tpi.a", f"visit:{visit.pk}"),
        ("monitoring.finding", "tpi.a", f"finding:{rec.finding_id}"),
        ("recommendation.create", "tpi.a", f"recommendation:{rec.pk}"),
        ("recommendation.follow_up", "tim.a", f"recommendation:{rec.pk}"),
        ("recommendation.close", "tpi.a", f"recommendation:{rec.pk}"),
        ("recommendation.reopen", "tpi.a", f"recommendation:{rec.pk}"),
    ]
    follow = AuditEvent.objects.get(action="recommendation.follow_up")
    assert (follow.before, follow.after) == (
        {"status": "open"},
        {"status": "followed_up", "text": "Sudah direviu", "documents": [doc.pk]},
    )


def test_checks(world):
    with pytest.raises(ValidationError) as exc:
        _visit(world, date=dt.date(2025, 12, 31))
    assert "date" in exc.value.message_dict
    visit = _visit(world)
    with pytest.raises(ValidationError) as exc:
        services_monitoring.recommendation_create(
            actor=world.tpi_a, visit=visit, area="2", text="x", deadline=dt.date(2026, 4, 1)
        )
    assert "deadline" in exc.value.message_dict
    rec = _recommendation(world, visit)
    foreign = EvidenceDocumentFactory(unit=world.unit_b)
    with pytest.raises(ValidationError) as exc:
        services_monitoring.follow_up_record(actor=world.team_a, recommendation=rec, text="x", documents=[foreign])
    assert "documents" in exc.value.message_dict
    assert FollowUp.objects.count() == 0


@pytest.mark.parametrize("who", ["team_a", "leader_a", "tpi_lead", "tpi_unassigned", "leadership", "admin", "team_b"])
def test_only_the_assigned_tpi_records(world, who):
    with pytest.raises(Http404):
        _visit(world, actor=getattr(world, who))
    assert MonitoringVisit.objects.count() == 0


@pytest.mark.parametrize("who", ["tpi_a", "tpi_unassigned", "leadership", "team_b"])
def test_only_the_units_members_follow_up(world, who):
    rec = _recommendation(world, _visit(world))
    with pytest.raises(Http404):
        services_monitoring.follow_up_record(actor=getattr(world, who), recommendation=rec, text="x")
    with pytest.raises(Http404):
        services_monitoring.recommendation_close(actor=world.team_a, recommendation=rec)


def test_conflict_of_interest_refused(world, login):
    """A TPI assessor who is (also) a member of the unit's team records nothing on that unit, even
    with an assignment that slipped past the assignment rule."""
    TpiAssignment.objects.create(user=world.team_a, unit=world.unit_a, year=YEAR)
    with pytest.raises(Http404):
        _visit(world, actor=world.team_a)
    rec = _recommendation(world, _visit(world))
    with pytest.raises(Http404):
        services_monitoring.recommendation_close(actor=world.team_a, recommendation=rec)
    client = login(world.team_a)
    assert client.get(_url("visit_add")).status_code == 404
    assert client.post(_url("recommendation_close", rec.pk)).status_code == 404
    page = client.get(_url("monitoring"))
    assert page.status_code == 200
    assert page.context["can_monitor"] is False and page.context["can_follow_up"] is True


# --- pages -----------------------------------------------------------------------------------------


def _url(name, *args, code="UNIT-A", year=YEAR):
    return reverse(f"programme:{name}", args=[code, year, *args])


READERS = ["team_a", "leader_a", "tpi_a", "leadership", "admin"]
OUTSIDERS = ["team_b", "tpi_lead", "tpi_unassigned"]


@pytest.fixture
def recorded(world):
    visit = _visit(world)
    return visit, _recommendation(world, visit)


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_permission_matrix(world, login, recorded, who):
    visit, rec = recorded
    client = login(getattr(world, who))
    reader = who in READERS
    tpi = who == "tpi_a"
    member = who in ("team_a", "leader_a")
    expect = {
        ("get", _url("monitoring")): 200 if reader else 404,
        ("get", _url("visit_add")): 200 if tpi else 404,
        ("get", _url("finding_add", visit.pk)): 200 if tpi else 404,
        ("get", _url("follow_up_add", rec.pk)): 200 if member else 404,
        ("get", _url("monitoring_report", 2)): 200 if reader else 404,
        ("get", _url("monitoring_report", 5)): 404,
        ("post", _url("recommendation_close", rec.pk)): 302 if tpi else 404,
    }
    got = {key: getattr(client, key[0])(key[1]).status_code for key in expect}
    assert got == expect
    # UNIT-B is read by its own people and the whole instansi only; a missing unit answers 404
    sees_b = who in ("team_b", "tpi_lead", "leadership", "admin")
    assert client.get(_url("monitoring", code="UNIT-B")).status_code == (200 if sees_b else 404)
    assert client.get(_url("monitoring", code="NOPE")).status_code == 404
    # UNIT-A's recommendation is not reachable through another unit's URL
    assert client.get(_url("follow_up_add", rec.pk, code="UNIT-B")).status_code == 404
    assert client.post(_url("recommendation_reopen", rec.pk, code="UNIT-B")).status_code == 404


def test_anonymous_is_sent_to_login(client, recorded):
    response = client.get(_url("monitoring"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_tpi_records_a_visit_through_the_form(world, login):
    client = login(world.tpi_a)
    data = {
        "date": "2026-04-15",
        "method": "desk",
        "summary": "Reviu dokumen",
        "area": "5",
        "finding": "Rekap pengaduan belum lengkap",
        "recommendation": "Lengkapi rekap",
        "deadline": "2026-09-30",
    }
    response = client.post(_url("visit_add"), data)
    assert response.status_code == 302
    rec = Recommendation.objects.get()
    assert (rec.visit.method, rec.area, rec.text, rec.deadline, rec.finding.text) == (
        "desk",
        "5",
        "Lengkapi rekap",
        dt.date(2026, 9, 30),
        "Rekap pengaduan belum lengkap",
    )
    # a recommendation without deadline: refused, what was typed kept
    bad = client.post(_url("visit_add"), {**data, "deadline": ""})
    assert bad.status_code == 200
    assert "Rekomendasi memerlukan batas waktu." in bad.content.decode()
    assert "Rekap pengaduan belum lengkap" in bad.content.decode()
    # a date of another year: the service refuses, the form says why
    other = client.post(_url("visit_add"), {**data, "date": "2025-04-15", "deadline": "2026-09-30"})
    assert "Tanggal pemantauan harus pada tahun 2026." in other.content.decode()
    assert MonitoringVisit.objects.count() == 1


def test_unit_follows_up_and_tpi_closes_through_the_pages(world, login, recorded, monkeypatch):
    monkeypatch.setattr("programme.views.timezone.localdate", lambda: TODAY)
    _visit_, rec = recorded
    doc = EvidenceDocumentFactory(unit=world.unit_a, title="SOP layanan")
    EvidenceDocumentFactory(unit=world.unit_b, title="Dokumen unit lain")
    team = login(world.team_a)
    form_page = team.get(_url("follow_up_add", rec.pk)).content.decode()
    assert "SOP layanan" in form_page and "Dokumen unit lain" not in form_page
    page = team.get(_url("monitoring")).content.decode()
    assert "overdue-mark" in page  # deadline 31 May passed on 1 August
    assert _url("follow_up_add", rec.pk) in page
    assert "Catat kunjungan" not in page
    response = team.post(_url("follow_up_add", rec.pk), {"text": "SOP dipublikasikan", "documents": [doc.pk]})
    assert response.status_code == 302
    tpi = login(world.tpi_a)
    page = tpi.get(_url("monitoring")).content.decode()
    assert "SOP dipublikasikan" in page and "Catat kunjungan" in page
    assert tpi.post(_url("recommendation_close", rec.pk)).status_code == 302
    rec.refresh_from_db()
    assert rec.status == "closed"
    page = login(world.team_a).get(_url("monitoring"))
    assert page.context["page"].counts == monitoring.MonitoringCounts(
        visits=1, recommendations=1, closed=1, open=0, overdue=0
    )
    assert "overdue-mark" not in page.content.decode()


def test_links_from_the_plan_and_the_unit_page(world, login):
    client = login(world.team_a)
    assert _url("monitoring") in client.get(_url("plan")).content.decode()
    unit_page = client.get(reverse("units:unit_detail", args=["UNIT-A"])).content.decode()
    assert reverse("programme:monitoring", args=["UNIT-A", dt.date.today().year]) in unit_page


@pytest.mark.parametrize("count", [1, 6])
def test_page_queries_do_not_grow(world, login, count, django_assert_max_num_queries):
    for n in range(count):
        visit = _visit(world, date=dt.date(2026, 4, 1 + n))
        rec = _recommendation(world, visit, text=f"Rekomendasi {n}")
        doc = EvidenceDocumentFactory(unit=world.unit_a)
        services_monitoring.follow_up_record(actor=world.team_a, recommendation=rec, text="ok", documents=[doc])
    client = login(world.leadership)
    with django_assert_max_num_queries(16):
        response = client.get(_url("monitoring"))
    assert len(response.context["page"].visits) == count


# --- API and the selector --------------------------------------------------------------------------


def test_api_monitoring_list(world, login, recorded):
    visit, rec = recorded
    second = _visit(world, date=dt.date(2026, 7, 20))
    _recommendation(world, second, deadline=dt.date(2026, 9, 30))
    _recommendation(world, second, deadline=dt.date(2026, 9, 30), text="Kedua")
    services_monitoring.recommendation_close(actor=world.tpi_a, recommendation=rec)
    url = reverse("programme:api_programme", args=["UNIT-A", YEAR])
    data = json.loads(login(world.leadership).get(url).content)
    assert data["monitoring"] == [
        {"date": "2026-04-15", "findings": 1, "open_recommendations": 0},
        {"date": "2026-07-20", "findings": 2, "open_recommendations": 2},
    ]
    pemantauan = next(s for s in data["stages"] if s["code"] == "pemantauan")
    assert pemantauan == {"code": "pemantauan", "label": "Pemantauan", "done": True, "date": "2026-07-20"}


@pytest.mark.parametrize("extra", [0, 5])
def test_counts_selector(world, extra, django_assert_max_num_queries):
    units = [world.unit_a, world.unit_b]
    for n in range(extra):
        unit = WorkUnitFactory(instansi=world.instansi, code=f"UNIT-X{n}")
        MembershipFactory(unit=unit)
        tpi = TpiAssignmentFactory(unit=unit, user=UserFactory()).user
        services_monitoring.visit_record(actor=tpi, unit=unit, year=YEAR, date=dt.date(2026, 2, 1), method="daring")
        units.append(unit)
    visit = _visit(world)
    rec = _recommendation(world, visit)  # deadline 31 May: overdue on 1 August
    _recommendation(world, visit, deadline=dt.date(2026, 12, 1))
    closed = _recommendation(world, visit)
    services_monitoring.recommendation_close(actor=world.tpi_a, recommendation=closed)
    with django_assert_max_num_queries(2):
        counts = selectors.monitoring_counts_of(units, YEAR, today=TODAY)
    assert counts[world.unit_a.pk] == monitoring.MonitoringCounts(
        visits=1, recommendations=3, closed=1, open=2, overdue=1
    )
    assert counts[world.unit_b.pk] == monitoring.MonitoringCounts()
    assert len(counts) == 2 + extra
    assert all(counts[u.pk].visits == 1 for u in units[2:])
    assert rec.status == "open"
    assert selectors.change_agent_activity_of(world.unit_a, YEAR, 2) == []


def test_demo_monitoring_once(db):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    for code in ("RSUD", "DISDUKCAPIL"):
        visits = MonitoringVisit.objects.filter(unit__code=code, year=YEAR).order_by("date")
        assert [(v.date, v.created_by.username) for v in visits] == [
            (dt.date(2026, 4, 15), "tpi.anggota"),
            (dt.date(2026, 7, 20), "tpi.anggota"),
        ]
        statuses = list(
            Recommendation.objects.filter(visit__unit__code=code).order_by("deadline").values_list("status", flat=True)
        )
        assert statuses == ["closed", "open"]
        assert FollowUp.objects.filter(recommendation__visit__unit__code=code).count() == 1


def test_follow_up_uploads_a_new_file_the_tpi_then_downloads(world, login, recorded, settings, tmp_path):
    """The follow-up form takes a new file: stored in the unit's evidence (SHA-256 of the bytes),
    linked to the follow-up, downloadable by the assigned TPI; a refused file keeps the form and
    writes nothing."""
    settings.MEDIA_ROOT = tmp_path
    _visit_, rec = recorded
    content = pdf_bytes("notulen tindak lanjut")
    team = login(world.team_a)
    refused = team.post(
        _url("follow_up_add", rec.pk), {"text": "Notulen terlampir", "file": upload("x.pdf", HTML_AS_PDF)}
    )
    assert refused.status_code == 200 and "Notulen terlampir" in refused.content.decode()
    assert not FollowUp.objects.exists() and Recommendation.objects.get(pk=rec.pk).status == "open"
    response = team.post(
        _url("follow_up_add", rec.pk), {"text": "Notulen terlampir", "file": upload("notulen.pdf", content)}
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    version = EvidenceVersion.objects.get(document__in=follow_up.evidence.all())
    assert version.sha256 == hashlib.sha256(content).hexdigest() and version.document.unit == world.unit_a
    download = login(world.tpi_a).get(reverse("evidence:download", args=[version.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
