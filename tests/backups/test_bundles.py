"""export_bundle / import_bundle: a period leaves as an archive and comes back the same.

The round trip: build a period with answers on both sides, comments, a revision request, audit rows
and evidence files; export; delete every row and file of it (users and the instansi included, so the
database is as empty as a new one apart from the migrated instrument); import; compare the figures to
the decimal, the answer rows, the audit rows and the files' hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments import lke
from assessments.models import (
    Answer,
    Assessment,
    AssessmentFigures,
    AuditEvent,
    Comment,
    Instrument,
    Notification,
    Period,
    Report,
    RevisionItem,
    RevisionRequest,
    TpnFigures,
    TpnItemNote,
)
from assessments.services import period_open
from assessments.standing import standing_of
from backups import bundle
from backups.services import bundle_export
from evidence import storage
from evidence.models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
from tests.evidence.helpers import pdf_bytes
from tests.factories import (
    AssessmentFactory,
    AuditEventFactory,
    CommentFactory,
    EvidenceAttachmentFactory,
    EvidenceDocumentFactory,
    EvidenceVersionFactory,
    InstansiFactFactory,
    RevisionItemFactory,
    RevisionRequestFactory,
    UnitFactFactory,
    WorkUnitFactory,
    answers_for,
    bundled_instrument,
    valid_answer,
)
from units.models import (
    Instansi,
    InstansiFact,
    InstansiRole,
    PredicateAward,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    User,
    WorkUnit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def period(world):
    """A 2026 period of the world's instansi: unit A in review with both sides' answers, a comment,
    a revision request, audit rows and three evidence files (one replaced, one removed, one link);
    unit B (a child of a parent unit) in draft with the unit's answers."""
    instrument = bundled_instrument()
    world.period = period_open(actor=world.admin, instansi=world.instansi, year=2026)
    InstansiFactFactory(instansi=world.instansi, year=2026)
    UnitFactFactory(unit=world.unit_a, year=2026)
    parent = WorkUnitFactory(instansi=world.instansi, code="INDUK", name="Sekretariat Daerah")
    world.unit_b.parent = parent
    world.unit_b.save()
    a = AssessmentFactory(unit=world.unit_a, period=world.period, instrument=instrument, in_review=True,
                          created_by=world.leader_a)
    b = AssessmentFactory(unit=world.unit_b, period=world.period, instrument=instrument, created_by=world.team_b)
    items = list(instrument.items.order_by("position")[:40])
    answers_for(a, {i.code: valid_answer(i, n) for n, i in enumerate(items)}, notes={items[0].code: "Sudah ada SK."})
    answers_for(a, {i.code: valid_answer(i, n + 1) for n, i in enumerate(items[:30])}, side="tpi")
    answers_for(b, {i.code: valid_answer(i, 2 * n) for n, i in enumerate(items[:25])})
    CommentFactory(assessment=a, item=items[1], author=world.team_a, body="Mohon dicek ulang.")
    request = RevisionRequestFactory(assessment=a, requested_by=world.tpi_a, note="Lengkapi.")
    RevisionItemFactory(request=request, item=items[2], note="Tambahkan notulen.")
    for n in range(3):
        AuditEventFactory(assessment=a, item_code=items[n].code, actor=world.team_a, after=f"jawaban {n}")
    AuditEventFactory(assessment=b, item_code=items[0].code, actor=world.team_b)
    doc = EvidenceDocumentFactory(unit=world.unit_a, title="SK Tim ZI", created_by=world.team_a)
    EvidenceVersionFactory(document=doc, content=pdf_bytes("versi satu"), uploaded_by=world.team_a)
    EvidenceVersionFactory(document=doc, content=pdf_bytes("versi dua"), uploaded_by=world.team_a)
    EvidenceAttachmentFactory(assessment=a, item=items[0], document=doc, added_by=world.team_a, accepted=True,
                              reviewed_by=world.tpi_a)
    other = EvidenceVersionFactory(document__unit=world.unit_a, content=pdf_bytes("dicabut")).document
    EvidenceAttachmentFactory(assessment=a, item=items[1], document=other, removed=True, removed_by=world.team_a)
    EvidenceAttachmentFactory(assessment=a, item=items[3], link=True, link_title="JDIH")
    TpnFigures.objects.create(assessment=a, total=Decimal("61.25"), pengungkit=Decimal("40.25"), hasil=Decimal("21"),
                              areas={"1": "6.50"}, tpi_total=Decimal("63"), tpi_pengungkit=Decimal("42"),
                              tpi_hasil=Decimal("21"), tpi_areas={"1": "7.00"}, note="LHE TPN",
                              recorded_by=world.leadership)
    TpnItemNote.objects.create(assessment=a, item_code=items[0].code, note="SK belum ditandatangani.")
    world.a, world.b = a, b
    return world


