"""Backups of one period: ``bundle_export`` writes a self-contained archive, ``bundle_import``
restores it into a database that does not have that period or those units yet.

What a bundle holds (``data.json``, one list of rows per table, every column by its attribute name;
foreign keys are the exporting database's ids, remapped on import):

- the instansi of the period(s) of that year, their yearly facts and instansi roles;
- the work units (all of the instansi, or with ``unit_code`` that unit and its parents), their
  yearly facts, predicate history, team memberships and the year's TPI assignments;
- the periods, assessments, answers (both sides), comments, revision requests with their items,
  the audit rows of those assessments and the ``period.open`` rows;
- the evidence documents attached to those assessments, every version of them, the attachments
  with their TPI reviews, and each version's bytes under ``files/<sha256>``;
- the people any of those rows names: username, names, NIP, e-mail, jabatan, active flag. Without
  ``password_hashes`` the restored accounts have no usable password (set one, or use "lupa kata
  sandi"); the staff/superuser flags are never restored from a file;
- the instrument versions the assessments use (code, checksum and definition): restored if the
  database lacks them, refused if it has a different version under the same code.

Not in a bundle: notifications, PDF reports (render them again), the registry of issued documents
(``documents``: its verification pages stay on the portal that issued them), the figures cache (recomputed by
``assessments.tasks.figures_warm`` after the import), field history (django-simple-history), API
tokens, instansi logos, documents of a unit that no assessment of the period uses.

The import refuses, before it writes anything: a damaged or altered archive (every member's
SHA-256 against the manifest), unexpected member names, zip bombs, an existing period or unit, an
existing account with a NIP the bundle gives to someone else. It then writes everything in one
transaction; the evidence files are staged (hashed again) and renamed into place as its last step,
and removed if anything fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from assessments.audit import AuditAction, audit_record
from assessments.models import (
    Answer,
    Assessment,
    AuditEvent,
    Comment,
    Instrument,
    InstrumentItem,
    Period,
    RevisionItem,
    RevisionRequest,
    TpnFigures,
    TpnItemNote,
)
from assessments.services import instrument_load, instrument_publish
from assessments.services.figures import figures_warm_on_commit
from evidence.models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
from units.models import (
    Instansi,
    InstansiFact,
    InstansiRole,
    PredicateAward,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    WorkUnit,
)

from . import bundle, files

User = get_user_model()

# The tables in the order they are restored (every foreign key points at a table above it, or at
# itself: self-references are restored in a second pass).
TABLES: list[type[models.Model]] = [
    Instansi, InstansiFact, WorkUnit, UnitFact, PredicateAward, UnitMembership, TpiAssignment, InstansiRole,
    Period, Assessment, Answer, Comment, RevisionRequest, RevisionItem, AuditEvent, TpnFigures, TpnItemNote,
    EvidenceDocument, EvidenceVersion, EvidenceAttachment,
]
# Tables added to the bundle after its format was first released: a bundle may lack them.
LATER_TABLES = frozenset({"assessments.tpnfigures", "assessments.tpnitemnote"})
USER_FIELDS = ["id", "username", "full_name", "first_name", "last_name", "nip", "email", "jabatan", "is_active",
               "date_joined"]
USERS = "units.user"
ITEMS = "assessments.instrumentitem"
INSTRUMENTS = "assessments.instrument"
BATCH = 1000


class BundleError(Exception):
    """The export or the import cannot go on; the message says why."""


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _portal_version() -> str:
    try:
        return str(tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _plain(value: Any) -> Any:
    """A column value as JSON: Decimals and dates as exact strings (never rounded)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _rows(queryset: models.QuerySet, names: list[str] | None = None) -> list[dict[str, Any]]:
    model = queryset.model
    names = names or [f.attname for f in model._meta.concrete_fields]
    return [{k: _plain(v) for k, v in row.items()} for row in queryset.order_by("pk").values(*names).iterator(2000)]


# --- export ---------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    path: Path
    sha256: str  # of the whole archive
    counts: dict[str, int]
    files: int
    file_bytes: int


