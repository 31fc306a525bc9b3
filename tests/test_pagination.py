"""Every list a page at a time (``?halaman=``): the pager, the filters it keeps, the errors it
answers, and a number of queries that does not grow with the rows (3 and 30, the same bound)."""

import re

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.urls import reverse

from assessments import services
from assessments import views as assessment_views
from assessments.models import AssessmentFigures, AuditEvent
from assessments.pages import dashboard
from assessments.services.figures import figures_refresh
from tests.factories import AuditEventFactory, NotificationFactory, WorkUnitFactory
from units import views as unit_views
from zi_portal.common.pagination import BadParameter, page_number, page_query, page_range, paginate

SIZES = [3, 30]


# --- the helper, without a database ---------------------------------------------------------------


@pytest.mark.parametrize("raw, number", [(None, 1), ("", 1), ("1", 1), ("7", 7), ("0012", 12)])
def test_page_number_of_a_plain_number(raw, number):
    assert page_number(raw) == number


@pytest.mark.parametrize("raw, status", [("²", 400), ("abc", 400), ("-1", 400), (" 2", 400), ("1.5", 400),
                                         ("١", 400), ("9" * 25, 400), ("0", 404)])
def test_page_number_refuses_with_a_status_and_a_reason(raw, status):
    with pytest.raises(BadParameter) as caught:
        page_number(raw)
    assert caught.value.status == status
    expected = ("Halaman 0 tidak ada; halaman pertama adalah 1." if status == 404
                else "Parameter 'halaman' harus nomor halaman (1, 2, 3, …).")
    assert caught.value.message == expected


def test_paginate_a_page_past_the_last_is_not_found_and_an_empty_list_has_one_page():
    assert list(paginate(list(range(25)), "3", per_page=10).object_list) == [20, 21, 22, 23, 24]
    with pytest.raises(BadParameter) as caught:
        paginate(list(range(25)), "4", per_page=10)
    assert (caught.value.status, caught.value.message) == (404, "Halaman 4 tidak ada: daftar ini hanya 3 halaman.")
    empty = paginate([], None, per_page=10)
    assert (empty.number, list(empty.object_list), empty.paginator.num_pages) == (1, [], 1)


def test_page_query_keeps_the_filters_and_replaces_the_page():
    query = QueryDict("tahun=2026&status=draft&halaman=3")
    assert page_query(query, 4) == "?tahun=2026&status=draft&halaman=4"
    assert page_query(QueryDict(""), 2) == "?halaman=2"
    assert page_query(QueryDict("q=a b&"), 2) == "?q=a+b&halaman=2"


def test_page_range_is_bounded_with_gaps():
    pages = Paginator(range(1000), 10)
    assert page_range(pages.page(1)) == [1, 2, 3, None, 100]
    assert page_range(pages.page(50)) == [1, None, 48, 49, 50, 51, 52, None, 100]
    assert page_range(pages.page(100)) == [1, None, 98, 99, 100]
    assert page_range(Paginator(range(30), 10).page(2)) == [1, 2, 3]


# --- the pages ------------------------------------------------------------------------------------


def _units(lke, n, prefix="PG"):
    units = [WorkUnitFactory(instansi=lke.instansi, code=f"{prefix}-{i:02d}", name=f"Unit Daftar {i:02d}")
             for i in range(n)]
    services.assessments_create_bulk(actor=None, period=lke.period, units=units, target="WBK",
                                     instrument=lke.instrument)
    return units


def _rows(page: str) -> int:
    return page.split('id="assessment-table"')[1].split("</table>")[0].count('<td><a href="/penilaian/')


def _pager(page: str) -> str:
    return page.split('class="d-flex flex-wrap align-items-center gap-2 my-2 pager"')[1].split("</nav>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", SIZES)
def test_assessment_list_a_page_at_a_time(lke, login, django_assert_max_num_queries, monkeypatch, extra):
    monkeypatch.setattr(assessment_views, "ASSESSMENTS_PER_PAGE", 20)
    _units(lke, extra)
    client = login(lke.leadership)
    with django_assert_max_num_queries(17):  # cold figures of the page's rows
        response = client.get(reverse("assessments:assessment_list"), {"tahun": 2026})
    page = response.content.decode()
    total = 2 + extra
    assert _rows(page) == min(total, 20)
    # only the rows shown were scored and cached, never the whole list
    assert AssessmentFigures.objects.count() == min(total, 20)
    with django_assert_max_num_queries(12):  # warm
        client.get(reverse("assessments:assessment_list"), {"tahun": 2026})
    if total > 20:
        pager = _pager(page)
        assert "Halaman 1 dari 2" in pager
        assert 'href="?tahun=2026&amp;halaman=2">Berikutnya</a>' in pager
        second = client.get(reverse("assessments:assessment_list"), {"tahun": 2026, "halaman": 2}).content.decode()
        assert "Halaman 2 dari 2" in second
        assert _rows(second) == total - 20
    else:
        assert "pager" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("extra", SIZES)
