"""TPN's result grows (route, administrative selection, notes per item, sanggah deadline); the
sanggah: only items with TPN notes, URL validation, the deadline, the lock once sent."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.forms import ResultForm, parse_item_notes
from assessments.lke import workflow
from assessments.models import AuditEvent, InstrumentItem, TpnItemNote
from documents.models import IssuedDocument
from documents.selectors import document_file
from proposals import services
from proposals.models import Sanggah
from tests.documents.conftest import first_page_text
from tests.factories.evidence import EvidenceAttachmentFactory

from .conftest import recorded

pytestmark = pytest.mark.django_db


def _record(w, **extra):
    w.a.state = workflow.PROPOSED
    w.a.save()
    assessment_services.assessment_transition(actor=w.leadership, assessment=w.a, action="record_result",
                                              result="not_passed", **extra)
    w.a.refresh_from_db()
    return w.a


def test_the_result_records_selection_notes_and_the_sanggah_deadline(shortlist, settings):
    settings.SANGGAH_DAYS = 5
    a = _record(shortlist, admin_passed=False, admin_date=dt.date(2026, 8, 3),
                item_notes={"P.1.i.a": "SK tim belum ditandatangani.", "P.2.i.a": "SOP tidak lengkap."})
    assert (a.result, a.result_route, a.result_admin_passed, a.result_admin_date, a.sanggah_deadline) == (
        "not_passed", "tpn", False, dt.date(2026, 8, 3), dt.date(2026, 8, 8))
    assert list(TpnItemNote.objects.filter(assessment=a).values_list("item_code", "note")) == [
        ("P.1.i.a", "SK tim belum ditandatangani."), ("P.2.i.a", "SOP tidak lengkap.")]
    event = a.audit_events.get(action="state.record_result")
    assert event.after["item_notes"]["P.2.i.a"] == "SOP tidak lengkap."
    assert event.after["admin_date"] == "2026-08-03"


def test_unknown_item_codes_are_refused(shortlist):
    with pytest.raises(ValidationError) as exc:
        _record(shortlist, item_notes={"Z.9": "?"})
    assert exc.value.message_dict["item_notes"] == ["Kode butir tidak dikenal: Z.9."]
    shortlist.a.refresh_from_db()
    assert shortlist.a.state == workflow.PROPOSED


def test_pasted_item_notes_are_parsed():
    assert parse_item_notes("P.1.i.a: SK belum ada\nlanjutan catatan\n\nP.2.i.a:SOP") == {
        "P.1.i.a": "SK belum ada\nlanjutan catatan", "P.2.i.a": "SOP"}
    with pytest.raises(Exception, match="Baris 1"):
        parse_item_notes("tanpa kode")
    with pytest.raises(Exception, match="sudah disebut"):
        parse_item_notes("P.1.i.a: a\nP.1.i.a: b")


def test_the_existing_result_form_still_works_with_the_new_fields():
    form = ResultForm({"result": "WBK", "decree_number": "B/1", "decree_date": "2026-12-01"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["item_notes"] == {} and form.cleaned_data["admin_passed"] is None
    form = ResultForm({"result": "not_passed", "admin_passed": "0", "item_notes": "P.1.i.a: kurang"})
    assert form.is_valid() and form.cleaned_data["admin_passed"] is False


def test_the_result_form_on_the_page(shortlist, login):
    shortlist.a.state = workflow.PROPOSED
    shortlist.a.save()
    client = login(shortlist.leadership)
    client.post(reverse("assessments:assessment_transition", args=[shortlist.a.pk, "record_result"]),
                {"result": "not_passed", "route": "tpn", "admin_passed": "1", "admin_date": "2026-08-01",
                 "item_notes": "P.1.i.a: SK belum ada"})
    shortlist.a.refresh_from_db()
    assert shortlist.a.state == workflow.RESULT_RECORDED and shortlist.a.result_admin_passed is True
    page = client.get(reverse("assessments:assessment_detail", args=[shortlist.a.pk])).content.decode()
    assert 'id="sanggah-link"' in page and "1 butir dengan catatan TPN" in page


@pytest.fixture
def appeal(shortlist):
    recorded(shortlist.a, sanggah_deadline=timezone.localdate() + dt.timedelta(days=3))
    TpnItemNote.objects.create(assessment=shortlist.a, item_code="P.1.i.a", note="SK belum ada")
    return shortlist


def test_the_team_drafts_and_the_leader_sends_then_it_is_locked(appeal):
    w = appeal
    item = services.sanggah_item_save(actor=w.team_a, assessment=w.a, item_code="P.1.i.a",
                                      argument="SK sudah ditandatangani 2 Jan.",
                                      links="https://contoh.go.id/sk.pdf\nhttp://contoh.go.id/b")
    assert item.links == ["https://contoh.go.id/sk.pdf", "http://contoh.go.id/b"]
    with pytest.raises(PermissionDenied):
        services.sanggah_send(actor=w.team_a, assessment=w.a)
    sanggah = services.sanggah_send(actor=w.leader_a, assessment=w.a)
    assert sanggah.state == Sanggah.State.SENT and sanggah.sent_by == w.leader_a and sanggah.locked
    # the letter: issued from the template, registered, naming the item, its argument and links
    letter = IssuedDocument.objects.get(uuid=sanggah.letter_reference)
    assert (letter.kind, letter.assessment_id, letter.status) == ("letter_sanggah", w.a.pk, "valid")
    text = " ".join(first_page_text(document_file(letter)).split())
    assert "P.1.i.a: SK sudah ditandatangani 2 Jan." in text
    assert "Eviden: https://contoh.go.id/sk.pdf" in text and f"/v/{letter.uuid}/" in text
    with pytest.raises(ValidationError, match="sudah dikirim"):
        services.sanggah_item_save(actor=w.team_a, assessment=w.a, item_code="P.1.i.a", argument="ubah")
    with pytest.raises(ValidationError, match="sudah dikirim"):
        services.sanggah_send(actor=w.leader_a, assessment=w.a)
    assert list(AuditEvent.objects.filter(assessment=w.a).order_by("pk").values_list("action", "item_code")) == [
        ("sanggah.save", "P.1.i.a"), ("document.issue", ""), ("sanggah.send", "")]
    assert Sanggah.objects.get().items.get().argument == "SK sudah ditandatangani 2 Jan."


def test_only_items_with_tpn_notes(appeal):
    with pytest.raises(ValidationError, match="tidak memiliki catatan TPN"):
        services.sanggah_item_save(actor=appeal.team_a, assessment=appeal.a, item_code="P.2.i.a", argument="x")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://contoh.go.id/a", "file:///etc/passwd",
                                 "contoh.go.id", "http://"])
def test_links_are_http_or_https_only(appeal, url):
    with pytest.raises(ValidationError) as exc:
        services.sanggah_item_save(actor=appeal.team_a, assessment=appeal.a, item_code="P.1.i.a", argument="x",
                                   links=[url])
    assert exc.value.message_dict["links"][0].startswith("Tautan tidak sah (hanya http/https)")
    assert not Sanggah.objects.exists()


def test_after_the_deadline_it_cannot_be_opened_or_sent(appeal, login):
    services.sanggah_item_save(actor=appeal.team_a, assessment=appeal.a, item_code="P.1.i.a", argument="x")
    appeal.a.sanggah_deadline = dt.date(2026, 8, 8)
    appeal.a.save()
    with pytest.raises(ValidationError) as exc:
        services.sanggah_send(actor=appeal.leader_a, assessment=appeal.a)
    assert exc.value.messages == ["Batas sanggah 8 Agustus 2026 sudah lewat."]
    page = login(appeal.leader_a).get(reverse("proposals:sanggah", args=[appeal.a.pk])).content.decode()
    assert "Batas sanggah 8 Agustus 2026 sudah lewat." in page and 'id="sanggah-send"' not in page


def test_no_notes_no_sanggah_unless_the_administrative_selection_failed(shortlist):
    recorded(shortlist.a, sanggah_deadline=timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="Tidak ada catatan TPN"):
        services.sanggah_item_save(actor=shortlist.team_a, assessment=shortlist.a, item_code="P.1.i.a", argument="x")
    shortlist.a.result_admin_passed = False
    shortlist.a.save()
    item = services.sanggah_item_save(actor=shortlist.team_a, assessment=shortlist.a, item_code=services.ADMIN_ITEM,
                                      argument="Berkas lengkap.")
    assert item.item_code == "ADM"


def test_the_page_flow(appeal, login):
    client = login(appeal.team_a)
    url = reverse("proposals:sanggah", args=[appeal.a.pk])
    page = client.get(url).content.decode()
    assert "SK belum ada" in page and 'id="sanggah-send"' not in page  # the team does not send
    assert reverse("assessments:assessment_lke_xlsx", args=[appeal.a.pk]) in page
    client.post(reverse("proposals:sanggah_item_save", args=[appeal.a.pk, "P.1.i.a"]),
                {"argument": "Sudah ada", "links": "https://contoh.go.id/x"})
    client = login(appeal.leader_a)
    assert 'id="sanggah-send"' in client.get(url).content.decode()
    response = client.post(reverse("proposals:sanggah_send", args=[appeal.a.pk]), follow=True)
    text = response.content.decode()
    assert "Sanggah dikirim dan dikunci." in text and "sanggah terkunci" in text
    letter = IssuedDocument.objects.get(kind="letter_sanggah", assessment=appeal.a)
    download = reverse("documents:my_document_download", args=[letter.uuid])
    assert f'href="{download}" id="sanggah-letter"' in text
    pdf = client.get(download)
    assert pdf.status_code == 200 and hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == letter.sha256


def test_portal_evidence_of_the_item_may_be_cited(appeal):
    item = InstrumentItem.objects.get(instrument=appeal.a.instrument, code="P.1.i.a")
    EvidenceAttachmentFactory(assessment=appeal.a, item=item, link=True)
    listed = services.hooks.evidence_listing(appeal.a)["P.1.i.a"]
    url = listed[0]["url"]
    saved = services.sanggah_item_save(actor=appeal.team_a, assessment=appeal.a, item_code="P.1.i.a",
                                       argument="Lihat SK.", evidence_urls=[url])
    assert saved.evidence == [{"title": listed[0]["title"] or listed[0]["name"], "url": url}]
    with pytest.raises(ValidationError) as exc:
        services.sanggah_item_save(actor=appeal.team_a, assessment=appeal.a, item_code="P.1.i.a",
                                   argument="Lihat SK.", evidence_urls=["https://lain.example/x"])
    assert exc.value.message_dict["evidence"] == ["Eviden yang dipilih bukan eviden butir ini."]
