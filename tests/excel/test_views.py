"""Excel pages: scoping, the upload -> preview -> confirm flow, the recap, query counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.lke import round2
from assessments.models import Answer, AuditEvent
from assessments.reports import xlsx as layout
from assessments.standing import assessment_scores
from tests.factories import WorkUnitFactory

from .conftest import save_answers
from .helpers import cell, full_answers, load, save

pytestmark = pytest.mark.django_db
# session/user, the assessment, answers, evidence, the review rounds (requests and their items, the
# changes and the comments of the rounds) (export); + facts and history (recap)
EXPORT_QUERIES = 9
RECAP_QUERIES = 7  # with the figures cache warm; computing it costs at most 5 more


def upload(client, assessment, content: bytes, name="lke.xlsx"):
    return client.post(reverse("assessments:assessment_lke_import", args=[assessment.pk]),
                       {"berkas": SimpleUploadedFile(name, content)})


def test_export_is_scoped(filled, login):
    url = reverse("assessments:assessment_lke_xlsx", args=[filled.assessment.pk])
    for user in (filled.team_b, filled.tpi_unassigned, filled.tpi_lead):
        assert login(user).get(url).status_code == 404
    for user in (filled.team_a, filled.leader_a, filled.tpi_a, filled.leadership, filled.admin):
        response = login(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"] and response["X-Content-Type-Options"] == "nosniff"
    wb = load(response.content)
    assert cell(wb[layout.SHEET_LKE], "P.1.i.b", "unit_answer").value == "B"  # full_answers' answer


def test_detail_page_links_export_and_import(filled, login):
    detail = reverse("assessments:assessment_detail", args=[filled.assessment.pk])
    page = login(filled.team_a).get(detail).content.decode()
    assert reverse("assessments:assessment_lke_xlsx", args=[filled.assessment.pk]) in page
    assert reverse("assessments:assessment_lke_import", args=[filled.assessment.pk]) in page
    assert "Impor Excel" in page
    page = login(filled.leadership).get(detail).content.decode()
    assert reverse("assessments:assessment_lke_xlsx", args=[filled.assessment.pk]) in page
    # leadership writes no side: the same page only compares
    assert reverse("assessments:assessment_lke_import", args=[filled.assessment.pk]) in page
    assert "Bandingkan Excel" in page


def test_import_page_is_scoped(filled, login):
    url = reverse("assessments:assessment_lke_import", args=[filled.assessment.pk])
    for user in (filled.team_b, filled.tpi_unassigned):
        assert login(user).get(url).status_code == 404
        assert upload(login(user), filled.assessment, b"x").status_code == 404
    response = login(filled.leadership).get(url)  # sees it, writes no side: compares only
    assert response.status_code == 200 and "Hanya tim unit atau TPI" in response.content.decode()
    assert 'id="import-compare-only"' in response.content.decode()
    response = login(filled.tpi_a).get(url)  # Draft: the TPI may not score yet
    assert response.status_code == 200 and "tidak dapat diubah pada status Draf" in response.content.decode()
    response = login(filled.team_a).get(url)
    assert response.status_code == 200 and 'id="import-compare-only"' not in response.content.decode()


def test_compare_only_previews_but_keeps_nothing_and_cannot_apply(filled, login, settings):
    """Leadership (or anyone who may see but not write) compares a workbook: the preview lists the
    changes against the shown side, no file is kept and the confirmation is refused."""
    a = filled.assessment
    client = login(filled.leadership)
    exported = client.get(reverse("assessments:assessment_lke_xlsx", args=[a.pk])).content
    response = upload(client, a, exported)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="import-identical"' in page and "confirm-import" not in page
    wb = load(exported)
    old = Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer
    new = "Tidak" if old == "Ya" else "Ya"
    cell(wb[layout.SHEET_LKE], "P.1.iv.a", "unit_answer").value = new
    response = upload(client, a, save(wb))
    page = response.content.decode()
    assert f"<td>{old}</td><td>{new}</td>" in page and 'id="confirm-import"' not in page
    assert not (Path(settings.MEDIA_ROOT) / "private" / "lke-import").exists()  # a compare keeps no file
    response = client.post(reverse("assessments:assessment_lke_import_confirm", args=[a.pk]),
                           {"token": "x" * 32, "digest": response.context["digest"]})
    assert response.status_code == 403
    assert Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer == old


def test_upload_preview_confirm_applies_the_same_file(filled, login, settings):
    a = filled.assessment
    wb = load(login(filled.team_a).get(reverse("assessments:assessment_lke_xlsx", args=[a.pk])).content)
    old = Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer
    new = "Tidak" if old == "Ya" else "Ya"
    cell(wb[layout.SHEET_LKE], "P.1.iv.a", "unit_answer").value = new
    client = login(filled.team_a)
    response = upload(client, a, save(wb))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="P.1.iv.a"' in page and f"<td>{old}</td><td>{new}</td>" in page
    assert Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer == old  # preview only
    token = response.context["token"]
    kept = list((Path(settings.MEDIA_ROOT) / "private" / "lke-import").iterdir())
    assert {p.name for p in kept} == {f"{token}.xlsx", f"{token}.json"}
    # the token is bound to the user: the unit leader cannot confirm the team member's upload
    other = login(filled.leader_a).post(reverse("assessments:assessment_lke_import_confirm", args=[a.pk]),
                                        {"token": token, "digest": response.context["digest"]})
    assert other.status_code == 302
    assert Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer == old
    client = login(filled.team_a)
    response = client.post(reverse("assessments:assessment_lke_import_confirm", args=[a.pk]),
                           {"token": token, "digest": response.context["digest"]})
    assert response.status_code == 302 and response["Location"] == reverse("assessments:assessment_detail", args=[a.pk])
    assert Answer.objects.get(assessment=a, item__code="P.1.iv.a").unit_answer == new
    assert AuditEvent.objects.filter(assessment=a, item_code="P.1.iv.a", actor=filled.team_a).count() == 1
    assert list((Path(settings.MEDIA_ROOT) / "private" / "lke-import").iterdir()) == []


def test_upload_refusals_show_their_message(filled, login, settings):
    client = login(filled.team_a)
    response = upload(client, filled.assessment, b"kode,jawaban\nP.1.i.a,Ya\n")
    assert response.status_code == 400 and "bukan berkas Excel .xlsx" in response.content.decode()
    settings.LKE_IMPORT_MAX_MB = 0.001
    response = upload(client, filled.assessment, b"PK\x03\x04" + b"\0" * 4096)
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()
    settings.LKE_IMPORT_MAX_MB = 10
    other = login(filled.team_b).get(reverse("assessments:assessment_lke_xlsx", args=[filled.assessment_b.pk])).content
    response = upload(login(filled.team_a), filled.assessment, other)
    assert response.status_code == 400 and "milik unit UNIT-B" in response.content.decode()


def test_a_file_the_upload_handler_refused_is_named_as_too_large(filled, login, settings):
    # The evidence app's size-limit handler refuses the file while the request is parsed; the import
    # page reads the refusal from the request (zi_portal.common.uploads), not from the evidence app.
    settings.EVIDENCE_MAX_UPLOAD_MB = 0.001
    response = upload(login(filled.team_a), filled.assessment, b"PK\x03\x04" + b"\0" * 4096)
    assert response.status_code == 400
    assert response.context["error"] == "Berkas terlalu besar dan ditolak saat diunggah."


def test_recap_lists_exactly_the_visible_units(filled, login):
    url = reverse("assessments:report_recap_xlsx")
    wb = load(login(filled.leadership).get(url, {"period": 2026}).content)
    ws = wb.active
    codes = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=2).value]
    assert codes == ["UNIT-A", "UNIT-B"]
    wb = load(login(filled.team_a).get(url, {"period": 2026}).content)
    ws = wb.active
    codes = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=2).value]
    assert codes == ["UNIT-A"]

    assert ws["E4"].value == float(round2(assessment_scores(filled.assessment)["unit"].total))
    assert login(filled.team_a).get(url, {"period": "x"}).status_code == 400
    wb = load(login(filled.tpi_unassigned).get(url, {"period": 2026}).content)
    assert wb.active.max_row == 3  # the header only


@pytest.mark.parametrize("extra", [0, 5])
def test_recap_query_count_does_not_grow(lke, login, django_assert_max_num_queries, extra):
    for i in range(extra):
        unit = WorkUnitFactory(instansi=lke.instansi, code=f"REKAP-{i}")
        services.assessments_create_bulk(actor=None, period=lke.period, units=[unit], target="WBK",
                                         instrument=lke.instrument)
    client = login(lke.leadership)
    with django_assert_max_num_queries(RECAP_QUERIES + 5):  # cold: the figures are computed and cached
        response = client.get(reverse("assessments:report_recap_xlsx"), {"period": 2026})
    # the header (3 rows), UNIT-A, UNIT-B and the extra units, a blank row and the area note
    assert load(response.content).active.max_row == 3 + 2 + extra + 2
    with django_assert_max_num_queries(RECAP_QUERIES):
        response = client.get(reverse("assessments:report_recap_xlsx"), {"period": 2026})
    assert load(response.content).active.max_row == 3 + 2 + extra + 2


@pytest.mark.parametrize("answered", ["none", "all"])
def test_export_query_count_does_not_grow(lke, filled_or_empty, login, django_assert_max_num_queries, answered):
    a = filled_or_empty(answered)
    client = login(lke.team_a)
    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("assessments:assessment_lke_xlsx", args=[a.pk]))
    assert response.status_code == 200


@pytest.fixture
def filled_or_empty(lke, settings, tmp_path):
    def make(answered: str):
        if answered == "all":
            save_answers(lke.assessment, full_answers(lke.assessment.instrument.engine()), "unit")
        return lke.assessment

    return make