def _bytes_sha(storage_name: str) -> str:
    with storage.open_version(storage_name) as f:
        return hashlib.sha256(f.read()).hexdigest()


def picture() -> dict:
    """Everything the round trip must keep, keyed by what survives it (codes, usernames), not ids."""
    out: dict = {"periods": sorted(Period.objects.values_list("instansi__name", "year", "opens_on", "closes_on",
                                                                "proposal_deadline"))}
    out["units"] = sorted(WorkUnit.objects.values_list("code", "name", "parent__code", "instansi__name"))
    out["memberships"] = sorted(UnitMembership.objects.values_list("unit__code", "user__username", "role"))
    out["tpi"] = sorted(TpiAssignment.objects.values_list("unit__code", "user__username", "year", "role"))
    out["roles"] = sorted(InstansiRole.objects.values_list("instansi__name", "user__username", "role"))
    out["unit_facts"] = sorted(UnitFact.objects.values_list("unit__code", "year", "lhkpn_pct", "findings_followup_pct"))
    out["instansi_facts"] = sorted(InstansiFact.objects.values_list("instansi__name", "year", "bpk_opinion"))
    # the world's unassigned TPI is named by no row of the period: not part of its bundle
    out["people"] = sorted(User.objects.exclude(username="tpi.lain").values_list("username", "full_name", "nip",
                                                                                  "email", "is_active"))
    assessments = Assessment.objects.select_related("unit__instansi", "period", "instrument")
    out["standings"] = {}
    for a in assessments:
        s = standing_of(a, with_gaps=False)
        out["standings"][a.unit.code] = (a.state, a.target, a.instrument.code, a.created_at, a.created_by.username,
                                         s.unit_total, s.tpi_total, s.answered, s.tpi_answered,
                                         s.recommendation.predicate, s.recommendation.label)
    out["answers"] = sorted(
        (a.assessment.unit.code, a.item.code, json.dumps(a.unit_answer, sort_keys=True), a.unit_note,
         json.dumps(a.tpi_answer, sort_keys=True), a.tpi_note, a.version, a.updated_at)
        for a in Answer.objects.select_related("assessment__unit", "item"))
    out["comments"] = sorted(Comment.objects.values_list("assessment__unit__code", "item__code", "author__username",
                                                         "side", "body", "created_at"))
    out["revisions"] = sorted(RevisionRequest.objects.values_list("assessment__unit__code", "requested_by__username",
                                                                  "note", "created_at"))
    out["revision_items"] = sorted(RevisionItem.objects.values_list("request__assessment__unit__code", "item__code",
                                                                    "note"))
    out["audit"] = sorted(
        (e.assessment.unit.code if e.assessment else "", e.action, e.item_code, e.actor.username if e.actor else "",
         json.dumps(e.before), json.dumps({**e.after, "instansi": "x"} if e.action == "period.open" else e.after),
         e.created_at)
        for e in AuditEvent.objects.exclude(action="bundle.import").select_related("assessment__unit", "actor"))
    out["versions"] = sorted(
        (v.document.unit.code, v.document.title, v.number, v.original_name, v.size, v.sha256,
         _bytes_sha(v.storage_name), v.uploaded_at)
        for v in EvidenceVersion.objects.select_related("document__unit"))
    out["attachments"] = sorted(
        (x.assessment.unit.code, x.item.code, x.document.title if x.document else "", x.link_url, x.review_status,
         x.reviewed_by.username if x.reviewed_by else "", x.removed_at, x.added_at)
        for x in EvidenceAttachment.objects.select_related("assessment__unit", "item", "document", "reviewed_by"))
    out["tpn"] = sorted(TpnFigures.objects.values_list("assessment__unit__code", "total", "pengungkit", "hasil",
                                                       "areas", "tpi_total", "tpi_areas", "note",
                                                       "recorded_by__username"))
    out["tpn_notes"] = sorted(TpnItemNote.objects.values_list("assessment__unit__code", "item_code", "note"))
    return out


