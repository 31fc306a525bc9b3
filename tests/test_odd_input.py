"""Odd input in a URL never answers 500: superscript digits ("²" passes ``str.isdigit()`` but not
``int()``), NUL bytes (PostgreSQL refuses them in a string), numbers too large for a column.

Each URL answers a definite status and, for the API, a JSON body. The issue was found on
PostgreSQL, so these also run there (``DATABASE_URL=postgres://…``)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Report
from tests.factories import UnitFactFactory

pytestmark = pytest.mark.django_db

SUPERSCRIPT = "%C2%B2"  # "²"
TOO_BIG = "99999999999999999999999"


def _urls(lke) -> dict[str, str]:
    a = lke.assessment.pk
    return {"a": str(a), "code": lke.unit_a.code}


# (url template, expected status for a user who may see everything on it)
SUPERSCRIPT_URLS = [
    ("/penilaian/?tahun=" + SUPERSCRIPT, 400),
    ("/dasbor/?tahun=" + SUPERSCRIPT, 400),
    ("/dasbor/?tahun=2026&halaman=" + SUPERSCRIPT, 400),
    ("/penilaian/?halaman=" + SUPERSCRIPT, 400),
    ("/penilaian/?halaman=" + TOO_BIG, 400),
    ("/penilaian/?halaman=0", 404),
    ("/penilaian/?halaman=99", 404),
    ("/dasbor/?halaman=99", 404),
    ("/notifikasi/?halaman=abc", 400),
    ("/units/?halaman=-1", 400),
    ("/penilaian/{a}/audit/?halaman=" + SUPERSCRIPT, 400),
    ("/laporan/rekap/?period=" + SUPERSCRIPT, 200),
    ("/laporan/rekap.xlsx?period=" + SUPERSCRIPT, 400),
    ("/api/v1/assessments/?period=" + SUPERSCRIPT, 400),
    ("/units/{code}/data/?year=" + SUPERSCRIPT, 302),
    ("/penilaian/?tahun=" + TOO_BIG, 400),
    ("/dasbor/?tahun=" + TOO_BIG, 400),
    ("/penilaian/?tahun=abc", 400),
    ("/dasbor/?tahun=abc", 400),
    ("/penilaian/?tahun=99999999999", 400),
    ("/dasbor/?tahun=99999999999", 400),
    ("/laporan/rekap/?period=" + TOO_BIG, 200),
    ("/laporan/rekap.xlsx?period=" + TOO_BIG, 400),
    ("/api/v1/assessments/?period=" + TOO_BIG, 400),
    ("/units/{code}/data/?year=" + TOO_BIG, 302),
    ("/penilaian/" + TOO_BIG + "/", 404),
    ("/api/v1/assessments/" + TOO_BIG + "/", 404),
    ("/units/{code}/data/" + TOO_BIG + "/", 404),
]

NUL_URLS = [
    "/penilaian/?tahun=%00",
    "/penilaian/?status=%00",
    "/penilaian/?%00=1",
    "/dasbor/?tahun=2026&status=%00&target=%00",
    "/laporan/rekap/?period=%00",
    "/laporan/rekap.xlsx?period=%00",
    "/api/v1/assessments/?period=%00",
    "/units/?q=%00",
    "/units/%00/",
    "/units/{code}%00/data/2026/",
    "/units/{code}/data/?year=%00",
    "/penilaian/{a}/lke/?area=%00",
    "/penilaian/{a}/audit/?butir=%00",
    "/penilaian/{a}/butir/P.1.i.a%00/bukti/",
    "/penilaian/{a}/butir/%00/bukti/riwayat/",
]


@pytest.mark.parametrize("template, status", SUPERSCRIPT_URLS, ids=[u for u, _ in SUPERSCRIPT_URLS])
def test_malformed_numbers_never_answer_500(lke, login, template, status):
    client = login(lke.admin)
    response = client.get(template.format(**_urls(lke)))
    assert response.status_code == status
    if template.startswith("/api/"):
        assert response["Content-Type"] == "application/json"
        if status == 400:
            assert json.loads(response.content) == {"detail": "Parameter 'period' harus tahun, mis. 2026."}
    if template.startswith("/laporan/rekap.xlsx"):
        assert response.content.decode() == "Parameter 'period' harus tahun, mis. 2026."


@pytest.mark.parametrize("template", NUL_URLS, ids=NUL_URLS)
def test_nul_in_a_path_or_query_string_is_refused_before_any_view(lke, login, template):
    client = login(lke.admin)
    response = client.get(template.format(**_urls(lke)))
    assert response.status_code == 400
    if template.startswith("/api/"):
        assert json.loads(response.content) == {
            "detail": "Alamat atau parameter permintaan memuat karakter NUL (kode 0) dan ditolak."}
    else:
        assert "karakter NUL" in response.content.decode()


def test_nul_in_a_posted_path_is_refused_too(lke, login):
    client = login(lke.team_a)
    url = f"/penilaian/{lke.assessment.pk}/butir/P.1.i.a%00/simpan/"
    assert client.post(url, {"answer": "Ya"}).status_code == 400


def test_nul_is_refused_for_anonymous_requests_and_the_api_with_a_token(lke, client):
    assert client.get("/accounts/login/?next=/%00").status_code == 400
    response = client.get("/api/v1/assessments/?period=%00")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["/penilaian/", "/dasbor/"])
def test_a_malformed_year_on_a_list_is_refused_with_the_reason(lke, login, path):
    """Regression: ``?tahun=²`` answered 500 on these pages, later 200 with every year silently
    shown; now a 400 that says why, with a link back to the list without parameters."""
    client = login(lke.admin)
    for raw in (SUPERSCRIPT, "abc", "99999999999"):
        response = client.get(f"{path}?tahun={raw}")
        assert response.status_code == 400
        page = response.content.decode()
        assert '<p class="alert alert-warning" id="bad-parameter">Parameter &#x27;tahun&#x27; harus tahun, ' \
               'mis. 2026.</p>' in page
        assert f'<a href="{path}" class="btn btn-primary">Kembali ke daftar</a>' in page
        assert f'href="/penilaian/{lke.assessment.pk}/"' not in page


def test_a_page_past_the_last_is_not_found_with_the_reason(lke, login):
    client = login(lke.admin)
    response = client.get("/penilaian/?tahun=2026&halaman=7")
    assert response.status_code == 404
    assert "Halaman 7 tidak ada: daftar ini hanya 1 halaman." in response.content.decode()
    response = client.get("/penilaian/?halaman=abc")
    assert response.status_code == 400
    assert "Parameter &#x27;halaman&#x27; harus nomor halaman (1, 2, 3, …)." in response.content.decode()


def test_the_recap_page_falls_back_to_the_latest_year_with_a_warning(lke, login):
    client = login(lke.admin)
    page = client.get("/laporan/rekap/?period=" + SUPERSCRIPT).content.decode()
    assert "Ditampilkan tahun terakhir." in page
    assert '<input type="hidden" name="period" value="2026">' in page


def test_the_unit_data_page_falls_back_to_the_current_year(lke, login):
    client = login(lke.admin)
    response = client.get(f"/units/{lke.unit_a.code}/data/?year={SUPERSCRIPT}")
    assert response["Location"] == f"/units/{lke.unit_a.code}/data/{timezone.localdate().year}/"
    UnitFactFactory(unit=lke.unit_a, year=2025)
    response = client.get(f"/units/{lke.unit_a.code}/data/?year=2025")
    assert response["Location"] == f"/units/{lke.unit_a.code}/data/2025/"


def test_a_recap_request_with_a_malformed_period_is_refused_not_redirected_to_another_year(lke, login):
    client = login(lke.admin)
    response = client.post(reverse("assessments:report_recap"), {"period": "²", "instansi": str(lke.instansi.pk)})
    assert response.status_code == 400
    assert response.content.decode() == "Parameter 'period' harus tahun, mis. 2026."
    assert not Report.objects.exists()


def test_a_malformed_form_version_is_no_version_not_a_500(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.i.a"])
    response = client.post(url, {"answer": "Ya", "version": "²"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert lke.assessment.answers.get(item__code="P.1.i.a").unit_answer == "Ya"


def test_a_login_with_nul_in_the_username_is_a_form_error(world, client):
    response = client.post(reverse("accounts:login"), {"username": "tim.a\x00", "password": "x"})
    assert response.status_code == 200
    assert "Karakter null tidak diizinkan." in response.content.decode()
