"""Evidence on an S3 bucket (a real S3 protocol server on loopback): uploads through the real view
land in the bucket whole and hashed, downloads come back byte for byte after the permission check,
a bucket that cannot be reached refuses uploads without losing anything, and the sweep lists and
deletes through the bucket."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import urllib.request
from unittest import mock

import pytest
from django.urls import reverse

from evidence import services
from evidence.maintenance import evidence_orphans_sweep
from evidence.models import EvidenceVersion
from tests.evidence.helpers import multipart, pdf_bytes, upload
from tests.factories.assessments import first_item

from .conftest import free_port, storage_url, use_storage

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Penyimpanan berkas tidak dapat dihubungi; coba lagi nanti."
DAY = 24 * 60 * 60


@pytest.fixture
def lke(lke):
    """The shared ``lke`` assessment plus its first item."""
    lke.item = first_item(lke.assessment.instrument)
    return lke


def post_upload(client, lke, files, item=None):
    body, content_type = multipart({}, [("files", name, content) for name, content in files])
    url = reverse("evidence:upload", args=[lke.assessment.pk, (item or lke.item).code])
    return client.generic("POST", url, body, content_type=content_type, HTTP_HX_REQUEST="true")


def download(client, version):
    return client.get(reverse("evidence:download", args=[version.pk]))


def test_upload_through_the_view_lands_in_the_bucket_and_downloads_byte_for_byte(s3, lke, login):
    content = pdf_bytes("SK Tim ZI di bucket")
    client = login(lke.team_a)
    response = post_upload(client, lke, [("SK Tim.pdf", content)])
    assert response.status_code == 200 and "tersimpan (versi 1)" in response.content.decode()
    version = EvidenceVersion.objects.get()
    assert version.sha256 == hashlib.sha256(content).hexdigest() and version.size == len(content)
    assert version.storage_name.startswith(f"evidence/{lke.unit_a.pk}/")
    assert s3.keys() == [version.storage_name]
    assert s3.read(version.storage_name) == content
    assert not (s3.media / "evidence").exists()  # nothing on the local disk

    response = download(client, version)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == content and hashlib.sha256(body).hexdigest() == version.sha256
    assert response["Content-Disposition"] == 'attachment; filename="SK Tim.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_replace_keeps_both_versions_in_the_bucket(s3, lke, login):
    first = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                     uploaded_file=upload("Renja.pdf", pdf_bytes("v1")))
    second = services.evidence_replace(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                       attachment=first.attachment, uploaded_file=upload("Renja.pdf", pdf_bytes("v2")))
    assert s3.keys() == sorted([first.version.storage_name, second.version.storage_name])
    client = login(lke.leader_a)
    for outcome, text in ((first, "v1"), (second, "v2")):
        assert b"".join(download(client, outcome.version).streaming_content) == pdf_bytes(text)


def test_forbidden_download_is_404_and_reveals_nothing(s3, lke, login):
    outcome = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                       uploaded_file=upload("Rahasia.pdf", pdf_bytes("rahasia")))
    response = download(login(lke.team_b), outcome.version)  # a member of another unit
    assert response.status_code == 404 and b"rahasia" not in response.content
    missing = login(lke.team_a).get(reverse("evidence:download", args=[outcome.version.pk + 99]))
    assert missing.status_code == 404


def test_presigned_download_redirects_after_the_check_to_a_short_lived_url(s3, lke, login, settings):
    settings.STORAGE_DOWNLOADS = "presigned"
    settings.STORAGE_PRESIGNED_SECONDS = 60
    content = pdf_bytes("langsung dari bucket")
    outcome = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                       uploaded_file=upload("Laporan UPG.pdf", content))
    assert download(login(lke.team_b), outcome.version).status_code == 404  # the check comes first

    response = download(login(lke.team_a), outcome.version)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3.endpoint}/{s3.bucket}/{outcome.version.storage_name}?")
    assert "X-Amz-Expires=60" in location and "response-content-disposition=attachment" in location
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310 — our loopback server
        assert fetched.read() == content
        assert fetched.headers["Content-Disposition"].startswith("attachment;")


def test_unreachable_bucket_refuses_the_upload_clearly_and_loses_nothing(s3, lke, login, settings):
    kept = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                    uploaded_file=upload("SK lama.pdf", pdf_bytes("lama")))
    rows = (EvidenceVersion.objects.count(), lke.assessment.evidence_attachments.count())
    settings_before = settings.STORAGES
    use_storage(settings, storage_url(s3.bucket, f"http://127.0.0.1:{free_port()}"))  # nothing listens there

    client = login(lke.team_a)
    started = time.monotonic()
    response = post_upload(client, lke, [("SK baru.pdf", pdf_bytes("baru"))])
    assert time.monotonic() - started < 30  # refused within seconds, not after a long hang
    assert response.status_code == 200 and UNAVAILABLE in response.content.decode()
    with pytest.raises(services.ValidationError) as refused:
        services.evidence_replace(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                  attachment=kept.attachment, uploaded_file=upload("SK lama.pdf", pdf_bytes("v2")))
    assert refused.value.messages == [UNAVAILABLE]
    # no row names a file that was not stored
    assert (EvidenceVersion.objects.count(), lke.assessment.evidence_attachments.count()) == rows
    response = download(client, kept.version)
    assert response.status_code == 503 and response.content.decode() == UNAVAILABLE

    settings.STORAGES = settings_before  # the bucket is back: what was stored is still there
    assert s3.keys() == [kept.version.storage_name]
    assert b"".join(download(client, kept.version).streaming_content) == pdf_bytes("lama")
    assert not list((s3.media).rglob("*.part"))


def test_sweep_removes_an_orphan_object_and_keeps_referenced_ones(s3, lke):
    outcome = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                       uploaded_file=upload("Notulen.pdf", pdf_bytes("notulen")))
    orphan = f"evidence/{lke.unit_a.pk}/{'0' * 32}.pdf"
    s3.put(orphan, b"%PDF-1.4 orphan")
    assert s3.keys() == sorted([outcome.version.storage_name, orphan])

    young = evidence_orphans_sweep()  # just written: may belong to an upload in flight
    assert young.removed == [] and young.kept_young == 1
    later = time.time() + 2 * DAY
    with mock.patch("evidence.maintenance.time.time", return_value=later):
        listed = evidence_orphans_sweep(dry_run=True)
        assert listed.removed == [orphan] and s3.keys() == sorted([outcome.version.storage_name, orphan])
        swept = evidence_orphans_sweep(grace=dt.timedelta(hours=24))
    assert swept.removed == [orphan] and swept.bytes_freed == len(b"%PDF-1.4 orphan")
    assert s3.keys() == [outcome.version.storage_name]
    assert s3.read(outcome.version.storage_name) == pdf_bytes("notulen")
