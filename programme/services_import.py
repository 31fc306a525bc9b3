"""Importing a work plan from the Excel layout of ``programme/xlsx.py`` (and exporting it).

``plan_import_check`` reads the workbook and checks every row — nothing is written; the preview
page is this check, so a dry run is the preview itself. ``plan_import_apply`` runs the same check
and, only when no row has an error, writes every row in one transaction through the ordinary
services (``activity_create`` / ``activity_update`` / ``realisation_record``), so each activity is
checked and audited exactly as when typed in the form.

Matching rule: a row updates the plan's existing activity with the same area and the same title
(compared without case and surrounding spaces); any other row creates a new activity. The "No"
column is only a running number and is not read. Two rows with the same area and title are an
error. Realisation is written for every quarter whose value differs from what is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.http import Http404

from units.models import User, WorkUnit

from . import access, plan, selectors, services
from . import xlsx as layout
from .models import Activity, Area, WorkPlan

_AREA_BY_TEXT = {
    **{code.lower(): code for code, _ in Area.choices},
    **{str(label).lower(): code for code, label in Area.choices},
}
_STATUS_BY_TEXT = {
    **{code: code for code, _ in Activity.Status.choices},
    **{str(label).lower(): code for code, label in Activity.Status.choices},
}
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # the column's header as the sheet shows it
    message: str

    def line(self) -> str:
        return f"baris {self.row}, kolom {self.column}: {self.message}"


@dataclass
class ImportRow:
    row: int
    area: str
    title: str
    fields: dict[str, Any]
    targets: dict[int, Decimal]
    realisation: dict[int, Decimal]
    existing: Activity | None = None


@dataclass
class ImportCheck:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.existing is None)

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.existing is not None)


def _header(key: str) -> str:
    return dict(layout.COLUMNS)[key]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any) -> Decimal | None:
    """A cell as a Decimal with two places; None for an empty cell; raises ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    text = str(value).strip().replace(",", ".") if isinstance(value, str) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number.quantize(TWO_PLACES)


def _members_by_key(unit: WorkUnit) -> dict[str, User]:
    found: dict[str, User] = {}
    for user in selectors.unit_members(unit):
        found[user.username.lower()] = user
        if user.nip:
            found[user.nip] = user
    return found


def pic_key(user: User | None) -> str:
    """What the "Penanggung jawab" column holds for ``user``: the username (unique, always set)."""
    return "" if user is None else user.username


