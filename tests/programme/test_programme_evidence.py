"""Evidence from the programme: files stored through the evidence store (checks, SHA-256, dedupe,
audit) without an LKE item, kept on realisations and the pencanangan, downloadable through the
evidence download URL, and attachable to an LKE item later without a second upload."""

import datetime as dt
import hashlib
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import AuditAction, AuditEvent, InstrumentItem
from evidence import services as evidence_services
from evidence.models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
from evidence.selectors import unit_documents
from evidence.validation import EvidenceRejected
from programme import services
from programme.models import ActivityQuarter, Pencanangan
from tests.evidence.helpers import HTML_AS_PDF, files_on_disk, pdf_bytes, png_bytes, upload
from tests.factories import TpiAssignmentFactory, UserFactory

YEAR = 2026


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.EVIDENCE_MAX_UPLOAD_MB = 25
    return root


def _store(world, name="piagam.pdf", content=None, actor=None, **kwargs):
    return evidence_services.evidence_store_document(
        actor=actor or world.team_a,
        unit=world.unit_a,
        uploaded_file=upload(name, content or pdf_bytes("piagam")),
        **kwargs,
    )


def test_store_document_keeps_the_bytes_hash_and_audit(world, media):
    content = pdf_bytes("piagam pencanangan")
    outcome = _store(world, content=content, title="Piagam pencanangan", document_date=dt.date(2026, 2, 3))
    assert outcome.created
    document, version = outcome.document, outcome.version
    assert (document.unit, document.title, document.created_by) == (world.unit_a, "Piagam pencanangan", world.team_a)
    assert (version.number, version.original_name, version.size) == (1, "piagam.pdf", len(content))
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    stored = media / version.storage_name
    assert stored.read_bytes() == content
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == version.sha256
    assert not EvidenceAttachment.objects.exists()  # stored for the unit, attached to no LKE item
    event = AuditEvent.objects.get()
    assert (event.action, event.assessment, event.field) == (
        AuditAction.EVIDENCE_UPLOAD,
        None,
        f"document:{document.pk}",
    )
    assert event.after["sha256"] == version.sha256


def test_store_document_audits_to_the_assessment_of_the_year(lke):
    outcome = _store(lke, year=YEAR)
    assert AuditEvent.objects.get(field=f"document:{outcome.document.pk}").assessment == lke.assessment


def test_identical_file_is_not_stored_twice(world, media):
    first = _store(world, name="a.pdf")
    second = _store(world, name="salinan.pdf")
    assert not second.created
    assert (second.document, second.version) == (first.document, first.version)
    assert (EvidenceDocument.objects.count(), EvidenceVersion.objects.count()) == (1, 1)
    assert len(files_on_disk(media)) == 1
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "team_b", "admin"])
def test_only_unit_members_store(world, media, persona):
    with pytest.raises(PermissionDenied):
        _store(world, actor=getattr(world, persona))
    assert not EvidenceDocument.objects.exists() and files_on_disk(media) == []


def test_refused_file_leaves_nothing(world, media):
    with pytest.raises(EvidenceRejected):
        _store(world, name="palsu.pdf", content=HTML_AS_PDF)
    assert not EvidenceDocument.objects.exists() and files_on_disk(media) == []


def test_document_from_the_programme_is_attached_to_an_item_without_a_second_upload(lke, media):
    work_plan = services.plan_get_or_create(actor=lke.team_a, unit=lke.unit_a, year=YEAR)
    activity = services.activity_create(
        actor=lke.team_a, work_plan=work_plan, targets={1: D("1")}, area="1", title="Penetapan Tim ZI"
    )
    services.realisation_record(
        actor=lke.team_a,
        activity=activity,
        quarter=1,
        value=D("1"),
        realised_on=dt.date(2026, 3, 20),
        uploaded_files=[upload("sk-tim.pdf", pdf_bytes("SK Tim"))],
    )
    document = ActivityQuarter.objects.get(activity=activity, quarter=1).evidence.get()
    item = InstrumentItem.objects.get(instrument=lke.assessment.instrument, code="P.1.i.a")
    # the worksheet's picker lists every document of the unit, this one included
    assert document in unit_documents(lke.unit_a, exclude_attached_to=(lke.assessment, item))
    attachment = evidence_services.evidence_attach_existing(
        actor=lke.team_a, assessment=lke.assessment, item=item, document=document
    )
    assert (attachment.document, attachment.item.code) == (document, "P.1.i.a")
    assert (EvidenceDocument.objects.count(), EvidenceVersion.objects.count()) == (1, 1)
    assert len(files_on_disk(media)) == 1


def test_realisation_with_evidence_is_audited_with_document_ids(world):
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    activity = services.activity_create(
        actor=world.team_a, work_plan=work_plan, targets={1: D("2")}, area="1", title="Sosialisasi"
    )
    services.realisation_record(
        actor=world.team_a,
        activity=activity,
        quarter=1,
        value=D("1"),
        realised_on=None,
        uploaded_files=[upload("foto.png", png_bytes())],
    )
    services.realisation_record(
        actor=world.team_a,
        activity=activity,
        quarter=1,
        value=D("2"),
        realised_on=None,
        uploaded_files=[upload("daftar-hadir.pdf", pdf_bytes("hadir"))],
    )
    row = ActivityQuarter.objects.get(activity=activity, quarter=1)
    ids = sorted(row.evidence.values_list("pk", flat=True))
    assert len(ids) == 2  # the second file is added, the first kept
    events = list(AuditEvent.objects.filter(action=AuditAction.REALISATION_RECORD).order_by("pk"))
    assert [(e.before["documents"], e.after["documents"]) for e in events] == [([], ids[:1]), (ids[:1], ids)]