def test_unit_list_a_page_at_a_time(lke, login, django_assert_max_num_queries, monkeypatch, extra):
    monkeypatch.setattr(unit_views, "UNITS_PER_PAGE", 20)
    for i in range(extra):
        WorkUnitFactory(instansi=lke.instansi, code=f"EXTRA-{i:02d}", name=f"Unit Tambahan {i:02d}")
    client = login(lke.leadership)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("units:unit_list"), {"q": "Tambahan"}).content.decode()
    assert page.count('href="/units/EXTRA-') == min(extra, 20)
    if extra > 20:
        assert 'href="?q=Tambahan&amp;halaman=2">Berikutnya</a>' in _pager(page)
        second = client.get(reverse("units:unit_list"), {"q": "Tambahan", "halaman": 2}).content.decode()
        assert second.count('href="/units/EXTRA-') == extra - 20
        assert "Unit Tambahan 29" in second and "Unit Tambahan 00" not in second


@pytest.mark.django_db
@pytest.mark.parametrize("extra", SIZES)
def test_dashboard_computes_only_the_page_and_counts_the_rest_as_updating(
        lke, login, django_assert_max_num_queries, extra):
    _units(lke, extra)
    client = login(lke.leadership)
    # +13 for the programme's cells (stage facts 8, plan progress 2, monitoring 2) and predicates held (1)
    with django_assert_max_num_queries(34):  # cold: the page's own figures are computed
        page = client.get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    total = 2 + extra
    shown = min(total, dashboard.PAGE_SIZE)
    assert page.count("data-unit=") == shown
    assert AssessmentFigures.objects.count() == shown  # the other pages' figures were not computed
    assert f'data-kpi="count">{total}<' in page
    stale = total - shown
    if stale:
        assert f"{stale} angka sedang diperbarui" in page
        assert "Halaman 1 dari 2" in _pager(page)
    else:
        assert "angka sedang diperbarui" not in page
    with django_assert_max_num_queries(30):  # warm
        client.get(reverse("assessments:dashboard"), {"tahun": 2026})


@pytest.mark.django_db
def test_dashboard_overview_reads_every_fresh_figure_of_the_cache(lke, login):
    """With the cache warm (as the warm-up task leaves it) the overview covers every unit, the
    pages not shown included: counts and average from SQL, equal to the cached rows."""
    _units(lke, 25)
    figures_refresh()
    rows = AssessmentFigures.objects.all()
    assert rows.count() == 27
    client = login(lke.leadership)
    page = client.get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    assert "angka sedang diperbarui" not in page
    average = sum(r.unit_total for r in rows) / 27
    assert re.search(r'data-kpi="average">([^<]*)<', page).group(1) == f"{average:.2f}".replace(".", ",")
    assert 'data-kpi="count">27<' in page


@pytest.mark.django_db
@pytest.mark.parametrize("extra", SIZES)
def test_notifications_a_page_at_a_time(lke, login, django_assert_max_num_queries, monkeypatch, extra):
    monkeypatch.setattr(assessment_views, "NOTIFICATIONS_PER_PAGE", 20)
    for _ in range(extra):
        NotificationFactory(user=lke.team_a)
    NotificationFactory(user=lke.team_b, message="Bukan untuk Anda")
    client = login(lke.team_a)
    with django_assert_max_num_queries(5):
        page = client.get(reverse("assessments:notification_list")).content.decode()
    assert page.count("Komentar baru") == min(extra, 20)
    assert "Bukan untuk Anda" not in page
    if extra > 20:
        second = client.get(reverse("assessments:notification_list"), {"halaman": 2}).content.decode()
        assert second.count("Komentar baru") == extra - 20
        assert "Halaman 2 dari 2" in second


@pytest.mark.django_db
@pytest.mark.parametrize("extra", SIZES)
def test_audit_page_a_page_at_a_time(lke, login, django_assert_max_num_queries, monkeypatch, extra):
    monkeypatch.setattr(assessment_views, "AUDIT_EVENTS_PER_PAGE", 20)
    AuditEvent.objects.filter(assessment=lke.assessment).delete()
    for _ in range(extra):
        AuditEventFactory(assessment=lke.assessment, actor=lke.team_a)
    client = login(lke.leadership)
    url = reverse("assessments:assessment_audit", args=[lke.assessment.pk])
    code = AuditEvent.objects.filter(assessment=lke.assessment).first().item_code
    with django_assert_max_num_queries(6):
        page = client.get(url, {"butir": code}).content.decode()
    assert page.count('<tr data-action="answer.unit">') == min(extra, 20)
    if extra > 20:
        assert f'href="?butir={code}&amp;halaman=2">Berikutnya</a>' in _pager(page)
        second = client.get(url, {"butir": code, "halaman": 2}).content.decode()
        assert second.count('<tr data-action="answer.unit">') == extra - 20


@pytest.mark.django_db
@pytest.mark.parametrize("extra", SIZES)
def test_home_shows_a_bounded_number_of_unit_cards(lke, login, django_assert_max_num_queries, extra):
    for i in range(extra):
        WorkUnitFactory(instansi=lke.instansi, code=f"EXTRA-{i:02d}", name=f"Unit Tambahan {i:02d}")
    client = login(lke.leadership)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("units:home")).content.decode()
    shown = min(2 + extra, unit_views.HOME_UNITS)
    assert page.count('class="card card-unit') == shown
    assert ('id="all-units" href="/units/"' in page) == (2 + extra > unit_views.HOME_UNITS)
