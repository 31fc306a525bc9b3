"""Importing answers from an LKE workbook exported by the portal (round trip).

``lke_import_plan`` reads nothing but the stored answers and computes, for the importing side
(unit or TPI), every change the file would make and every error, by row and item code.
``lke_import_apply`` applies such a plan through ``answer_save`` in one transaction, so the
version counter, the audit trail, the permissions by side and the workflow-state checks are the
same as for an answer saved on the worksheet. The other side's columns are never imported.

The temporary-file helpers keep an uploaded workbook between the preview and the confirmation
in a private folder of the file storage, bound to a random token, the user, the assessment and the
file's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zi_portal.common.storage import (
    STORAGE_ERRORS,
    StorageUnavailable,
    file_storage,
    stored_delete,
    stored_modified_timestamp,
    stored_put,
    stored_read,
)
from zi_portal.common.text import clean_text

from .. import lke, selectors
from ..access import assessment_roles, side_of
from ..audit import AuditAction, audit_record
from ..models import Assessment
from ..reports import xlsx as layout
from ..reports.xlsx_read import Limits, LkeWorkbook, SheetRow
from .figures import figures_warm_on_commit
from .work import answer_save

SIDE_LABELS = {"unit": gettext_lazy("tim unit"), "tpi": "TPI"}
ROW_MARGIN = 2  # an imported sheet may use up to twice the rows of the exported one
# XML elements per part: the exported sheet has ~33 per row; a floor for Excel's own styles
ELEMENTS_PER_ROW = 100
MIN_PART_ELEMENTS = 50_000
MAX_ERRORS_KEPT = 100  # errors listed in a plan; the rest are counted ("dan N kesalahan lainnya")
FIELD_LABELS = {"answer": gettext_lazy("jawaban"), "note": gettext_lazy("catatan")}


class LkeImportRefused(ValueError):
    """The workbook cannot be imported into this assessment at all (one Indonesian message)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Change:
    row: int
    code: str
    field: str  # "answer" | "note"
    old: Any
    new: Any

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS[self.field])

    @property
    def old_text(self) -> str:
        return answer_text(self.old)

    @property
    def new_text(self) -> str:
        return answer_text(self.new)

    def line(self) -> str:
        return _("baris %(row)s, %(code)s: %(field)s %(old)s → %(new)s") % {
            "row": self.row, "code": self.code, "field": self.field_label, "old": self.old_text, "new": self.new_text}


@dataclass(frozen=True)
class RowError:
    row: int
    code: str
    message: str

    def line(self) -> str:
        return _("baris %(row)s, %(code)s: %(message)s") % {"row": self.row, "code": self.code, "message": self.message}


@dataclass
class ImportPlan:
    side: str
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # the first MAX_ERRORS_KEPT
    errors_more: int = 0  # errors found beyond those kept
    notices: list[str] = field(default_factory=list)
    # item code -> (canonical answer, note) to save, for items with at least one change
    targets: dict[str, tuple[Any, str]] = field(default_factory=dict)

    def add_error(self, error: RowError) -> None:
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)
        else:
            self.errors_more += 1

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_more

    def digest(self) -> str:
        """A fingerprint of the changes, so a confirmation applies exactly what was previewed."""
        payload = json.dumps([(c.row, c.code, c.field, c.old, c.new) for c in self.changes],
                             sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def answer_text(value: Any) -> str:
    """An answer as the preview shows it: the option, "3,60", "a=1, b=2", or "(kosong)"."""
    if value is None or value == "":
        return _("(kosong)")
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, str) and re.fullmatch(r"\d+\.\d+", value):
        return value.replace(".", ",")
    return str(value)


