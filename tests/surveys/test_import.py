"""Importing responses: every row checked, errors by row and column, all or nothing, dry run."""

import io

import openpyxl
import pytest
from django.http import Http404

from assessments.models import AuditEvent
from surveys import importing, selectors, services
from surveys.models import Response, ResponseAnswer

from .conftest import HEADER, csv_bytes, row


def _table(data: bytes, name="f.csv"):
    return importing.read_table(data, name)


def test_a_clean_file_imports_every_row_with_its_answers(world, make_campaign):
    campaign = make_campaign()
    data = csv_bytes(
        [row(), row(when="2026-03-14 10:00:05", kind="daring", spak=("TT", "", 1, 2, 3)), row(done="Tidak")]
    )
    check = services.responses_import(actor=world.team_a, campaign=campaign, table=_table(data))
    assert (len(check.rows), check.completed, check.duplicates) == (3, 2, [])
    responses = list(Response.objects.filter(campaign=campaign).order_by("pk"))
    assert [(r.service_type.name, r.completed, r.source) for r in responses] == [
        ("Loket", True, "import"),
        ("Daring", True, "import"),
        ("Loket", False, "import"),
    ]
    second = {a.question: a.value for a in ResponseAnswer.objects.filter(response=responses[1])}
    assert [second[q] for q in ("SPAK-1", "SPAK-2", "SPAK-3", "SPAK-4", "SPAK-5")] == [None, None, 1, 2, 3]
    assert ResponseAnswer.objects.filter(response__campaign=campaign).count() == 3 * 13
    event = AuditEvent.objects.get(action="survey.responses_import")
    assert event.actor == world.team_a
    assert event.after == {"rows": 3, "completed": 2, "duplicates": 0, "by_service_type": {"Loket": 2, "Daring": 1}}


def test_importing_the_same_file_twice_adds_nothing(world, make_campaign):
    campaign = make_campaign()
    data = csv_bytes([row(), row(when="2026-03-15T08:00")])
    services.responses_import(actor=world.team_a, campaign=campaign, table=_table(data))
    check = services.responses_import(actor=world.team_a, campaign=campaign, table=_table(data))
    assert (len(check.rows), check.duplicates) == (0, [2, 3])
    assert Response.objects.filter(campaign=campaign).count() == 2


def test_every_bad_cell_is_an_error_by_row_and_column_and_nothing_is_imported(world, make_campaign):
    campaign = make_campaign(opens_on=__import__("datetime").date(2026, 2, 1))
    rows = [
        row(),  # fine
        row(spak=(5, 4, 3, 3, 4)),  # outside the scale
        row(spak=("baik", 4, 3, 3, 4)),  # not a number
        row(spak=(3.5, 4, 3, 3, 4)),  # not an integer
        row(when="2026-01-15T09:00"),  # before the campaign opens
        row(when="kemarin"),
        row(done="Mungkin"),
        row(kind="Farmasi"),
    ]
    with pytest.raises(services.ImportHasErrors) as exc:
        services.responses_import(actor=world.team_a, campaign=campaign, table=_table(csv_bytes(rows)))
    assert [e.line() for e in exc.value.check.errors] == [
        "baris 3, kolom SPAK-1: nilai 5 di luar skala 1–4.",
        "baris 4, kolom SPAK-1: bukan bilangan bulat 1–4 atau TT: “baik”.",
        "baris 5, kolom SPAK-1: bukan bilangan bulat 1–4 atau TT: “3.5”.",
        "baris 6, kolom waktu: di luar masa survei (2026-02-01 s.d. 2026-12-31).",
        "baris 7, kolom waktu: bukan tanggal-waktu ISO 8601 (mis. 2026-03-14T09:30).",
        "baris 8, kolom selesai: harus Ya atau Tidak.",
        "baris 9, kolom jenis_layanan: jenis layanan tidak dikenal: “Farmasi”.",
    ]
    assert Response.objects.count() == 0
    assert not AuditEvent.objects.filter(action="survey.responses_import").exists()


def test_missing_and_unknown_columns_are_errors_of_the_header(world, make_campaign):
    campaign = make_campaign()
    header = [h for h in HEADER if h not in ("selesai", "SPKP-8")] + ["SKM-1", "catatan"]
    data = csv_bytes([["2026-03-14T09:30", "Loket", 4, 4, 3, 3, 4, 3, 3, 3, 3, 3, 3, 3, 4, "x"]], header=header)
    check = services.import_check(campaign=campaign, table=_table(data))
    assert [e.line() for e in check.errors] == [
        "baris 1, kolom selesai: kolom wajib tidak ada.",
        "baris 1, kolom SPKP-8: kolom wajib tidak ada.",
        "baris 1, kolom SKM-1: kolom pertanyaan tidak dikenal untuk instrumen survei ini.",
    ]


def test_dry_run_writes_nothing(world, make_campaign):
    campaign = make_campaign()
    check = services.import_check(campaign=campaign, table=_table(csv_bytes([row(), row(kind="Daring")])))
    assert check.ok and check.by_service_type() == {"Loket": 1, "Daring": 1}
    assert Response.objects.count() == 0


def test_xlsx_first_sheet_and_semicolon_csv(world, make_campaign):
    campaign = make_campaign()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([__import__("datetime").datetime(2026, 3, 14, 9, 30), "Loket", "Ya", *([4] * 13)])
    buffer = io.BytesIO()
    wb.save(buffer)
    check = services.import_check(campaign=campaign, table=_table(buffer.getvalue(), "jawaban.xlsx"))
    assert check.ok and check.rows[0].answers["SPAK-1"] == 4
    check = services.import_check(campaign=campaign, table=_table(csv_bytes([row()], sep=";")))
    assert check.ok


@pytest.mark.parametrize(
    ("data", "name"), [(b"\x00\x01binary", "x.csv"), (b"PK\x03\x04junk", "x.xlsx"), (b"\xff\xfe\x00", "x.csv")]
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(data, name):
    with pytest.raises(importing.FileRefused):
        importing.read_table(data, name)


def test_only_the_unit_team_imports(world, make_campaign):
    campaign = make_campaign()
    with pytest.raises(Http404):
        services.responses_import(actor=world.tpi_a, campaign=campaign, table=_table(csv_bytes([row()])))


def test_exclude_and_include_are_audited_and_change_the_index(world, make_campaign):
    campaign = make_campaign()
    services.responses_import(
        actor=world.team_a,
        campaign=campaign,
        table=_table(csv_bytes([row(spak=(4,) * 5), row(when="2026-03-15T08:00", spak=(2,) * 5)])),
    )
    low = Response.objects.get(campaign=campaign, submitted_at__day=15)
    assert selectors.campaign_results(campaign).results["spak-5"].index == 3
    services.response_exclude(actor=world.team_a, response=low, reason="Isian uji coba")
    figures = selectors.campaign_results(campaign)
    assert (figures.results["spak-5"].index, figures.excluded, figures.respondents) == (4, 1, 1)
    services.response_include(actor=world.leader_a, response=low)
    assert selectors.campaign_results(campaign).results["spak-5"].index == 3
    assert list(
        AuditEvent.objects.filter(action__startswith="survey.response_").order_by("pk").values_list("action", flat=True)
    ) == [
        "survey.response_exclude",
        "survey.response_include",
    ]
