"""Notes, comments and revision notes are bounded (TEXT_MAX_CHARS) and refuse NUL, in the
service and the model; the worksheet and the revision form say why and keep what was typed."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.lke import workflow
from assessments.models import Answer, AuditEvent, Comment, InstrumentItem, RevisionRequest
from zi_portal.common.text import TEXT_MAX_CHARS

pytestmark = pytest.mark.django_db

TOO_LONG = "Teks terlalu panjang: 5001 karakter, paling banyak 5000 karakter."
HAS_NUL = "Teks memuat karakter NUL (kode 0) yang tidak diizinkan"
LIMIT = "a" * TEXT_MAX_CHARS
OVER = "b" * (TEXT_MAX_CHARS + 1)


def item(w, code):
    return InstrumentItem.objects.get(instrument=w.instrument, code=code)


def save(w, actor, code, note):
    return services.answer_save(actor=actor, assessment=w.assessment, item=item(w, code), raw_answer="Ya",
                                note=note, expected_version=None)


def in_review(w):
    w.assessment.state = workflow.IN_REVIEW
    w.assessment.save(update_fields=["state"])


# --- services ----------------------------------------------------------------------------------


def test_a_note_of_the_limit_is_saved_one_more_is_refused_and_nothing_changes(lke):
    assert save(lke, lke.team_a, "P.1.i.a", LIMIT).unit_note == LIMIT
    with pytest.raises(ValidationError) as exc:
        save(lke, lke.team_a, "P.1.i.b", OVER)
    assert TOO_LONG in exc.value.message_dict["note"][0]
    assert not Answer.objects.filter(item__code="P.1.i.b").exists()
    assert not AuditEvent.objects.filter(item_code="P.1.i.b").exists()


def test_a_note_with_nul_is_refused(lke):
    with pytest.raises(ValidationError) as exc:
        save(lke, lke.team_a, "P.1.i.a", "SK\x00tim")
    assert HAS_NUL in exc.value.messages[0]
    assert not Answer.objects.exists()


def test_comments_are_bounded_and_refuse_nul(lke):
    code = item(lke, "P.1.i.a")
    assert services.comment_add(actor=lke.team_a, assessment=lke.assessment, item=code, body=LIMIT).body == LIMIT
    for body, message in ((OVER, TOO_LONG), ("ada\x00nul", HAS_NUL)):
        with pytest.raises(ValidationError) as exc:
            services.comment_add(actor=lke.team_a, assessment=lke.assessment, item=code, body=body)
        assert message in exc.value.message_dict["body"][0]
    assert Comment.objects.count() == 1


def test_revision_notes_are_bounded_and_name_the_item(lke):
    in_review(lke)
    with pytest.raises(ValidationError) as exc:
        services.revision_request(actor=lke.tpi_a, assessment=lke.assessment,
                                  items=[(item(lke, "P.1.i.a"), "lengkapi SK"), (item(lke, "B.I.b"), OVER)])
    assert exc.value.message_dict == {"note-B.I.b": [f"Butir B.I.b: {TOO_LONG} "
                                                     "Persingkat teks atau lampirkan sebagai data dukung."]}
    with pytest.raises(ValidationError) as exc:
        services.revision_request(actor=lke.tpi_a, assessment=lke.assessment,
                                  items=[(item(lke, "P.1.i.a"), "lengkapi SK")], note="x\x00")
    assert HAS_NUL in exc.value.message_dict["note"][0]
    lke.assessment.refresh_from_db()
    assert lke.assessment.state == workflow.IN_REVIEW and not RevisionRequest.objects.exists()
    request = services.revision_request(actor=lke.tpi_a, assessment=lke.assessment,
                                        items=[(item(lke, "P.1.i.a"), LIMIT)], note=LIMIT)
    assert request.note == LIMIT and request.items.get().note == LIMIT


def test_the_models_refuse_what_the_services_refuse(lke):
    answer = Answer(assessment=lke.assessment, item=item(lke, "P.1.i.a"), unit_note=OVER, tpi_note="x\x00")
    with pytest.raises(ValidationError) as exc:
        answer.full_clean()
    assert TOO_LONG in exc.value.message_dict["unit_note"][0]
    assert HAS_NUL in exc.value.message_dict["tpi_note"][0]
    answer.unit_note, answer.tpi_note = LIMIT, ""
    answer.full_clean()


# --- views: the message, and the typed text kept ------------------------------------------------


def textarea(page: str, name: str) -> str:
    """The content of the first textarea named ``name``."""
    start = page.index(f'name="{name}"')
    start = page.index(">", start) + 1
    return html.unescape(page[start:page.index("</textarea>", start)])


def test_worksheet_htmx_save_of_a_long_note_says_why_and_keeps_the_text(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.i.a"])
    response = client.post(url, {"answer": "Ya", "note": OVER, "version": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_LONG in page
    assert textarea(page, "note") == OVER
    assert not Answer.objects.exists()
    response = client.post(url, {"answer": "Ya", "note": LIMIT, "version": "0"}, HTTP_HX_REQUEST="true")
    assert TOO_LONG not in response.content.decode()
    assert Answer.objects.get().unit_note == LIMIT


def test_worksheet_plain_post_of_a_long_note_redirects_with_the_message(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.i.a"])
    response = client.post(url, {"answer": "Ya", "note": OVER}, follow=True)
    assert response.status_code == 200
    assert f"P.1.i.a: {TOO_LONG}" in response.content.decode()
    assert not Answer.objects.exists()


def test_worksheet_note_with_nul_is_refused_with_a_message(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:item_save", args=[lke.assessment.pk, "P.1.i.a"])
    response = client.post(url, {"answer": "Ya", "note": "SK\x00tim", "version": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert HAS_NUL in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("body, message", [(OVER, TOO_LONG), ("ada\x00nul", HAS_NUL)], ids=["long", "nul"])
def test_comment_refused_with_the_message_and_the_typed_text_kept(lke, login, body, message):
    client = login(lke.team_a)
    url = reverse("assessments:item_comment", args=[lke.assessment.pk, "P.1.i.a"])
    response = client.post(url, {"body": body}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if body == OVER:
        assert textarea(page, "body") == OVER
    assert not Comment.objects.exists()
    client.post(url, {"body": LIMIT}, HTTP_HX_REQUEST="true")
    assert Comment.objects.get().body == LIMIT


def test_revision_form_refuses_a_long_note_and_keeps_every_typed_note(lke, login):
    in_review(lke)
    client = login(lke.tpi_a)
    url = reverse("assessments:assessment_revision", args=[lke.assessment.pk])
    response = client.post(url, {"note": "umum", "note-P.1.i.a": "lengkapi SK", "note-B.I.b": OVER})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Butir B.I.b: {TOO_LONG}" in page
    assert textarea(page, "note-B.I.b") == OVER
    assert textarea(page, "note-P.1.i.a") == "lengkapi SK"
    assert textarea(page, "note") == "umum"
    assert not RevisionRequest.objects.exists()
    response = client.post(url, {"note": "umum", "note-P.1.i.a": "lengkapi SK", "note-B.I.b": LIMIT})
    assert response.status_code == 302
    assert RevisionRequest.objects.get().items.get(item__code="B.I.b").note == LIMIT
