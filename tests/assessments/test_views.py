"""Assessment pages: permission matrix, htmx saves that re-score in place, query-count bounds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import services
from assessments.models import Answer, Assessment, InstrumentItem
from zi_portal.common.minipdf import simple_pdf

pytestmark = pytest.mark.django_db

PERSONAS = ["team_a", "leader_a", "tpi_a", "leadership", "admin", "team_b", "tpi_lead", "tpi_unassigned"]
SEES = {"team_a", "leader_a", "tpi_a", "leadership", "admin"}


def get_urls(a):
    return [
        reverse("assessments:assessment_detail", args=[a.pk]),
        reverse("assessments:assessment_worksheet", args=[a.pk]),
        reverse("assessments:assessment_worksheet", args=[a.pk]) + "?area=P.1",
        reverse("assessments:assessment_audit", args=[a.pk]),
        reverse("assessments:assessment_audit_csv", args=[a.pk]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_for_pages(lke, login, persona):
    client = login(getattr(lke, persona))
    for url in get_urls(lke.assessment):
        expected = 200 if persona in SEES else 404
        assert client.get(url).status_code == expected, (persona, url)
    for url in [
        reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.i.a"]),
        reverse("assessments:item_comment", args=[lke.assessment.pk, "P.1.i.a"]),
        reverse("assessments:assessment_transition", args=[lke.assessment.pk, "submit"]),
        reverse("assessments:assessment_revision", args=[lke.assessment.pk]),
    ]:
        status = client.post(url, {"answer": "Ya", "body": "x"}).status_code
        if persona in SEES:
            assert status != 404, (persona, url)
        else:
            assert status == 404, (persona, url)


def test_anonymous_is_sent_to_login(lke, client):
    for url in get_urls(lke.assessment):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_unknown_item_code_is_404(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.9.z"])
    assert client.post(url, {"answer": "Ya"}).status_code == 404


def test_htmx_save_rescores_in_place(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.ii.b"])
    response = client.post(url, {"answer": "B", "note": "rencana aksi", "version": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="item-P-1-ii-b"' in page and "Tersimpan." in page
    assert 'id="score-bar"' in page and 'hx-swap-oob="true"' in page
    # P.1.ii = 1.0 x mean(0, 0.5, 0) = 0.1667 -> total 0,17
    assert '<strong class="fs-5" id="unit-total">0,17</strong>' in page
    assert Answer.objects.get(item__code="P.1.ii.b").unit_answer == "B"


def test_bad_answer_keeps_what_was_typed(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "R.4.i.a"])
    response = client.post(
        url,
        {
            "count-jumlah_sasaran_kinerja": "12",
            "count-jumlah_sasaran_tercapai_100": "-3",
            "note": "LAKIN",
            "version": "0",
        },
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hitungan tidak boleh negatif." in page
    assert 'value="12"' in page and 'value="-3"' in page and "LAKIN" in page
    assert not Answer.objects.exists()


def test_stale_form_shows_the_newer_answer(lke, login):
    item = InstrumentItem.objects.get(instrument=lke.instrument, code="P.1.i.a")
    services.answer_save(actor=lke.leader_a, assessment=lke.assessment, item=item, raw_answer="Tidak",
                         note="", expected_version=0)
    client = login(lke.team_a)
    response = client.post(reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.i.a"]),
                           {"answer": "Ya", "version": "0"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "sudah diubah orang lain" in page
    assert Answer.objects.get(item=item).unit_answer == "Tidak"


def test_transition_by_wrong_role_gives_a_message_not_a_500(lke, login):
    client = login(lke.team_a)
    submit = reverse("assessments:assessment_transition", args=[lke.assessment.pk, "submit"])
    response = client.post(submit, follow=True)
    assert response.status_code == 200
    assert "hanya dapat dilakukan oleh pimpinan unit" in response.content.decode()
    lke.assessment.refresh_from_db()
    assert lke.assessment.state == "draft"


def test_audit_csv_lists_changes(lke, login):
    item = InstrumentItem.objects.get(instrument=lke.instrument, code="P.1.i.a")
    services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=item, raw_answer="Ya", note="",
                         expected_version=None)
    response = login(lke.admin).get(reverse("assessments:assessment_audit_csv", args=[lke.assessment.pk]))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Disposition"].startswith("attachment;")
    assert body.splitlines()[0] == "waktu,pengguna,tindakan,butir,kolom,sebelum,sesudah"
    assert 'tim.a,answer.unit,P.1.i.a,unit_answer,null,"""Ya"""' in body


def _answer_all(lke, count):
    engine = lke.instrument.engine()
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=lke.instrument)}
    for engine_item in list(engine.items)[:count]:
        if engine_item.scale.kind == "option":
            raw = engine_item.scale.ascending[-1]
        elif engine_item.scale.kind == "percentage":
            raw = {name: 1 for name in engine_item.inputs}
        else:
            raw = "3.50"
        services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=items[engine_item.code],
                             raw_answer=raw, note="catatan", expected_version=None)
        services.comment_add(actor=lke.tpi_a, assessment=lke.assessment, item=items[engine_item.code], body="ok")


@pytest.mark.parametrize("answered", [2, 113])
def test_worksheet_query_count_does_not_grow(lke, login, django_assert_max_num_queries, answered):
    _answer_all(lke, answered)
    client = login(lke.team_a)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 lke-item') == 113


@pytest.mark.parametrize("answered", [2, 113])
def test_answer_save_query_count_does_not_grow(lke, login, django_assert_max_num_queries, answered):
    """The busiest write: its response re-renders one item (its row and comments only) and the score
    bar, whatever the number of answers, comments and items of the assessment."""
    _answer_all(lke, answered)
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.i.a"])
    # 25: the item's thread reads the review rounds (one query while there are none)
    with django_assert_max_num_queries(25):
        response = client.post(url, {"answer": "Tidak", "note": "diubah"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="card mb-3 lke-item') == 1 and "diubah" in page
    assert Answer.objects.get(assessment=lke.assessment, item__code="P.1.i.a").unit_answer == "Tidak"


@pytest.mark.parametrize("extra", [0, 1])
def test_list_and_detail_query_counts(lke, login, django_assert_max_num_queries, extra):
    if extra:
        _answer_all(lke, 30)
    client = login(lke.leadership)
    # the page's COUNT and the year filter's options included, and the instrument's (deferred)
    # definition when this process has not parsed it yet
    with django_assert_max_num_queries(17):
        assert client.get(reverse("assessments:assessment_list")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("assessments:assessment_detail", args=[lke.assessment.pk])).status_code == 200


def test_bulk_create_page_for_administrator(lke, login):
    client = login(lke.admin)
    page = client.get(reverse("assessments:assessment_create")).content.decode()
    assert "Dinas Alfa" in page and "Dinas Beta" in page
    response = client.post(
        reverse("assessments:assessment_create"),
        {"year": 2027, "target": "WBK", "instrument": lke.instrument.pk, "units": [lke.unit_a.pk, lke.unit_b.pk],
         "carry_forward": "on"},
    )
    assert response.status_code == 302

    assert Assessment.objects.filter(period__year=2027).count() == 2
    client = login(lke.team_a)
    assert client.get(reverse("assessments:assessment_create")).status_code == 403
    response = client.post(
        reverse("assessments:assessment_create"),
        {"year": 2028, "target": "WBK", "instrument": lke.instrument.pk, "units": [lke.unit_a.pk]},
    )
    assert response.status_code == 403
    assert "Hanya administrator atau ketua TPI" in response.content.decode()
    assert not Assessment.objects.filter(period__year=2028).exists()
    # the TPI lead of a unit may organise its period too
    assert login(lke.tpi_lead_a).get(reverse("assessments:assessment_create")).status_code == 200


def test_notifications_page_lists_and_marks_read(lke, login):
    item = InstrumentItem.objects.get(instrument=lke.instrument, code="P.1.i.a")
    services.comment_add(actor=lke.tpi_a, assessment=lke.assessment, item=item, body="Mohon SK")
    client = login(lke.team_a)
    page = client.get(reverse("assessments:notification_list")).content.decode()
    assert "Komentar baru pada butir P.1.i.a" in page and 'id="unread-count">1<' in page
    client.post(reverse("assessments:notification_read"))
    assert 'id="unread-count"' not in client.get(reverse("assessments:notification_list")).content.decode()


def test_detail_shows_unit_and_tpi_side_by_side_at_every_level(lke, login):
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=lke.instrument)}
    for code, raw in (("P.1.ii.a", "Ya"), ("P.1.ii.b", "C"), ("P.1.ii.c", "A")):
        services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=items[code], raw_answer=raw,
                             note="", expected_version=None)
    detail = reverse("assessments:assessment_detail", args=[lke.assessment.pk])
    page = login(lke.leadership).get(detail).content.decode()
    # P.1.ii = 1.00 x mean(1, 0, 1): 0,67 of 1,00 (66,67%) on the unit side, nothing yet from the TPI
    assert "<td>P.1.ii</td><td>Rencana Pembangunan Zona Integritas</td><td class=\"text-end\">1,00</td>" \
           "<td class=\"text-end\">0,67</td><td class=\"text-end\">66,67</td>" \
           "<td class=\"text-end\">0,00</td>" in page
    assert "Belum direkomendasikan" in page


def test_score_bar_refreshes_after_evidence_changes(lke, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(lke.team_a)
    upload = SimpleUploadedFile("sk.pdf", simple_pdf("SK", ["isi"]), content_type="application/pdf")
    response = client.post(reverse("evidence:upload", args=[lke.assessment.pk, "P.1.i.a"]), {"files": upload},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "evidenceChanged"
    score_bar = reverse("assessments:assessment_score_bar", args=[lke.assessment.pk])
    bar = client.get(score_bar).content.decode()
    assert "berbukti 1/113" in bar and 'hx-trigger="evidenceChanged from:body"' in bar
    assert login(lke.team_b).get(score_bar).status_code == 404
