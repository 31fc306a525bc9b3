"""factory_boy factories of the `evidence` app.

A version is a real file: its bytes (a small valid PDF unless ``content`` says otherwise) are
written under ``MEDIA_ROOT/evidence/<unit_id>/`` through the app's own storage, and the row
carries their real size and SHA-256. Build them only with a per-test MEDIA_ROOT (the evidence
tests' autouse ``media`` fixture, or ``settings.MEDIA_ROOT = tmp_path``). Documents and versions
keep the document's ``search_text`` as the services do.
"""

from __future__ import annotations

import io

import factory
from django.db.models import Max
from django.utils import timezone

from evidence import services, storage
from evidence.models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
from tests.evidence.helpers import pdf_bytes

from .assessments import AssessmentFactory, first_item
from .units import ValidatedFactory, WorkUnitFactory


class EvidenceDocumentFactory(ValidatedFactory):
    class Meta:
        model = EvidenceDocument

    unit = factory.SubFactory(WorkUnitFactory)
    title = factory.Sequence(lambda n: f"SK Tim Pembangunan ZI {n}")
    created_by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        document = super()._create(model_class, *args, **kwargs)
        services.evidence_search_text_refresh(document=document)  # as the services keep it
        return document


def _next_number(document: EvidenceDocument) -> int:
    if not document.pk:
        return 1
    return (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _store(unit_id: int, content: bytes, extension: str) -> storage.StagedFile:
    staged = storage.stage(io.BytesIO(content), unit_id=unit_id, extension=extension)
    staged.commit()
    return staged


class EvidenceVersionFactory(ValidatedFactory):
    """The next version of a document, its bytes stored on disk like an upload's."""

    class Meta:
        model = EvidenceVersion

    class Params:
        content = factory.Sequence(lambda n: pdf_bytes(f"Data dukung {n}"))
        extension = "pdf"
        stored = factory.LazyAttribute(lambda o: _store(o.document.unit_id, o.content, o.extension))

    document = factory.SubFactory(EvidenceDocumentFactory)
    number = factory.LazyAttribute(lambda o: _next_number(o.document))
    storage_name = factory.SelfAttribute("stored.storage_name")
    original_name = factory.LazyAttribute(lambda o: f"{o.document.title}.{o.extension}")
    size = factory.SelfAttribute("stored.size")
    sha256 = factory.SelfAttribute("stored.sha256")
    content_type = "application/pdf"
    uploaded_by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        version = super()._create(model_class, *args, **kwargs)
        services.evidence_search_text_refresh(document=version.document)  # as the services keep it
        return version


class EvidenceAttachmentFactory(ValidatedFactory):
    """A document of the assessment's own unit attached to the assessment's first item, pending
    review. Traits: ``link`` (a link instead of a document), ``accepted``, ``rejected`` (with the
    reason the model requires), ``removed``."""

    class Meta:
        model = EvidenceAttachment

    class Params:
        link = factory.Trait(document=None, link_url=factory.Sequence(lambda n: f"https://jdih.example.go.id/sk/{n}"))
        accepted = factory.Trait(review_status=EvidenceAttachment.ReviewStatus.ACCEPTED,
                                 reviewed_at=factory.LazyFunction(timezone.now))
        rejected = factory.Trait(review_status=EvidenceAttachment.ReviewStatus.REJECTED,
                                 review_reason="Dokumen tidak ditandatangani.",
                                 reviewed_at=factory.LazyFunction(timezone.now))
        removed = factory.Trait(removed_at=factory.LazyFunction(timezone.now))

    assessment = factory.SubFactory(AssessmentFactory)
    item = factory.LazyAttribute(lambda o: first_item(o.assessment.instrument))
    document = factory.SubFactory(EvidenceDocumentFactory, unit=factory.SelfAttribute("..assessment.unit"))
    link_url = ""
    added_by = None
