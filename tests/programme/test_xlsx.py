"""The work plan in Excel: export layout and safety, the checked import (all or nothing), the
round trip of the demo plan, permissions and query counts."""

import io
from decimal import Decimal as D
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.models import AuditEvent
from programme import services
from programme import xlsx as layout
from programme.models import Activity, WorkPlan
from units.models import User

YEAR = 2026


def _url(name, code="UNIT-A", year=YEAR):
    return reverse(f"programme:{name}", args=[code, year])


def _upload(data, name="rencana.xlsx"):
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def _row(**cells):
    values = {key: None for key in layout.KEYS}
    values.update({"no": 1, "area": "1", "title": "Sosialisasi", "target1": 2, "status": "belum"})
    values.update(cells)
    return [values[key] for key in layout.KEYS]


def _sheet_values(data):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return wb, wb[layout.SHEET]


@pytest.fixture
def plan_a(world):
    return services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)


def _activity(world, work_plan, **fields):
    defaults = {"area": "1", "title": "Sosialisasi", "targets": {1: D("2"), 2: D("2")}}
    defaults.update(fields)
    return services.activity_create(actor=world.team_a, work_plan=work_plan, **defaults)


def _state(unit_code, year):
    """What a plan holds, comparable across units: everything but ids, PIC and dates."""
    activities = WorkPlan.objects.get(unit__code=unit_code, year=year).activities.order_by("area", "position")
    return [
        (
            a.area,
            a.title,
            a.description,
            a.output,
            a.indicator,
            a.unit_of_measure,
            a.responsible_official,
            a.budget,
            a.lke_items,
            a.status,
            [(q.quarter, q.target, q.realisation) for q in a.quarters.order_by("quarter")],
        )
        for a in activities.prefetch_related("quarters")
    ]


