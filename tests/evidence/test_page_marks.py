"""The TPI's page marks ("halaman 3: tanda tangan tidak ada"): who may add and remove them, the
page range, the audit rows, and where the unit and the TPI see them (item block, viewer)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.lke import workflow
from assessments.models import AuditEvent
from evidence import services
from evidence.models import EvidencePageMark, EvidencePageSet
from evidence.selectors import attachments_by_item
from tests.factories import TpiAssignmentFactory, UserFactory

from .helpers import pdf_bytes, set_state, upload

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def stored(lke, name="sk.pdf", item=None):
    """Upload as the unit does (in a draft), then put the assessment back in the state it was in."""
    state = lke.assessment.state
    set_state(lke.assessment, workflow.DRAFT)
    outcome = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=item or lke.item, uploaded_file=upload(name, pdf_bytes(name))
    )
    set_state(lke.assessment, state)
    return outcome


def counted(version, pages: int) -> None:
    """The render counted ``pages`` pages of ``version`` (as the task records it)."""
    EvidencePageSet.objects.filter(version=version).update(
        status=EvidencePageSet.Status.READY, page_count=pages, total_pages=pages
    )


@pytest.fixture
def reviewing(lke):
    """A three-page PDF attached to the first item, the assessment in review."""
    outcome = stored(lke)
    counted(outcome.version, 3)
    set_state(lke.assessment, workflow.IN_REVIEW)
    lke.attachment, lke.version = outcome.attachment, outcome.version
    return lke


def mark(lke, actor=None, page=3, note="tanda tangan tidak ada", **extra):
    return services.evidence_page_mark_add(
        actor=actor or lke.tpi_a, assessment=lke.assessment, attachment=lke.attachment, page=page, note=note, **extra
    )


def url(name, lke, *args):
    return reverse(f"evidence:{name}", args=[lke.assessment.pk, lke.item.code, *args])


# --- the service ------------------------------------------------------------------------------


def test_the_assigned_tpi_marks_a_page_and_it_is_audited(reviewing):
    made = mark(reviewing)
    assert (made.page, made.note, made.author, made.version) == (3, "tanda tangan tidak ada", reviewing.tpi_a,
                                                                reviewing.version)
    [event] = AuditEvent.objects.filter(action="evidence.page_mark")
    assert (event.actor, event.assessment, event.item_code) == (reviewing.tpi_a, reviewing.assessment,
                                                                reviewing.item.code)
    assert event.before is None
    assert event.after == {"attachment": reviewing.attachment.pk, "mark": made.pk, "version": 1, "page": 3,
                           "note": "tanda tangan tidak ada"}


@pytest.mark.parametrize("persona", ["team_a", "leader_a", "leadership", "admin", "tpi_lead", "tpi_unassigned"])
def test_only_the_assigned_tpi_may_mark(reviewing, persona):
    with pytest.raises(PermissionDenied):
        mark(reviewing, actor=getattr(reviewing, persona))
    assert EvidencePageMark.objects.count() == 0
    assert not AuditEvent.objects.filter(action="evidence.page_mark").exists()


@pytest.mark.parametrize("state", [workflow.DRAFT, workflow.SUBMITTED, workflow.FINAL])
def test_marks_only_while_the_review_is_open(reviewing, state):
    set_state(reviewing.assessment, state)
    with pytest.raises(PermissionDenied, match="Data dukung hanya dapat diterima atau ditolak saat"):
        mark(reviewing)
    assert EvidencePageMark.objects.count() == 0


@pytest.mark.parametrize("page, note, message", [
    (4, "x", "Berkas ini hanya 3 halaman; halaman 4 tidak ada."),
    (0, "x", "Nomor halaman mulai dari 1."),
    (1, "   ", "Catatan halaman wajib diisi."),
])
def test_the_page_must_exist_and_the_note_is_required(reviewing, page, note, message):
    with pytest.raises(ValidationError) as exc:
        mark(reviewing, page=page, note=note)
    assert exc.value.messages == [message]
    assert EvidencePageMark.objects.count() == 0


def test_any_page_while_the_page_count_is_unknown(reviewing):
    EvidencePageSet.objects.filter(version=reviewing.version).update(
        status=EvidencePageSet.Status.PENDING, page_count=0, total_pages=0
    )
    assert mark(reviewing, page=40).page == 40


def test_a_version_of_another_document_is_refused(reviewing):
    other = stored(reviewing, "lain.pdf", item=reviewing.items[1]).version
    with pytest.raises(ValidationError, match="Versi ini bukan berkas lampiran tersebut."):
        mark(reviewing, version=other)


def test_a_link_has_no_pages(reviewing):
    set_state(reviewing.assessment, workflow.DRAFT)
    link = services.evidence_add_link(actor=reviewing.team_a, assessment=reviewing.assessment, item=reviewing.item,
                                      url="https://jdih.example.go.id/sk")
    set_state(reviewing.assessment, workflow.IN_REVIEW)
    with pytest.raises(ValidationError, match="Tautan tidak memiliki halaman"):
        services.evidence_page_mark_add(actor=reviewing.tpi_a, assessment=reviewing.assessment, attachment=link,
                                        page=1, note="x")


def test_only_its_author_removes_a_mark_while_the_review_is_open(reviewing):
    made = mark(reviewing)
    second_tpi = TpiAssignmentFactory(unit=reviewing.unit_a, user=UserFactory(username="tpi.dua")).user
    with pytest.raises(PermissionDenied, match="Hanya penulis tanda halaman"):
        services.evidence_page_mark_remove(actor=second_tpi, assessment=reviewing.assessment, mark=made)
    set_state(reviewing.assessment, workflow.FINAL)
    with pytest.raises(PermissionDenied):
        services.evidence_page_mark_remove(actor=reviewing.tpi_a, assessment=reviewing.assessment, mark=made)
    assert EvidencePageMark.objects.filter(pk=made.pk).exists()
    set_state(reviewing.assessment, workflow.IN_REVIEW)
    pk = made.pk
    services.evidence_page_mark_remove(actor=reviewing.tpi_a, assessment=reviewing.assessment, mark=made)
    assert not EvidencePageMark.objects.exists()
    [event] = AuditEvent.objects.filter(action="evidence.page_mark_remove")
    assert event.before == {"attachment": reviewing.attachment.pk, "mark": pk, "version": 1, "page": 3,
                            "note": "tanda tangan tidak ada"}
    assert event.after is None and event.actor == reviewing.tpi_a


# --- pages ------------------------------------------------------------------------------------


def test_the_tpi_marks_a_page_from_the_item_block_and_the_unit_sees_it(reviewing, login):
    tpi = login(reviewing.tpi_a)
    response = tpi.post(url("page_mark", reviewing, reviewing.attachment.pk),
                        {"page": "3", "note": "tanda tangan tidak ada"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Tanda halaman 3 disimpan." in html
    made = EvidencePageMark.objects.get()
    viewer = reverse("evidence:viewer", args=[reviewing.version.pk])
    assert f'href="{viewer}?lampiran={reviewing.attachment.pk}&amp;halaman=3"' in html
    block = login(reviewing.team_a).get(url("item", reviewing)).content.decode()
    assert "Halaman 3</a>:" in block and "tanda tangan tidak ada — <span" in block and "tpi.a" in block
    assert url("page_mark_remove", reviewing, reviewing.attachment.pk, made.pk) not in block  # the unit reads only
    assert 'name="page"' not in block


def test_a_page_out_of_range_is_shown_in_the_block(reviewing, login):
    response = login(reviewing.tpi_a).post(url("page_mark", reviewing, reviewing.attachment.pk),
                                           {"page": "9", "note": "x"}, **HTMX)
    assert "Berkas ini hanya 3 halaman; halaman 9 tidak ada." in response.content.decode()
    assert not EvidencePageMark.objects.exists()


def test_the_unit_may_not_post_a_mark(reviewing, login):
    response = login(reviewing.team_a).post(url("page_mark", reviewing, reviewing.attachment.pk),
                                            {"page": "1", "note": "x"}, **HTMX)
    assert response.status_code == 403 and not EvidencePageMark.objects.exists()


def test_removing_a_mark_via_the_page(reviewing, login):
    made = mark(reviewing)
    response = login(reviewing.tpi_a).post(url("page_mark_remove", reviewing, reviewing.attachment.pk, made.pk),
                                           **HTMX)
    assert "Tanda halaman dihapus." in response.content.decode()
    assert not EvidencePageMark.objects.exists()


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_outsiders_get_404_on_mark_urls_and_see_no_marks(reviewing, login, persona):
    made = mark(reviewing)
    client = login(getattr(reviewing, persona))
    add = url("page_mark", reviewing, reviewing.attachment.pk)
    assert client.post(add, {"page": "1", "note": "x"}).status_code == 404
    assert client.post(url("page_mark_remove", reviewing, reviewing.attachment.pk, made.pk)).status_code == 404
    viewer = reverse("evidence:viewer", args=[reviewing.version.pk])
    assert client.get(viewer, {"lampiran": reviewing.attachment.pk}).status_code == 404
    assert client.get(reverse("evidence:page_image", args=[reviewing.version.pk, 1])).status_code == 404
    assert EvidencePageMark.objects.count() == 1


def test_a_mark_of_another_attachment_is_404(reviewing, login):
    other = stored(reviewing, "lain.pdf", item=reviewing.items[1]).attachment
    made = mark(reviewing)
    client = login(reviewing.tpi_a)
    wrong = reverse("evidence:page_mark_remove",
                    args=[reviewing.assessment.pk, reviewing.items[1].code, other.pk, made.pk])
    assert client.post(wrong).status_code == 404
    assert EvidencePageMark.objects.filter(pk=made.pk).exists()


def test_the_viewer_lists_the_marks_with_links_and_the_tpi_form(reviewing, login):
    mark(reviewing, page=2, note="paraf tidak ada")
    mark(reviewing, page=3)
    viewer = reverse("evidence:viewer", args=[reviewing.version.pk])
    html = login(reviewing.tpi_a).get(viewer, {"lampiran": reviewing.attachment.pk, "halaman": 2}).content.decode()
    assert f'href="?lampiran={reviewing.attachment.pk}&amp;halaman=2&amp;lebar=900">Halaman 2</a>' in html
    assert "paraf tidak ada" in html and "tanda tangan tidak ada" in html
    assert html.index("paraf tidak ada") < html.index("tanda tangan tidak ada")
    assert url("page_mark", reviewing, reviewing.attachment.pk) in html and 'max="3"' in html
    unit = login(reviewing.team_a).get(viewer, {"lampiran": reviewing.attachment.pk}).content.decode()
    assert "paraf tidak ada" in unit and url("page_mark", reviewing, reviewing.attachment.pk) not in unit
    # from the viewer, a plain POST goes back to the page shown
    back = f"{viewer}?lampiran={reviewing.attachment.pk}&halaman=2&lebar=900"
    response = login(reviewing.tpi_a).post(url("page_mark", reviewing, reviewing.attachment.pk),
                                           {"page": "2", "note": "stempel", "version": reviewing.version.pk,
                                            "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert EvidencePageMark.objects.filter(note="stempel", page=2, version=reviewing.version).exists()


def test_the_block_with_marks_takes_one_more_query_whatever_their_number(reviewing, django_assert_max_num_queries):
    mark(reviewing, page=1)
    with django_assert_max_num_queries(3):
        grouped = attachments_by_item(reviewing.assessment)
        assert [m.page for m in grouped[reviewing.item.pk][0].marks] == [1]
    for page in (2, 3):
        mark(reviewing, page=page)
    with django_assert_max_num_queries(3):
        grouped = attachments_by_item(reviewing.assessment)
        assert [(m.page, m.author.username) for m in grouped[reviewing.item.pk][0].marks] == [
            (1, "tpi.a"), (2, "tpi.a"), (3, "tpi.a")]