def _ancestors(units: Iterable[WorkUnit]) -> list[WorkUnit]:
    found = {u.pk: u for u in units}
    pending = [u.parent_id for u in found.values() if u.parent_id and u.parent_id not in found]
    while pending:
        parents = list(WorkUnit.objects.filter(pk__in=pending))
        for parent in parents:
            found[parent.pk] = parent
        pending = [u.parent_id for u in parents if u.parent_id and u.parent_id not in found]
    return list(found.values())


def _select(year: int, unit_code: str | None) -> dict[str, list[dict[str, Any]]]:
    periods = Period.objects.filter(year=year)
    if unit_code is not None:
        unit = WorkUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise BundleError(f"no work unit with the code {unit_code!r}")
        periods = periods.filter(instansi_id=unit.instansi_id)
        units = _ancestors([unit])
    period_ids = list(periods.values_list("pk", flat=True))
    if not period_ids:
        raise BundleError(f"no period for the year {year}" + (f" of the unit {unit_code}" if unit_code else ""))
    instansi_ids = sorted(set(periods.values_list("instansi_id", flat=True)))
    if unit_code is None:
        units = list(WorkUnit.objects.filter(instansi_id__in=instansi_ids))
    unit_ids = [u.pk for u in units]
    assessments = Assessment.objects.filter(period_id__in=period_ids, unit_id__in=unit_ids)
    assessment_ids = list(assessments.values_list("pk", flat=True))
    attachments = EvidenceAttachment.objects.filter(assessment_id__in=assessment_ids)
    document_ids = set(attachments.exclude(document=None).values_list("document_id", flat=True))
    requests = RevisionRequest.objects.filter(assessment_id__in=assessment_ids)
    period_open = AuditEvent.objects.filter(assessment=None, action=AuditAction.PERIOD_OPEN, after__year=year)
    tables = {
        _label(Instansi): _rows(Instansi.objects.filter(pk__in=instansi_ids)),
        _label(InstansiFact): _rows(InstansiFact.objects.filter(instansi_id__in=instansi_ids)),
        _label(WorkUnit): _rows(WorkUnit.objects.filter(pk__in=unit_ids)),
        _label(UnitFact): _rows(UnitFact.objects.filter(unit_id__in=unit_ids)),
        _label(PredicateAward): _rows(PredicateAward.objects.filter(unit_id__in=unit_ids)),
        _label(UnitMembership): _rows(UnitMembership.objects.filter(unit_id__in=unit_ids)),
        _label(TpiAssignment): _rows(TpiAssignment.objects.filter(unit_id__in=unit_ids, year=year)),
        _label(InstansiRole): _rows(InstansiRole.objects.filter(instansi_id__in=instansi_ids)),
        _label(Period): _rows(Period.objects.filter(pk__in=period_ids)),
        _label(Assessment): _rows(assessments),
        _label(Answer): _rows(Answer.objects.filter(assessment_id__in=assessment_ids)),
        _label(Comment): _rows(Comment.objects.filter(assessment_id__in=assessment_ids)),
        _label(RevisionRequest): _rows(requests),
        _label(RevisionItem): _rows(RevisionItem.objects.filter(request__in=requests)),
        _label(AuditEvent): _rows(AuditEvent.objects.filter(assessment_id__in=assessment_ids))
        + [row for row in _rows(period_open) if (row["after"] or {}).get("instansi") in instansi_ids],
        _label(TpnFigures): _rows(TpnFigures.objects.filter(assessment_id__in=assessment_ids)),
        _label(TpnItemNote): _rows(TpnItemNote.objects.filter(assessment_id__in=assessment_ids)),
        _label(EvidenceDocument): _rows(EvidenceDocument.objects.filter(pk__in=document_ids)),
        _label(EvidenceVersion): _rows(EvidenceVersion.objects.filter(document_id__in=document_ids)),
        _label(EvidenceAttachment): _rows(attachments),
    }
    instrument_ids = sorted(set(assessments.values_list("instrument_id", flat=True)))
    tables[INSTRUMENTS] = _rows(Instrument.objects.filter(pk__in=instrument_ids),
                                ["id", "code", "name", "status", "checksum", "definition"])
    tables[ITEMS] = _rows(InstrumentItem.objects.filter(instrument_id__in=instrument_ids),
                          ["id", "code", "instrument__code"])
    return tables