def test_refused_file_undoes_the_realisation(world, media):
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    activity = services.activity_create(
        actor=world.team_a, work_plan=work_plan, targets={1: D("2")}, area="1", title="Sosialisasi"
    )
    with pytest.raises(EvidenceRejected):
        services.realisation_record(
            actor=world.team_a,
            activity=activity,
            quarter=1,
            value=D("2"),
            realised_on=None,
            uploaded_files=[upload("palsu.pdf", HTML_AS_PDF)],
        )
    assert ActivityQuarter.objects.get(activity=activity, quarter=1).realisation == D("0")
    assert not AuditEvent.objects.filter(action=AuditAction.REALISATION_RECORD).exists()
    assert files_on_disk(media) == []


def test_realisation_page_uploads_and_lists_with_download_link(world, login, media):
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    activity = services.activity_create(
        actor=world.team_a, work_plan=work_plan, targets={1: D("1")}, area="1", title="Penetapan Tim"
    )
    url = reverse("programme:realisation", args=["UNIT-A", YEAR, activity.pk])
    client = login(world.team_a)
    content = pdf_bytes("SK Tim")
    response = client.post(
        url, {"quarter": "1", "value": "1", "realised_on": "2026-03-20", "note": "", "file": upload("sk.pdf", content)}
    )
    assert response.status_code == 302
    version = EvidenceVersion.objects.get()
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert (media / version.storage_name).read_bytes() == content
    html = client.get(url).content.decode()
    download = reverse("evidence:download", args=[version.pk])
    assert f'href="{download}"' in html and "sk.pdf" in html
    assert b"".join(client.get(download).streaming_content) == content
    # a refused file: the form says why and keeps what was typed
    response = client.post(url, {"quarter": "1", "value": "1", "note": "ulang", "file": upload("x.pdf", HTML_AS_PDF)})
    assert response.status_code == 200 and 'value="ulang"' in response.content.decode()
    assert EvidenceVersion.objects.count() == 1


def test_pencanangan_page_uploads_documents_and_photos(world, login, media):
    url = reverse("programme:pencanangan", args=["UNIT-A", YEAR])
    client = login(world.team_a)
    data = {"date": "2026-02-03", "place": "Aula", "document_number": "BA-01"}
    assert client.post(url, data | {"file": upload("piagam.pdf", pdf_bytes("piagam"))}).status_code == 302
    assert client.post(url, data | {"file": upload("foto.png", png_bytes())}).status_code == 302
    row = Pencanangan.objects.get()
    names = sorted(row.documents.values_list("versions__original_name", flat=True))
    assert names == ["foto.png", "piagam.pdf"]
    html = client.get(url).content.decode()
    for version in EvidenceVersion.objects.all():
        assert f'href="{reverse("evidence:download", args=[version.pk])}"' in html
    events = list(AuditEvent.objects.filter(action=AuditAction.PENCANANGAN_RECORD).order_by("pk"))
    assert [len(e.after["documents"]) for e in events] == [1, 2]
    # the leadership reads the page and downloads the piagam; another unit's team gets 404
    assert "piagam.pdf" in login(world.leadership).get(url).content.decode()
    version = EvidenceVersion.objects.get(original_name="piagam.pdf")
    assert login(world.leadership).get(reverse("evidence:download", args=[version.pk])).status_code == 200
    assert login(world.team_b).get(reverse("evidence:download", args=[version.pk])).status_code == 404


def test_assigned_tpi_downloads_the_programme_documents_of_its_year_only(world, login, media):
    """The TPI reads the unit's plan, registers and monitoring; it downloads the documents shown there
    (regression: they answered 404 until attached to an LKE item). Not a document the programme does
    not show, not another year's assessor, not another unit's TPI."""
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    activity = services.activity_create(
        actor=world.team_a, work_plan=work_plan, targets={1: D("2")}, area="1", title="Sosialisasi"
    )
    services.realisation_record(
        actor=world.team_a,
        activity=activity,
        quarter=1,
        value=D("1"),
        realised_on=None,
        uploaded_files=[upload("hadir.pdf", pdf_bytes("hadir"))],
    )
    linked = EvidenceVersion.objects.get(
        document__in=ActivityQuarter.objects.get(activity=activity, quarter=1).evidence.all()
    )
    loose = _store(world, name="lain.pdf", content=pdf_bytes("lain")).version
    last_year = TpiAssignmentFactory(unit=world.unit_a, year=YEAR - 1, user=UserFactory(username="tpi.lalu")).user
    url = reverse("evidence:download", args=[linked.pk])
    response = login(world.tpi_a).get(url)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == linked.sha256
    assert login(world.tpi_a).get(reverse("evidence:download", args=[loose.pk])).status_code == 404
    for outsider in (last_year, world.tpi_lead, world.tpi_unassigned, world.team_b):
        assert login(outsider).get(url).status_code == 404, outsider.username