def import_side(user, assessment: Assessment) -> str:
    """The side ``user`` imports for, or PermissionDenied when they may not write it now."""
    roles = assessment_roles(user, assessment)
    side = side_of(roles)
    if side == "unit" and lke.workflow.unit_may_edit(assessment.state, roles):
        return side
    if side == "tpi" and lke.workflow.tpi_may_score(assessment.state, roles):
        return side
    if side is None:
        raise PermissionDenied(_("Hanya tim unit atau TPI penilaian ini yang dapat mengimpor jawaban."))
    raise PermissionDenied(
        _("Jawaban %(side)s tidak dapat diubah pada status %(state)s; impor tidak tersedia.")
        % {"side": SIDE_LABELS[side], "state": assessment.state_label}
    )


def system_side(assessment: Assessment) -> str | None:
    """The side a system import (CLI) writes by default: the one the current state lets write."""
    if lke.workflow.tpi_may_score(assessment.state, lke.workflow.TPI_ROLES):
        return "tpi"
    if lke.workflow.unit_may_edit(assessment.state, lke.workflow.UNIT_ROLES):
        return "unit"
    return None


def check_metadata(assessment: Assessment, meta: dict) -> None:
    """Refuse a workbook of another instrument version, unit, period or assessment."""
    instrument = assessment.instrument
    if meta.get("instrument") != instrument.code or meta.get("instrument_checksum") != instrument.checksum:
        raise LkeImportRefused(
            _("Buku kerja memakai instrumen lain (%(found)s) atau versi lain dari "
              "%(instrument)s; ekspor ulang LKE dari penilaian ini.")
            % {"found": meta.get("instrument") or "?", "instrument": instrument.code}
        )
    if meta.get("unit") != assessment.unit.code:
        raise LkeImportRefused(
            _("Buku kerja ini milik unit %(found)s, bukan %(unit)s.")
            % {"found": meta.get("unit") or "?", "unit": assessment.unit.code}
        )
    if meta.get("period") != str(assessment.period.year):
        raise LkeImportRefused(
            _("Buku kerja ini untuk periode %(found)s, bukan %(year)s.")
            % {"found": meta.get("period") or "?", "year": assessment.period.year}
        )
    if meta.get("assessment_id") != str(assessment.pk):
        raise LkeImportRefused(
            _("Buku kerja ini diekspor dari penilaian lain (#%(found)s) unit dan "
              "periode yang sama; ekspor ulang LKE dari penilaian #%(pk)s.")
            % {"found": meta.get("assessment_id") or "?", "pk": assessment.pk}
        )


def _message(exc: lke.AnswerInputError, item: lke.AnyItem, raw: Any, what: str) -> str:
    base: str = exc.message
    if item.scale.kind == "option":
        base = _("%(message)s Pilihan: %(options)s.") % {"message": base, "options": ", ".join(item.scale.values)}
    return _("%(what)s %(value)s ditolak. %(message)s") % {
        "what": what, "value": answer_text(raw) if not isinstance(raw, str) else repr(raw), "message": base}


def _count_value(raw: Any) -> int | None | str:
    """A count cell: int, None for blank, or "bad"."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return "bad"
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*\d+\s*", raw):
        return int(raw)
    return "bad"


def _cell_raw(item: lke.AnyItem, raw: Any) -> Any:
    """Cell value -> raw engine answer (None = unanswered)."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        return raw or None
    if item.scale.kind == "option" and isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return str(raw)
    return raw