def _user_ids(tables: dict[str, list[dict[str, Any]]]) -> set[int]:
    """Every user a row of the bundle names."""
    found: set[int] = set()
    for model in TABLES:
        names = [f.attname for f in model._meta.concrete_fields
                 if f.is_relation and f.related_model is User]
        for row in tables[_label(model)]:
            found.update(row[n] for n in names if row[n] is not None)
    return found


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole export (PostgreSQL: repeatable read; inside
    a caller's transaction, that transaction's view)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def bundle_export(*, actor=None, year: int, unit_code: str | None = None, output: Path,
                  password_hashes: bool = False) -> ExportResult:
    """Write the bundle of ``year`` (one unit with ``unit_code``) to ``output`` (a new zip, written
    beside it under a temporary name and renamed when complete)."""
    with _snapshot():
        tables = _select(year, unit_code)
        user_fields = [*USER_FIELDS, "password"] if password_hashes else USER_FIELDS
        tables[USERS] = _rows(User.objects.filter(pk__in=_user_ids(tables)), user_fields)
        versions = tables[_label(EvidenceVersion)]
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
        os.close(fd)
        temp = Path(temp_name)
        members: dict[str, dict[str, Any]] = {}
        try:
            with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                data = json.dumps({"format_version": bundle.FORMAT_VERSION, "tables": tables},
                                  ensure_ascii=False, separators=(",", ":")).encode()
                archive.writestr(bundle.DATA, data)
                members[bundle.DATA] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                file_bytes = 0
                for row in versions:
                    name = bundle.file_member(row["sha256"])
                    if name in members:
                        continue
                    file_bytes += _copy_version_into(archive, name, row, members)
                counts = {label: len(rows) for label, rows in tables.items()}
                manifest = bundle.build_manifest(
                    created_at=timezone.now().isoformat(),
                    portal_version=_portal_version(),
                    scope={"year": year, "unit": unit_code,
                           "instansi": [row["name"] for row in tables[_label(Instansi)]]},
                    counts=counts,
                    instruments=[{"code": row["code"], "checksum": row["checksum"]} for row in tables[INSTRUMENTS]],
                    members=members,
                    password_hashes=password_hashes,
                )
                archive.writestr(bundle.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            with temp.open("rb") as written:
                archive_sha, _ = bundle.sha256_of_chunks(bundle.chunks_of(written))
            os.replace(temp, output)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return ExportResult(path=output, sha256=archive_sha, counts=counts, files=len(members) - 1, file_bytes=file_bytes)


def _copy_version_into(archive: zipfile.ZipFile, name: str, row: dict[str, Any],
                       members: dict[str, dict[str, Any]]) -> int:
    """Copy one stored version into the archive (stored, not compressed again), hashing it; refuse
    a stored file whose bytes are no longer the ones its row recorded."""
    digest = hashlib.sha256()
    size = 0
    with files.open_stored(row["storage_name"]) as source, archive.open(name, "w", force_zip64=True) as target:
        for chunk in bundle.chunks_of(source):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    if digest.hexdigest() != row["sha256"]:
        raise BundleError(f"the stored file of evidence version {row['id']} ({row['storage_name']}) no longer "
                          f"matches its SHA-256: the export stops rather than carry a damaged file")
    members[name] = {"sha256": row["sha256"], "size": size}
    return size


# --- import ---------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)
    users_created: int = 0
    users_reused: int = 0
    instruments_loaded: list[str] = field(default_factory=list)
    files: int = 0
    assessment_ids: list[int] = field(default_factory=list)


def limits() -> bundle.Limits:
    return bundle.Limits(
        max_members=settings.BUNDLE_MAX_MEMBERS,
        max_uncompressed=int(settings.BUNDLE_MAX_GB * 1024 ** 3),
        max_ratio=settings.BUNDLE_MAX_RATIO,
        max_data_bytes=int(settings.BUNDLE_MAX_DATA_MB * 1024 ** 2),
    )


@contextlib.contextmanager
def _keeping_timestamps(models_: Iterable[type[models.Model]]) -> Iterator[None]:
    """Restore ``created_at``/``updated_at`` as exported: ``auto_now``/``auto_now_add`` would stamp
    the time of the import. Only for the import's own inserts (a management command's process)."""
    changed = []
    for model in models_:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Restorer:
    """Writes the tables of one bundle, remapping every id through ``self.ids``."""

    def __init__(self, archive: zipfile.ZipFile, tables: dict[str, list[dict[str, Any]]]) -> None:
        self.archive = archive
        self.tables = tables
        self.ids: dict[str, dict[int, int]] = {}
        self.result = ImportResult()
        self.staged: list[Any] = []
        self.document_units: dict[int, int] | None = None
        self.round_numbers: dict[int, int] | None = None

    # refusals, before any write

    def check_target(self) -> None:
        instansi_names = {row["id"]: row["name"] for row in self.tables[_label(Instansi)]}
        taken = []
        for row in self.tables[_label(Period)]:
            name = instansi_names.get(row["instansi_id"])
            if Period.objects.filter(instansi__name=name, year=row["year"]).exists():
                taken.append(f"period {row['year']} of {name}")
        codes = [row["code"] for row in self.tables[_label(WorkUnit)]]
        for start in range(0, len(codes), BATCH):
            taken += [f"unit {c}" for c in WorkUnit.objects.filter(code__in=codes[start:start + BATCH])
                      .values_list("code", flat=True)]
        if taken:
            shown = ", ".join(sorted(taken)[:10]) + (f" and {len(taken) - 10} more" if len(taken) > 10 else "")
            raise BundleError(f"this database already has {shown}: a bundle is restored only into a database "
                              f"without its period and units")
        usernames = {row["username"] for row in self.tables[USERS]}
        existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        for row in self.tables[USERS]:
            if row["username"] not in existing and row["nip"] and User.objects.filter(nip=row["nip"]).exists():
                raise BundleError(f"the NIP of {row['username']} belongs to another account in this database")
        for row in self.tables[INSTRUMENTS]:
            present = Instrument.objects.filter(code=row["code"]).values_list("checksum", flat=True).first()
            if present is not None and present != row["checksum"]:
                raise BundleError(f"instrument {row['code']} differs here from the bundle's version "
                                  f"(checksum {present[:12]} here, {row['checksum'][:12]} in the bundle)")

    # writes

    def restore(self) -> ImportResult:
        self._instruments()
        self._users()
        with _keeping_timestamps(TABLES):
            for model in TABLES:
                self._table(model)
            self._self_references()
        self._commit_files()
        return self.result

    def _instruments(self) -> None:
        by_code = {}
        for row in self.tables[INSTRUMENTS]:
            instrument = Instrument.objects.filter(code=row["code"]).first()
            if instrument is None:
                instrument, _ = instrument_load(definition=row["definition"], source=f"bundle:{row['code']}")
                if row["status"] == Instrument.Status.PUBLISHED:
                    instrument = instrument_publish(instrument=instrument)
                if instrument.checksum != row["checksum"]:
                    raise BundleError(f"instrument {row['code']} loaded with another checksum than the bundle's")
                self.result.instruments_loaded.append(row["code"])
            by_code[row["code"]] = instrument.pk
        self.ids[INSTRUMENTS] = {row["id"]: by_code[row["code"]] for row in self.tables[INSTRUMENTS]}
        items = {(code, item_code): pk for pk, code, item_code in InstrumentItem.objects.filter(
            instrument_id__in=by_code.values()).values_list("pk", "instrument__code", "code")}
        self.ids[ITEMS] = {}
        for row in self.tables[ITEMS]:
            key = (row["instrument__code"], row["code"])
            if key not in items:
                raise BundleError(f"item {row['code']} of instrument {row['instrument__code']} is missing here")
            self.ids[ITEMS][row["id"]] = items[key]

    def _users(self) -> None:
        rows = self.tables[USERS]
        existing = dict(User.objects.filter(username__in=[r["username"] for r in rows]).values_list("username", "pk"))
        new = []
        for row in rows:
            if row["username"] in existing:
                continue
            user = User(**{k: v for k, v in row.items() if k not in ("id", "password", "date_joined")})
            user.date_joined = _field_value(User, "date_joined", row["date_joined"])
            if row.get("password"):
                user.password = row["password"]
            else:
                user.set_unusable_password()
            new.append(user)
        created = User.objects.bulk_create(new, batch_size=BATCH)
        by_name = {**existing, **{u.username: u.pk for u in created}}
        self.ids[USERS] = {row["id"]: by_name[row["username"]] for row in rows}
        self.result.users_created = len(created)
        self.result.users_reused = len(existing)

    def _map(self, model: type[models.Model], f: models.Field, value: int | None) -> int | None:
        if value is None:
            return None
        target = f.related_model
        label = USERS if target is User else _label(target)  # type: ignore[arg-type]
        mapped = self.ids.get(label, {}).get(value)
        if mapped is None and not f.null:
            raise BundleError(f"{_label(model)}.{f.name} points at {label} {value}, which the bundle does not hold")
        return mapped

    def _table(self, model: type[models.Model]) -> None:
        label = _label(model)
        rows = self.tables.get(label, [])
        self.ids[label] = {}
        reuse = self._reused_rows(model, rows)
        objects, old_ids = [], []
        for row in rows:
            if row["id"] in reuse:
                self.ids[label][row["id"]] = reuse[row["id"]]
                continue
            values = {}
            for f in model._meta.concrete_fields:
                if f.primary_key:
                    continue
                if f.attname not in row and not f.is_relation:
                    # a column added after the bundle was exported: what a new row gets here (its
                    # default; "" for text, None where null is allowed)
                    values[f.attname] = f.get_default()
                    continue
                value = row.get(f.attname)
                if f.is_relation:
                    # self-references are set in a second pass, once every row of the table has its id
                    values[f.attname] = None if f.related_model is model else self._map(model, f, value)
                else:
                    values[f.attname] = _field_value(model, f.name, value)
            obj = model(**values)
            self._adjust(obj, row)
            objects.append(obj)
            old_ids.append(row["id"])
        created = model.objects.bulk_create(objects, batch_size=BATCH)  # type: ignore[attr-defined]
        for old, obj in zip(old_ids, created, strict=True):
            self.ids[label][old] = obj.pk
        self.result.counts[label] = len(created)
        if model is Assessment:
            self.result.assessment_ids = [obj.pk for obj in created]

    def _reused_rows(self, model: type[models.Model], rows: list[dict[str, Any]]) -> dict[int, int]:
        """Rows that exist here already and are kept as they are: an instansi of the same name (and
        its facts of a year, its roles) — the units and periods themselves were checked absent."""
        here: dict[Any, int]
        keys: dict[int, Any]
        instansi_ids: list[int] = list(self.ids.get(_label(Instansi), {}).values())
        if model is Instansi:
            here = dict(Instansi.objects.filter(name__in=[r["name"] for r in rows]).values_list("name", "pk"))
            return {r["id"]: here[r["name"]] for r in rows if r["name"] in here}
        if model is InstansiFact:
            here = {(i, y): pk for pk, i, y in InstansiFact.objects.filter(
                instansi_id__in=instansi_ids).values_list("pk", "instansi_id", "year")}
            keys = {r["id"]: (self.ids[_label(Instansi)][r["instansi_id"]], r["year"]) for r in rows}
            return {old: here[key] for old, key in keys.items() if key in here}
        if model is InstansiRole:
            here = {(u, i, r): pk for pk, u, i, r in InstansiRole.objects.filter(
                instansi_id__in=instansi_ids).values_list("pk", "user_id", "instansi_id", "role")}
            keys = {r["id"]: (self.ids[USERS][r["user_id"]], self.ids[_label(Instansi)][r["instansi_id"]], r["role"])
                    for r in rows}
            return {old: here[key] for old, key in keys.items() if key in here}
        return {}

    def _adjust(self, obj: models.Model, row: dict[str, Any]) -> None:
        if isinstance(obj, Instansi):
            obj.logo = ""  # the logo file is not carried
        elif isinstance(obj, TpiAssignment):
            obj.email_pending = False
        elif isinstance(obj, AuditEvent) and obj.action == AuditAction.PERIOD_OPEN and isinstance(obj.after, dict):
            old = obj.after.get("instansi")
            instansi = self.ids[_label(Instansi)].get(old) if isinstance(old, int) else None
            obj.after = {**obj.after, "instansi": instansi}
        elif isinstance(obj, RevisionRequest) and row.get("number") is None:
            # a bundle exported before review rounds were numbered: by creation time per assessment,
            # as the migration numbered the rows of this database
            obj.number = self._round_numbers()[row["id"]]
        elif isinstance(obj, EvidenceVersion):
            member = bundle.file_member(row["sha256"])
            if self.document_units is None:
                self.document_units = self._document_units()
            unit_id = self.document_units[row["document_id"]]
            with self.archive.open(member) as stream:
                staged = files.stage_restored(stream, unit_id=unit_id,
                                              extension=files.extension_of(row["storage_name"]))
            self.staged.append(staged)
            if staged.sha256 != row["sha256"] or staged.size != row["size"]:
                raise BundleError(f"{member} does not match evidence version {row['id']}")
            obj.storage_name = staged.storage_name

    def _round_numbers(self) -> dict[int, int]:
        """Exported revision request id -> its round number (1, 2, ... per assessment by created_at,
        then id), for bundles that predate the numbers."""
        if self.round_numbers is None:
            rows = sorted(self.tables.get(_label(RevisionRequest), []),
                          key=lambda r: (r["assessment_id"], r["created_at"] or "", r["id"]))
            numbers: dict[int, int] = {}
            seen: dict[int, int] = {}
            for r in rows:
                seen[r["assessment_id"]] = seen.get(r["assessment_id"], 0) + 1
                numbers[r["id"]] = seen[r["assessment_id"]]
            self.round_numbers = numbers
        return self.round_numbers

    def _document_units(self) -> dict[int, int]:
        """Exported document id -> the restored unit's id (where a restored version's file goes)."""
        units = self.ids[_label(WorkUnit)]
        return {row["id"]: units[row["unit_id"]] for row in self.tables[_label(EvidenceDocument)]}

    def _self_references(self) -> None:
        for model in TABLES:
            label = _label(model)
            for f in model._meta.concrete_fields:
                if not (f.is_relation and f.related_model is model):
                    continue
                for row in self.tables.get(label, []):
                    target = self.ids[label].get(row[f.attname]) if row[f.attname] is not None else None
                    new_pk = self.ids[label].get(row["id"])
                    if target is not None and new_pk is not None:
                        model.objects.filter(pk=new_pk).update(**{f.attname: target})  # type: ignore[attr-defined]

    def _commit_files(self) -> None:
        for staged in self.staged:
            staged.commit()
        self.result.files = len(self.staged)

    def discard_files(self) -> None:
        for staged in self.staged:
            staged.discard()


def _field_value(model: type[models.Model], name: str, value: Any) -> Any:
    f = model._meta.get_field(name)
    if value is None or isinstance(f, models.JSONField):
        return value
    return f.to_python(value)  # type: ignore[union-attr]


def bundle_import(*, actor=None, path: Path, expect_sha256: str | None = None) -> ImportResult:
    """Restore the bundle at ``path`` (see the module for what is checked and refused first)."""
    if expect_sha256 is not None:
        with path.open("rb") as whole:
            found, _ = bundle.sha256_of_chunks(bundle.chunks_of(whole))
        if found != expect_sha256.lower():
            raise bundle.BundleRefused(f"the archive's SHA-256 is {found}, not the expected {expect_sha256}")
    with path.open("rb") as raw:
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise bundle.BundleRefused("not a zip archive") from None
        with archive:
            manifest = bundle.check_archive(archive, limits())
            for name in manifest["members"]:
                bundle.verify_member(archive, name, manifest)
            data = bundle.read_data(archive, manifest)
            return _restore(actor, archive, manifest, data["tables"])


@transaction.atomic
def _restore(actor, archive: zipfile.ZipFile, manifest: dict[str, Any],
             tables: dict[str, list[dict[str, Any]]]) -> ImportResult:
    for label in [USERS, ITEMS, INSTRUMENTS, *(_label(m) for m in TABLES)]:
        if label in LATER_TABLES and label not in tables:
            continue  # a bundle of a portal from before the table existed
        if not isinstance(tables.get(label), list):
            raise bundle.BundleRefused(f"data.json has no table {label}")
    restorer = _Restorer(archive, tables)
    restorer.check_target()
    try:
        result = restorer.restore()
        audit_record(actor=actor, assessment=None, action=AuditAction.BUNDLE_IMPORT,
                     after={"scope": manifest.get("scope"), "created_at": manifest.get("created_at"),
                            "counts": result.counts, "files": result.files})
        figures_warm_on_commit(result.assessment_ids)
    except BaseException:
        restorer.discard_files()
        raise
    return result