def empty_the_database(media: Path) -> None:
    """Every row a bundle restores, and the evidence files: a database as new, but for the instrument."""
    for model in (EvidenceAttachment, EvidenceVersion, EvidenceDocument, AuditEvent, Notification, Report,
                  TpnFigures, AssessmentFigures, RevisionItem, RevisionRequest, Comment, Answer):
        model.objects.all().delete()
    Assessment.objects.update(carried_from=None)
    for model in (Assessment, Period, UnitFact, PredicateAward, UnitMembership, TpiAssignment, InstansiRole):
        model.objects.all().delete()
    WorkUnit.objects.update(parent=None)
    for model in (WorkUnit, InstansiFact, Instansi, User):
        model.objects.all().delete()
    shutil.rmtree(media / "evidence", ignore_errors=True)


def export(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "cadangan-2026.zip"
    call_command("export_bundle", "--period", "2026", "--output", str(out), *args, stdout=io.StringIO())
    return out


def test_round_trip_keeps_figures_answers_audit_and_files(period, tmp_path, media):
    before = picture()
    assert before["standings"]["UNIT-A"][5] > Decimal("0")  # something to compare
    assert len(before["answers"]) == 65 and len(before["versions"]) == 3
    path = export(tmp_path)
    empty_the_database(media)
    assert Assessment.objects.count() == 0 and not (media / "evidence").exists()

    out = io.StringIO()
    call_command("import_bundle", str(path), stdout=out)

    assert "2 assessments, 65 answers, 5 audit rows, 3 evidence files" in out.getvalue()
    after = picture()
    for key in before:
        assert after[key] == before[key], key
    assert AuditEvent.objects.filter(action="bundle.import").count() == 1
    assert not User.objects.filter(username="tpi.lain").exists()
    opened = AuditEvent.objects.get(action="period.open")
    assert opened.after == {"instansi": Instansi.objects.get().pk, "year": 2026}
    # restored accounts cannot log in until a password is set
    assert not User.objects.get(username="tim.a").has_usable_password()


def test_manifest_lists_every_member_with_its_hash(period, tmp_path):
    path = export(tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        for name, entry in manifest["members"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"]
            assert len(archive.read(name)) == entry["size"]
        data = json.loads(archive.read("data.json"))
    assert names == {"manifest.json", *manifest["members"]}
    assert len([n for n in names if n.startswith("files/")]) == 3
    assert manifest["format"] == "zi-portal-bundle" and manifest["format_version"] == 1
    assert manifest["portal_version"] == "0.1.0"
    assert manifest["scope"] == {"year": 2026, "unit": None, "instansi": ["Pemerintah Kota Uji"]}
    assert manifest["instruments"] == [{"code": period.a.instrument.code, "checksum": period.a.instrument.checksum}]
    assert manifest["counts"]["assessments.assessment"] == 2
    assert manifest["counts"]["units.workunit"] == 3
    assert manifest["password_hashes"] is False
    assert all("password" not in row for row in data["tables"]["units.user"])
    # the people named by the rows, not everyone: the unassigned TPI of the world is not among them
    assert "tpi.lain" not in {row["username"] for row in data["tables"]["units.user"]}


def test_password_hashes_only_when_asked(period, tmp_path, media):
    path = export(tmp_path, "--with-password-hashes")
    with zipfile.ZipFile(path) as archive:
        users = json.loads(archive.read("data.json"))["tables"]["units.user"]
    assert {row["password"][:6] for row in users} <= {"pbkdf2", "md5$", "argon2"} | {r["password"][:6] for r in users}
    old_hash = User.objects.get(username="tim.a").password
    empty_the_database(media)
    call_command("import_bundle", str(path), stdout=io.StringIO())
    assert User.objects.get(username="tim.a").password == old_hash


def test_one_unit_with_its_parents(period, tmp_path, media):
    path = export(tmp_path, "--unit", "UNIT-B")
    with zipfile.ZipFile(path) as archive:
        tables = json.loads(archive.read("data.json"))["tables"]
    assert sorted(r["code"] for r in tables["units.workunit"]) == ["INDUK", "UNIT-B"]
    assert len(tables["assessments.assessment"]) == 1
    assert len(tables["assessments.answer"]) == 25
    empty_the_database(media)
    call_command("import_bundle", str(path), stdout=io.StringIO())
    assert WorkUnit.objects.get(code="UNIT-B").parent.code == "INDUK"
    assert Answer.objects.filter(assessment__unit__code="UNIT-B").count() == 25


def test_refused_when_the_period_or_units_exist(period, tmp_path):
    path = export(tmp_path)
    answers = Answer.objects.count()
    with pytest.raises(CommandError, match="already has period 2026 of Pemerintah Kota Uji, unit INDUK"):
        call_command("import_bundle", str(path), stdout=io.StringIO())
    assert Answer.objects.count() == answers and Assessment.objects.count() == 2


def _rewrite(path: Path, change) -> Path:
    """A copy of the archive with its members passed through ``change(name, bytes) -> (name, bytes)``."""
    target = path.with_name("altered.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            name, content = change(info.filename, source.read(info))
            out.writestr(name, content)
    return target


def _with_fresh_manifest(path: Path) -> Path:
    """The archive with its manifest's hashes recomputed, as a forger would."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for name in manifest["members"]:
            body = archive.read(name)
            manifest["members"][name] = {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
    fresh = path.with_name("fresh.zip")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fresh, "w") as out:
        for info in source.infolist():
            body = json.dumps(manifest).encode() if info.filename == "manifest.json" else source.read(info)
            out.writestr(info.filename, body)
    return fresh


def _nothing_restored(media: Path) -> None:
    assert Assessment.objects.count() == 0 and WorkUnit.objects.count() == 0 and User.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert not (media / "evidence").exists() or not any(p.is_file() for p in (media / "evidence").rglob("*"))


def test_a_tampered_file_is_refused_and_nothing_is_written(period, tmp_path, media):
    path = export(tmp_path)
    altered = _rewrite(path, lambda n, b: (n, b.replace(b"versi dua", b"versi DUA")) if n.startswith("files/")
                       else (n, b))
    empty_the_database(media)
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("import_bundle", str(altered), stdout=io.StringIO())
    _nothing_restored(media)


def test_tampered_data_with_a_recomputed_manifest_still_fails_on_the_file_hash(period, tmp_path, media):
    # someone edits a file and rewrites the manifest to match: the file's name is its SHA-256, and the
    # version row records it too
    path = export(tmp_path)

    def change(name, content):
        if name.startswith("files/"):
            return name, content + b"%"
        return name, content

    again = _with_fresh_manifest(_rewrite(path, change))
    empty_the_database(media)
    with pytest.raises(CommandError, match="listed with another SHA-256 than its name"):
        call_command("import_bundle", str(again), stdout=io.StringIO())
    _nothing_restored(media)


def test_the_whole_archive_hash_can_be_required(period, tmp_path, media):
    path = export(tmp_path)
    empty_the_database(media)
    with pytest.raises(CommandError, match="SHA-256 is"):
        call_command("import_bundle", str(path), "--sha256", "0" * 64, stdout=io.StringIO())
    _nothing_restored(media)
    call_command("import_bundle", str(path), "--sha256", hashlib.sha256(path.read_bytes()).hexdigest(),
                 stdout=io.StringIO())
    assert Assessment.objects.count() == 2


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "files/../../x", "files/abc", "notes.txt"])
def test_member_names_outside_the_format_are_refused(period, tmp_path, media, name):
    path = export(tmp_path)
    altered = tmp_path / "extra.zip"
    shutil.copy(path, altered)
    with zipfile.ZipFile(altered, "a") as archive:
        archive.writestr(name, b"x")
    empty_the_database(media)
    with pytest.raises(CommandError, match="unexpected member"):
        call_command("import_bundle", str(altered), stdout=io.StringIO())
    _nothing_restored(media)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_zip_bomb_is_refused_from_its_directory(period, tmp_path, media, settings):
    settings.BUNDLE_MAX_GB = 0.01  # 10 MiB declared at most
    path = export(tmp_path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("files/" + "0" * 64, b"\0" * (20 * 1024 * 1024))
    empty_the_database(media)
    with pytest.raises(CommandError, match="zip bomb"):
        call_command("import_bundle", str(path), stdout=io.StringIO())
    _nothing_restored(media)


def test_not_a_zip_is_refused(tmp_path):
    junk = tmp_path / "x.zip"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="not a zip archive"):
        call_command("import_bundle", str(junk), stdout=io.StringIO())


def test_an_instrument_that_differs_here_is_refused(period, tmp_path, media):
    path = export(tmp_path)

    def change(name, content):
        if name == "data.json":
            data = json.loads(content)
            data["tables"]["assessments.instrument"][0]["checksum"] = "f" * 64
            return name, json.dumps(data).encode()
        return name, content

    again = _with_fresh_manifest(_rewrite(path, change))
    empty_the_database(media)
    with pytest.raises(CommandError, match="instrument permenpanrb-90-2021 differs here"):
        call_command("import_bundle", str(again), stdout=io.StringIO())
    _nothing_restored(media)


def test_a_missing_instrument_is_loaded_from_the_bundle(period, tmp_path, media):
    # the bundle's instrument under a code this database does not have: the import loads and
    # publishes it, and the assessments score the same on it
    totals = {a.unit.code: standing_of(a, with_gaps=False).unit_total for a in Assessment.objects.all()}
    path = export(tmp_path)

    def change(name, content):
        if name == "data.json":
            data = json.loads(content)
            row = data["tables"]["assessments.instrument"][0]
            row["code"] = row["definition"]["instrument"]["code"] = "lke-dari-cadangan"
            row["checksum"] = lke.instrument_sync.checksum(row["definition"])
            for item in data["tables"]["assessments.instrumentitem"]:
                item["instrument__code"] = "lke-dari-cadangan"
            return name, json.dumps(data).encode()
        return name, content

    altered = _with_fresh_manifest(_rewrite(path, change))
    empty_the_database(media)
    out = io.StringIO()
    call_command("import_bundle", str(altered), stdout=out)
    assert "instruments loaded: lke-dari-cadangan" in out.getvalue()
    restored = Instrument.objects.get(code="lke-dari-cadangan")
    assert restored.is_published and restored.items.count() == Instrument.objects.get(
        code=bundled_instrument().code).items.count()
    assert {a.unit.code: standing_of(a, with_gaps=False).unit_total
            for a in Assessment.objects.filter(instrument=restored)} == totals


def test_export_of_a_year_without_a_period_says_so(world, tmp_path):
    with pytest.raises(CommandError, match="no period for the year 2030"):
        call_command("export_bundle", "--period", "2030", "--output", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_export_stops_on_a_damaged_stored_file(period, tmp_path, media):
    version = EvidenceVersion.objects.order_by("pk").first()
    (media / version.storage_name).write_bytes(b"rusak")  # the local disk of these tests
    with pytest.raises(Exception, match="no longer matches its SHA-256"):
        bundle_export(year=2026, output=tmp_path / "x.zip")
    assert not (tmp_path / "x.zip").exists() and list(tmp_path.glob(".x.zip*")) == []


def test_member_name_rule_is_pure():
    assert bundle.member_is_allowed("files/" + "a" * 64)
    assert not bundle.member_is_allowed("files/" + "A" * 64)
    assert not bundle.member_is_allowed("files/" + "a" * 64 + "/x")
    assert not bundle.member_is_allowed("./manifest.json")


def test_a_bundle_from_before_round_numbers_and_tpn_figures_is_restored(period, tmp_path, media):
    """An older portal exported revision requests without their round number, answers without the
    review tiers' columns and had no TPN figures: the import numbers the rounds by creation time
    per assessment, as the migration did, and gives the missing columns their defaults."""
    later = RevisionRequestFactory(assessment=period.a, requested_by=period.tpi_a, note="Putaran kedua.", number=2)
    RevisionRequest.objects.filter(pk=later.pk).update(created_at=timezone.now() + dt.timedelta(days=3))
    path = export(tmp_path)

    def older(name: str, body: bytes) -> tuple[str, bytes]:
        if name != "data.json":
            return name, body
        data = json.loads(body)
        for row in data["tables"]["assessments.revisionrequest"]:
            del row["number"]
        for row in data["tables"]["assessments.answer"]:  # before the review tiers
            for column in ("member_answer", "member_note", "member_by_id", "lead_answer", "lead_note", "lead_by_id"):
                del row[column]
        del data["tables"]["assessments.tpnfigures"]
        del data["tables"]["assessments.tpnitemnote"]
        for row in data["tables"]["assessments.assessment"]:  # before the sanggah and the mandiri route
            for column in ("result_route", "result_admin_passed", "result_admin_date", "sanggah_deadline",
                           "proposed_at"):
                del row[column]
        return name, json.dumps(data).encode()

    bundle_file = _with_fresh_manifest(_rewrite(path, older))
    empty_the_database(media)
    call_command("import_bundle", str(bundle_file), stdout=io.StringIO())
    rounds = list(RevisionRequest.objects.order_by("number").values_list("number", "note"))
    assert rounds == [(1, "Lengkapi."), (2, "Putaran kedua.")]
    assert not TpnFigures.objects.exists() and not TpnItemNote.objects.exists()
    assert Answer.objects.count() == 65 and set(Answer.objects.values_list("member_note", "lead_note")) == {("", "")}