def test_export_layout_and_values(world, plan_a, login):
    activity = _activity(
        world,
        plan_a,
        person_in_charge=world.leader_a,
        lke_items=["P.1.ii.a", "P.1.ii.b"],
        budget=D("1500000"),
        output="SK",
        status=Activity.Status.PROSES,
    )
    services.realisation_record(actor=world.team_a, activity=activity, quarter=1, value=D("1.5"), realised_on=None)
    response = login(world.leadership).get(_url("plan_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rencana-aksi-UNIT-A-2026.xlsx"'
    wb, ws = _sheet_values(response.content)
    assert wb.sheetnames == [layout.SHEET]
    assert [c.value for c in ws[1]] == list(layout.HEADERS)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    row = {key: cell.value for key, cell in zip(layout.KEYS, ws[2], strict=True)}
    assert row["no"] == 1 and row["area"] == "1" and row["title"] == "Sosialisasi" and row["output"] == "SK"
    assert [row[f"target{q}"] for q in (1, 2, 3, 4)] == [2, 2, 0, 0]
    assert [row[f"real{q}"] for q in (1, 2, 3, 4)] == [1.5, 0, 0, 0]
    assert (row["pic"], row["budget"], row["lke_items"], row["status"]) == (
        "pimpinan.a",
        1500000,
        "P.1.ii.a, P.1.ii.b",
        "proses",
    )
    assert ws.max_row == 2


def test_formula_looking_title_is_exported_as_text_and_reads_back(world, plan_a, login):
    title = '=HYPERLINK("http://evil.example","klik")'
    _activity(world, plan_a, title=title, description="+cmd|' /C calc'!A0")
    data = login(world.team_a).get(_url("plan_xlsx")).content
    _wb, ws = _sheet_values(data)
    cell = ws["C2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (title, "s", True)
    assert ws["D2"].data_type == "s"
    assert b"<f>" not in data and b"<f " not in data
    # importing the same file back matches the activity by area and title: updated, not duplicated
    response = login(world.team_a).post(_url("plan_import"), {"file": _upload(data), "import": "1"})
    assert response.status_code == 302
    assert list(Activity.objects.values_list("title", flat=True)) == [title]


def test_round_trip_of_the_demo_plan_into_another_unit_and_year(db, login):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    team_rsud = User.objects.get(username="tim.rsud")
    team_dukcapil = User.objects.get(username="tim.disdukcapil")
    data = login(team_rsud).get(_url("plan_xlsx", code="RSUD")).content
    wb, ws = _sheet_values(data)
    pic_column = layout.LETTERS["pic"]
    assert {ws[f"{pic_column}{n}"].value for n in range(2, ws.max_row + 1)} == {"tim.rsud"}
    for n in range(2, ws.max_row + 1):
        ws[f"{pic_column}{n}"] = team_dukcapil.nip  # the PIC by NIP this time
    out = io.BytesIO()
    wb.save(out)
    assert not WorkPlan.objects.filter(unit__code="DISDUKCAPIL", year=2027).exists()
    client = login(team_dukcapil)
    preview = client.post(_url("plan_import", code="DISDUKCAPIL", year=2027), {"file": _upload(out.getvalue())})
    assert preview.status_code == 200
    assert (preview.context["check"].created, preview.context["check"].updated, preview.context["check"].errors) == (
        12,
        0,
        [],
    )
    assert not WorkPlan.objects.filter(unit__code="DISDUKCAPIL", year=2027).exists()  # the preview writes nothing
    response = client.post(
        _url("plan_import", code="DISDUKCAPIL", year=2027), {"file": _upload(out.getvalue()), "import": "1"}
    )
    assert response.status_code == 302
    assert _state("DISDUKCAPIL", 2027) == _state("RSUD", 2026)
    imported = Activity.objects.filter(plan__unit__code="DISDUKCAPIL", plan__year=2027)
    assert set(imported.values_list("person_in_charge__username", flat=True)) == {"tim.disdukcapil"}
    fields = [f"activity:{pk}" for pk in imported.values_list("pk", flat=True)]
    assert AuditEvent.objects.filter(action="activity.create", field__in=fields).count() == 12
    realised = AuditEvent.objects.filter(action="realisation.record", field__startswith="activity:")
    expected = sum(1 for row in _state("RSUD", 2026) for _q, _t, value in row[-1] if value > 0)
    assert [e.field.rsplit(":", 1)[0] in fields for e in realised].count(True) == expected


def test_workbook_with_errors_imports_nothing_and_lists_every_error(world, login):
    rows = [
        _row(no=1, title="Tanpa target", target1=None),
        _row(no=2, title="Realisasi berlebihan", target1=1, real1=11),
        _row(no=3, area="9", title="Area salah"),
        _row(no=4, title="PIC unit lain", pic="tim.b"),
        _row(no=5, title="Butir salah", lke_items="P.1.ii.a, X.9"),
        _row(no=6, title="Baik", pic="tim.a", lke_items="P.1.ii.a"),
        _row(no=7, title="Baik"),
        _row(no=8, title="Status salah", status="tunda", target2="dua"),
    ]
    data = layout.plan_workbook(rows)
    response = login(world.team_a).post(_url("plan_import"), {"file": _upload(data), "import": "1"})
    assert response.status_code == 422
    assert [e.line() for e in response.context["check"].errors] == [
        "baris 2, kolom Target TW I: kegiatan tidak mempunyai target pada triwulan mana pun.",
        "baris 3, kolom Realisasi TW I: realisasi 11.00 melebihi 10 kali target TW1 (1.00).",
        "baris 4, kolom Area: area \u201c9\u201d tidak dikenal; isi 1\u20136 atau H.",
        "baris 5, kolom Penanggung jawab: \u201ctim.b\u201d bukan anggota tim unit UNIT-A "
        "(isi nama pengguna atau NIP).",
        "baris 6, kolom Butir LKE: butir LKE tidak dikenal: X.9.",
        "baris 8, kolom Kegiatan: kegiatan yang sama (area dan judul) sudah ada di baris 7.",
        "baris 9, kolom Target TW II: \u201cdua\u201d bukan angka.",
        "baris 9, kolom Status: status \u201ctunda\u201d tidak dikenal; isi belum, proses, selesai atau batal.",
    ]
    assert "baris 4, kolom Area" in response.content.decode()
    assert not WorkPlan.objects.exists()
    assert not Activity.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="activity").exists()


def test_import_updates_matching_activity_and_creates_the_rest(world, plan_a, login):
    existing = _activity(world, plan_a, title="Sosialisasi", targets={1: D("2")})
    rows = [
        _row(no=1, title=" sosialisasi ", target1=3, real1=3, status="Selesai"),
        _row(no=2, area="Penguatan Pengawasan", title="Baru", target4=1, budget="2500000,50"),
    ]
    response = login(world.leader_a).post(
        _url("plan_import"), {"file": _upload(layout.plan_workbook(rows)), "import": "1"}
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.title, existing.status) == (" sosialisasi ".strip(), "selesai")
    assert list(existing.quarters.values_list("quarter", "target", "realisation")) == [
        (1, D("3"), D("3")),
        (2, D("0"), D("0")),
        (3, D("0"), D("0")),
        (4, D("0"), D("0")),
    ]
    new = Activity.objects.get(title="Baru")
    assert (new.area, new.budget, new.status) == ("5", D("2500000.50"), "belum")
    assert AuditEvent.objects.filter(action="activity.update").count() == 1
    assert AuditEvent.objects.filter(action="activity.create").count() == 2


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"No;Area;Kegiatan\n1;1;x\n", "bukan berkas Excel"),
        (None, "Tata letak buku kerja tidak dikenal"),
    ],
)
def test_wrong_file_or_layout_is_one_clear_message(world, login, data, reason):
    if data is None:
        wb = openpyxl.Workbook()
        wb.active.append(["No", "Kegiatan", "Area"])
        out = io.BytesIO()
        wb.save(out)
        data = out.getvalue()
    response = login(world.team_a).post(_url("plan_import"), {"file": _upload(data), "import": "1"})
    assert response.status_code == 422
    assert reason in response.context["refused"]
    assert response.context["check"] is None
    assert not WorkPlan.objects.exists()


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "admin"])
def test_readers_export_but_cannot_import(world, plan_a, login, persona):
    _activity(world, plan_a)
    client = login(getattr(world, persona))
    assert client.get(_url("plan_xlsx")).status_code == 200
    assert client.get(_url("plan_import")).status_code == 404
    data = layout.plan_workbook([_row()])
    assert client.post(_url("plan_import"), {"file": _upload(data), "import": "1"}).status_code == 404
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_others_get_404_for_export_and_import(world, plan_a, login, persona):
    client = login(getattr(world, persona))
    assert client.get(_url("plan_xlsx")).status_code == 404
    assert client.get(_url("plan_import")).status_code == 404


def test_team_sees_the_import_form(world, login):
    response = login(world.team_a).get(_url("plan_import"))
    assert response.status_code == 200
    assert "Periksa (tanpa menyimpan)" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_export_queries_do_not_grow(world, plan_a, login, count, django_assert_max_num_queries):
    for n in range(count):
        _activity(world, plan_a, title=f"Kegiatan {n}", person_in_charge=world.team_a)
    client = login(world.leadership)
    with django_assert_max_num_queries(8):
        response = client.get(_url("plan_xlsx"))
    _wb, ws = _sheet_values(response.content)
    assert ws.max_row == count + 1