def plan_import_check(*, unit: WorkUnit, year: int, rows: list[layout.PlanRow]) -> ImportCheck:
    """Every row of the workbook checked against the unit's plan of ``year``; no write."""
    check = ImportCheck()
    if not rows:
        check.errors.append(CellError(layout.FIRST_ROW, _header("title"), "Buku kerja tidak memuat kegiatan."))
        return check
    members = _members_by_key(unit)
    existing = {(a.area, a.title.strip().lower()): a for a in selectors.activities_of(selectors.plan_for(unit, year))}
    all_codes = sorted({c.strip() for r in rows for c in _text(r.cells["lke_items"]).split(",") if c.strip()})
    known_codes = selectors.known_item_codes(all_codes)
    seen: dict[tuple[str, str], int] = {}
    for sheet_row in rows:
        row_errors: list[CellError] = []

        def error(key: str, message: str, row: int = sheet_row.row, bucket: list[CellError] = row_errors) -> None:
            bucket.append(CellError(row, _header(key), message))

        cells = sheet_row.cells
        area = _AREA_BY_TEXT.get(_text(cells["area"]).lower())
        if area is None:
            error("area", f"area \u201c{_text(cells['area'])}\u201d tidak dikenal; isi 1\u20136 atau H.")
        title = _text(cells["title"])
        if not title:
            error("title", "nama kegiatan wajib diisi.")
        elif len(title) > Activity._meta.get_field("title").max_length:  # type: ignore[operator]
            error("title", "nama kegiatan terlalu panjang (paling banyak 255 karakter).")
        targets: dict[int, Decimal] = {}
        realisation: dict[int, Decimal] = {}
        for quarter in plan.QUARTERS:
            for key, bucket in ((f"target{quarter}", targets), (f"real{quarter}", realisation)):
                try:
                    value = _number(cells[key])
                except ValueError:
                    error(key, f"\u201c{_text(cells[key])}\u201d bukan angka.")
                    continue
                if value is not None and value < 0:
                    error(key, "tidak boleh negatif.")
                    continue
                bucket[quarter] = value or Decimal(0)
        if len(targets) == 4 and sum(targets.values(), Decimal(0)) <= 0:
            error("target1", "kegiatan tidak mempunyai target pada triwulan mana pun.")
        for quarter in plan.QUARTERS:
            if quarter in targets and quarter in realisation:
                value, target = realisation[quarter], targets[quarter]
                if value > target * plan.MAX_REALISATION_FACTOR:
                    error(f"real{quarter}", f"realisasi {value} melebihi 10 kali target TW{quarter} ({target}).")
        pic_text = _text(cells["pic"])
        pic = None
        if pic_text:
            pic = members.get(pic_text.lower()) or members.get(pic_text)
            if pic is None:
                error("pic", f"\u201c{pic_text}\u201d bukan anggota tim unit {unit.code} (isi nama pengguna atau NIP).")
        budget = None
        try:
            budget = _number(cells["budget"])
        except ValueError:
            error("budget", f"\u201c{_text(cells['budget'])}\u201d bukan angka.")
        if budget is not None and budget < 0:
            error("budget", "tidak boleh negatif.")
        codes = [c.strip() for c in _text(cells["lke_items"]).split(",") if c.strip()]
        unknown = [c for c in codes if c not in known_codes]
        if unknown:
            error("lke_items", f"butir LKE tidak dikenal: {', '.join(unknown)}.")
        status_text = _text(cells["status"]).lower()
        status = _STATUS_BY_TEXT.get(status_text) if status_text else Activity.Status.BELUM
        if status is None:
            error(
                "status",
                f"status \u201c{_text(cells['status'])}\u201d tidak dikenal; isi belum, proses, selesai atau batal.",
            )
        lengths = {"description": 4000, "output": 255, "indicator": 255, "unit_of_measure": 60, "official": 255}
        for key, limit in lengths.items():
            if len(_text(cells[key])) > limit:
                error(key, f"terlalu panjang (paling banyak {limit} karakter).")
        if area is not None and title:
            match_key = (area, title.lower())
            if match_key in seen:
                error("title", f"kegiatan yang sama (area dan judul) sudah ada di baris {seen[match_key]}.")
            seen.setdefault(match_key, sheet_row.row)
        check.errors += row_errors
        if row_errors or area is None or status is None:
            continue
        check.rows.append(
            ImportRow(
                row=sheet_row.row,
                area=area,
                title=title,
                fields={
                    "area": area,
                    "title": title,
                    "description": _text(cells["description"]),
                    "output": _text(cells["output"]),
                    "indicator": _text(cells["indicator"]),
                    "unit_of_measure": _text(cells["unit_of_measure"]),
                    "person_in_charge": pic,
                    "responsible_official": _text(cells["official"]),
                    "budget": budget,
                    "lke_items": codes,
                    "status": status,
                },
                targets=targets,
                realisation=realisation,
                existing=existing.get((area, title.lower())),
            )
        )
    return check


class ImportHasErrors(ValueError):
    def __init__(self, check: ImportCheck):
        self.check = check
        super().__init__(f"{len(check.errors)} errors")


@transaction.atomic
def plan_import_apply(*, actor, unit: WorkUnit, year: int, rows: list[layout.PlanRow]) -> ImportCheck:
    """Check ``rows`` and write them all, or nothing (``ImportHasErrors`` when a row is wrong)."""
    if not access.may_edit_plan(actor, unit):
        raise Http404
    check = plan_import_check(unit=unit, year=year, rows=rows)
    if not check.ok:
        raise ImportHasErrors(check)
    work_plan: WorkPlan = services.plan_get_or_create(actor=actor, unit=unit, year=year)
    for row in check.rows:
        if row.existing is None:
            activity = services.activity_create(actor=actor, work_plan=work_plan, targets=row.targets, **row.fields)
            recorded: dict[int, Decimal] = {}
        else:
            activity = services.activity_update(actor=actor, activity=row.existing, targets=row.targets, **row.fields)
            recorded = {q.quarter: q.realisation for q in activity.quarters.all()}
        for quarter, value in row.realisation.items():
            if value != recorded.get(quarter, Decimal(0)):
                services.realisation_record(
                    actor=actor, activity=activity, quarter=quarter, value=value, realised_on=None, note=""
                )
    return check


def export_rows(activities) -> list[list[Any]]:
    """The workbook rows of ``activities`` (as fetched by ``selectors.activities_of``)."""
    rows = []
    for n, activity in enumerate(activities, 1):
        quarters = {q.quarter: q for q in activity.quarters.all()}
        targets = [quarters[q].target if q in quarters else Decimal(0) for q in plan.QUARTERS]
        realised = [quarters[q].realisation if q in quarters else Decimal(0) for q in plan.QUARTERS]
        rows.append(
            [
                n,
                activity.area,
                activity.title,
                activity.description,
                activity.output,
                activity.indicator,
                activity.unit_of_measure,
                *targets,
                *realised,
                pic_key(activity.person_in_charge),
                activity.responsible_official,
                activity.budget,
                ", ".join(activity.lke_items),
                activity.status,
            ]
        )
    return rows