def lke_import_plan(*, assessment: Assessment, workbook: LkeWorkbook, side: str,
                    answers: dict | None = None) -> ImportPlan:
    """Every change and error the workbook would bring to ``side`` of ``assessment`` (no write).

    Raises :class:`LkeImportRefused` when the workbook belongs to another instrument version,
    unit, period or assessment."""
    check_metadata(assessment, dict(workbook.meta))
    engine = assessment.instrument.engine()
    stored = selectors.assessment_answers(assessment) if answers is None else answers
    answer_key = f"{side}_answer"
    note_key = f"{side}_note"
    other = "tpi" if side == "unit" else "unit"
    plan = ImportPlan(side=side)
    other_label = "TPI" if other == "tpi" else "unit"
    plan.notices.append(_("Kolom Jawaban %(other)s dan Catatan %(other)s diabaikan: "
                          "impor ini mengisi jawaban %(side)s.") % {"other": other_label, "side": SIDE_LABELS[side]})
    item_rows: dict[str, SheetRow] = {}
    input_rows: dict[str, dict[str, SheetRow]] = {}
    structure = {n.code for n in engine.indicators} | {a.code for a in engine.areas} | {
        a.code for a in engine.aspects} | {c.code for c in engine.components} | {s.code for s in engine.subcomponents}
    for r in workbook.rows:
        code = r.code
        if layout.INPUT_SEPARATOR in code:
            item_code, _sep, name = code.partition(layout.INPUT_SEPARATOR)
            item = engine.item_map.get(item_code)
            if item is None or name not in item.inputs:
                plan.add_error(RowError(r.row, code, _("Baris hitungan tidak dikenal pada instrumen ini.")))
                continue
            if name in input_rows.setdefault(item_code, {}):
                plan.add_error(RowError(r.row, code, _("Baris hitungan ini muncul lebih dari sekali.")))
                continue
            input_rows[item_code][name] = r
        elif code in engine.item_map:
            if code in item_rows:
                plan.add_error(RowError(r.row, code, _("Butir ini muncul lebih dari sekali.")))
                continue
            item_rows[code] = r
        elif code not in structure and code != "TOTAL":
            plan.add_error(RowError(r.row, code, _("Kode tidak dikenal pada instrumen ini.")))
    missing = [i.code for i in engine.items if i.code not in item_rows]
    if missing:
        plan.notices.append(_("%(n)s butir tidak ada di berkas dan tidak diubah: %(codes)s")
                            % {"n": len(missing), "codes": ", ".join(missing[:10])}
                            + ("…" if len(missing) > 10 else ""))
    for item in engine.items:
        if item.code not in item_rows:
            continue
        r = item_rows[item.code]
        current = stored.get(item.code)
        old_answer = getattr(current, answer_key) if current is not None else None
        old_note = (getattr(current, note_key) if current is not None else "") or ""
        new_answer: Any
        if item.scale.kind == "percentage":
            rows = input_rows.get(item.code, {})
            counts: dict[str, int | str | None] = {}
            bad = False
            for name in item.inputs:
                cell_row = rows.get(name)
                if cell_row is None:  # no row for this count: blank
                    counts[name] = None
                    continue
                raw = cell_row.cells[answer_key]
                value = _count_value(raw)
                if isinstance(value, int) and value < 0:
                    value = "bad"
                if value == "bad":
                    plan.add_error(RowError(cell_row.row, f"{item.code}{layout.INPUT_SEPARATOR}{name}",
                                                _("Hitungan %(value)s ditolak. %(message)s")
                                                % {"value": answer_text(raw), "message": lke.MESSAGES["bad_count"]}))
                    bad = True
                counts[name] = value
            if bad:
                continue
            filled = [v for v in counts.values() if v is not None]
            if not filled:
                new_answer = None
            elif len(filled) != len(counts):
                plan.add_error(RowError(r.row, item.code, _(
                    "%(message)s Kosongkan semua hitungan untuk membiarkan butir ini tidak dijawab."
                ) % {"message": lke.MESSAGES["bad_counts"]}))
                continue
            else:
                try:
                    new_answer = lke.canonical(engine, item.code, counts)
                except lke.AnswerInputError as exc:
                    plan.add_error(RowError(r.row, item.code, exc.message))
                    continue
        else:
            raw = _cell_raw(item, r.cells[answer_key])
            try:
                new_answer = lke.canonical(engine, item.code, raw)
            except lke.AnswerInputError as exc:
                what = _("Jawaban %(side)s") % {"side": SIDE_LABELS[side]}
                plan.add_error(RowError(r.row, item.code, _message(exc, item, raw, what)))
                continue
        raw_note = r.cells.get(note_key)
        try:  # the worksheet's bound on notes (answer_save refuses the same)
            new_note = clean_text("" if raw_note is None else str(raw_note))
        except ValidationError as exc:
            plan.add_error(RowError(r.row, item.code,
                                    _("Catatan: %(message)s") % {"message": " ".join(exc.messages)}))
            continue
        changed = False
        if new_answer != old_answer:
            plan.changes.append(Change(r.row, item.code, "answer", old_answer, new_answer))
            changed = True
        if new_note != old_note:
            plan.changes.append(Change(r.row, item.code, "note", old_note, new_note))
            changed = True
        if changed:
            plan.targets[item.code] = (new_answer, new_note)
    return plan


@transaction.atomic
def lke_import_apply(*, actor, assessment: Assessment, workbook: LkeWorkbook, side: str,
                     sha256: str = "", expected_digest: str | None = None) -> ImportPlan:
    """Apply the workbook's changes to ``side`` through ``answer_save``, all or nothing.

    ``actor`` None is a trusted system write (the CLI) naming its side. Refuses (ValidationError)
    a workbook with errors, and one whose changes differ from ``expected_digest`` (the preview the
    user confirmed) because someone changed the answers in between."""
    assessment = Assessment.objects.select_for_update().select_related("instrument", "unit", "period").get(
        pk=assessment.pk)
    answers = selectors.assessment_answers(assessment)
    plan = lke_import_plan(assessment=assessment, workbook=workbook, side=side, answers=answers)
    if plan.errors:
        raise ValidationError(
            _("Berkas masih memuat %(n)s kesalahan; tidak ada jawaban yang diubah.") % {"n": plan.error_count}
        )
    if expected_digest is not None and plan.digest() != expected_digest:
        raise ValidationError(_("Jawaban berubah sejak pratinjau dibuat; unggah berkas lagi untuk pratinjau baru."))
    items = selectors.item_rows(assessment)
    for code, (new_answer, new_note) in plan.targets.items():
        current = answers.get(code)
        answer_save(
            actor=actor, assessment=assessment, item=items[code], raw_answer=new_answer, note=new_note,
            expected_version=current.version if current is not None else None, side=side,
        )
    audit_record(actor=actor, assessment=assessment, action=AuditAction.ANSWERS_IMPORT_XLSX, field=f"{side}_answer",
                 after={"side": side, "changes": len(plan.changes), "items": len(plan.targets), "sha256": sha256})
    if plan.targets:
        figures_warm_on_commit([assessment.pk])  # a whole sheet changed: its figures are computed off the request
    return plan


def import_limits(assessment: Assessment | None = None) -> Limits:
    """The limits of a workbook imported into ``assessment``: sizes from the settings; rows per
    sheet twice what the LKE sheet of its instrument uses (room for a reader's own blank rows),
    never the hundreds of thousands a junk file carries."""
    mb = 1024 * 1024
    rows = {}
    if assessment is not None:
        max_rows = ROW_MARGIN * layout.sheet_last_row(assessment.instrument.engine())
        rows = {"max_rows": max_rows, "max_part_elements": max(MIN_PART_ELEMENTS, ELEMENTS_PER_ROW * max_rows)}
    return Limits(
        max_bytes=int(float(getattr(settings, "LKE_IMPORT_MAX_MB", 10)) * mb),
        max_uncompressed=int(float(getattr(settings, "LKE_IMPORT_MAX_UNCOMPRESSED_MB", 100)) * mb),
        max_ratio=int(getattr(settings, "LKE_IMPORT_MAX_RATIO", 100)),
        **rows,
    )


# --- the uploaded file between preview and confirmation ------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


STASH_FOLDER = "private/lke-import"
_STASH_INFO_MAX_BYTES = 4096


def _stash_name(token: str, suffix: str) -> str:
    return f"{STASH_FOLDER}/{token}{suffix}"


def _stash_max_bytes() -> int:
    return int(float(getattr(settings, "LKE_IMPORT_MAX_MB", 10)) * 1024 * 1024)


def stash_upload(*, user_id: int, assessment_id: int, data: bytes) -> tuple[str, str]:
    """Keep ``data`` for the confirmation step (in the file storage); returns (token, sha256).

    Removes expired files, and this user's oldest kept files beyond ``LKE_IMPORT_STASH_PER_USER``
    (their previews can no longer be confirmed), so no user can fill the storage with uploads.
    ``StorageUnavailable`` when the storage cannot be reached (nothing is then kept)."""
    stash_purge_expired()
    _stash_make_room(user_id)
    token = secrets.token_urlsafe(32)
    sha = hashlib.sha256(data).hexdigest()
    info = json.dumps({"user": user_id, "assessment": assessment_id, "sha256": sha, "created": time.time()})
    try:
        for suffix, content in ((".xlsx", data), (".json", info.encode())):
            name = _stash_name(token, suffix)
            if stored_put(name, content) != name:  # a fresh random token: never taken
                raise StorageUnavailable
    except BaseException:
        stash_delete(token)  # neither half of a stash that cannot be confirmed stays behind
        raise
    return token, sha


def _stash_tokens() -> list[str]:
    """The tokens of the kept files (their ``.json`` halves)."""
    try:
        _folders, names = file_storage().listdir(STASH_FOLDER)
    except FileNotFoundError:
        return []
    except STORAGE_ERRORS as exc:
        raise StorageUnavailable from exc
    return sorted(n[: -len(".json")] for n in names if n.endswith(".json") and _TOKEN.match(n[: -len(".json")]))


def _stash_info(token: str) -> dict | None:
    try:
        info = json.loads(stored_read(_stash_name(token, ".json"), max_bytes=_STASH_INFO_MAX_BYTES))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _stash_make_room(user_id: int) -> None:
    """Delete ``user_id``'s oldest kept files so that one more stays within the cap."""
    mine = []
    for token in _stash_tokens():
        info = _stash_info(token)
        if info is not None and info.get("user") == user_id:
            mine.append((float(info.get("created") or 0), token))
    keep = max(_per_user() - 1, 0)
    for _created, token in sorted(mine)[:max(len(mine) - keep, 0)]:
        stash_delete(token)


def stash_load(*, token: str, user_id: int, assessment_id: int) -> tuple[bytes, str] | None:
    """The kept file and its SHA-256, if ``token`` is this user's for this assessment, unexpired
    and intact; else None. ``StorageUnavailable`` when the storage cannot be reached."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    info = _stash_info(token)
    if info is None:
        return None
    try:
        data = stored_read(_stash_name(token, ".xlsx"), max_bytes=_stash_max_bytes())
    except (OSError, ValueError):
        return None
    if info.get("user") != user_id or info.get("assessment") != assessment_id:
        return None
    if time.time() - float(info.get("created", 0)) > _ttl():
        stash_delete(token)
        return None
    if hashlib.sha256(data).hexdigest() != info.get("sha256"):
        return None
    return data, info["sha256"]


def stash_delete(token: str) -> None:
    if not isinstance(token, str) or not _TOKEN.match(token):
        return
    for suffix in (".xlsx", ".json"):
        stored_delete(_stash_name(token, suffix))


def stash_purge_expired() -> int:
    """Remove kept files older than the time to live (run on every upload and hourly by Celery
    beat); returns how many files were removed."""
    try:
        _folders, names = file_storage().listdir(STASH_FOLDER)
    except FileNotFoundError:
        return 0
    except STORAGE_ERRORS as exc:
        raise StorageUnavailable from exc
    limit = time.time() - _ttl()
    removed = 0
    for entry in names:
        name = f"{STASH_FOLDER}/{entry}"
        try:
            if stored_modified_timestamp(name) < limit and stored_delete(name):
                removed += 1
        except STORAGE_ERRORS:
            continue
    return removed


def _ttl() -> int:
    return int(getattr(settings, "LKE_IMPORT_TTL_SECONDS", 3600))


def _per_user() -> int:
    return int(getattr(settings, "LKE_IMPORT_STASH_PER_USER", 5))
