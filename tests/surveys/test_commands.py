"""The two command-line contracts of issue 13: survey_import and survey_results."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command

from assessments.models import AuditEvent
from surveys.models import Campaign, Response

SKM = [f"SKM-{n}" for n in range(1, 10)]
SPAK = [f"SPAK-{n}" for n in range(1, 6)]
HEADER = ["waktu", "jenis_layanan", "selesai", *SPAK, *SKM, "catatan"]


def _file(tmp_path, rows, name="jawaban.csv"):
    path = tmp_path / name
    path.write_text("\n".join(",".join(map(str, r)) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


ROWS = [
    ["2026-03-01T08:00", "Loket", "Ya", *[4] * 5, *[4] * 9, "cepat"],
    ["2026-03-01T09:00", "Daring", "Ya", *[3] * 5, *[3] * 9, ""],
    ["2026-03-02T10:00", "Loket", "Tidak", *[1] * 5, *[1] * 9, ""],
]


def _run(*args):
    call_command("survey_import", *args)


def test_import_creates_the_campaign_for_the_whole_year_and_results_print_the_contract(
    world, survey_instruments, tmp_path, capsys
):
    path = _file(tmp_path, ROWS)
    _run("--unit", "UNIT-A", "--period", "2026", "--instrument", "spak-5,skm-9", path)
    out = capsys.readouterr().out
    assert "3 jawaban diimpor (2 layanan selesai); 0 baris sudah ada, dilewati" in out
    campaign = Campaign.objects.get(unit=world.unit_a, year=2026)
    assert (str(campaign.opens_on), str(campaign.closes_on)) == ("2026-01-01", "2026-12-31")
    assert campaign.instruments == [{"code": "spak-5", "version": 1}, {"code": "skm-9", "version": 1}]
    assert [t.name for t in campaign.service_types.all()] == ["Loket", "Daring"]
    assert AuditEvent.objects.get(action="survey.responses_import").actor is None

    call_command("survey_results", "--unit", "UNIT-A", "--period", "2026", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "unit": "UNIT-A",
        "period": 2026,
        "public_url": f"{settings.ZI_PORTAL_BASE_URL}/s/{campaign.slug}/",
        "instruments": {
            "spak-5": {
                "respondents": 2,
                "excluded": 0,
                "index": "3.5",
                "lke_value": "3.50",
                "questions": dict.fromkeys(SPAK, "3.5"),
                "by_service_type": {
                    "Loket": {"respondents": 1, "index": "4"},
                    "Daring": {"respondents": 1, "index": "3"},
                },
            },
            "skm-9": {
                "respondents": 2,
                "excluded": 0,
                "index": "3.5",
                "lke_value": "3.50",
                "questions": dict.fromkeys(SKM, "3.5"),
                "by_service_type": {
                    "Loket": {"respondents": 1, "index": "4"},
                    "Daring": {"respondents": 1, "index": "3"},
                },
                "ikm": "87.5",
                "mutu": "B",
            },
        },
    }


def test_public_url_answers_without_login(world, survey_instruments, tmp_path, client, capsys):
    _run("--unit", "UNIT-A", "--period", "2026", "--instrument", "spak-5,skm-9", _file(tmp_path, ROWS))
    capsys.readouterr()
    call_command("survey_results", "--unit", "UNIT-A", "--period", "2026", "--format", "json")
    url = json.loads(capsys.readouterr().out)["public_url"]
    response = client.get(url.removeprefix(settings.ZI_PORTAL_BASE_URL))
    assert response.status_code == 200
    assert "Apakah layanan Anda sudah selesai?" in response.content.decode()


def test_dry_run_changes_nothing_not_even_the_campaign(world, survey_instruments, tmp_path, capsys):
    _run("--unit", "UNIT-A", "--period", "2026", "--instrument", "spak-5,skm-9", _file(tmp_path, ROWS), "--dry-run")
    assert "3 jawaban akan diimpor (2 layanan selesai)" in capsys.readouterr().out
    assert not Campaign.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="survey.").exists()


def test_errors_exit_2_with_one_line_each_and_nothing_stored(world, survey_instruments, tmp_path, capsys):
    rows = [ROWS[0], ["2026-03-01T08:00", "Loket", "Ya", 9, *[4] * 4, *[4] * 9, ""], ["2025-12-31T23:00", *ROWS[1][1:]]]
    with pytest.raises(SystemExit) as exc:
        _run("--unit", "UNIT-A", "--period", "2026", "--instrument", "spak-5,skm-9", _file(tmp_path, rows))
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "baris 3, kolom SPAK-1: nilai 9 di luar skala 1–4.",
        "baris 4, kolom waktu: di luar masa survei (2026-01-01 s.d. 2026-12-31).",
    ]
    assert not Campaign.objects.exists() and not Response.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "NOPE", "--period", "2026", "--instrument", "spak-5"], "unit NOPE tidak ditemukan"),
        (["--unit", "UNIT-A", "--period", "2026", "--instrument", "spak-7"], "Instrumen tidak dikenal: spak-7."),
    ],
)
def test_bad_arguments_exit_2(world, survey_instruments, tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        _run(*args, _file(tmp_path, ROWS))
    assert exc.value.code == 2
    assert capsys.readouterr().err.strip() == message


def test_an_existing_campaign_with_other_instruments_is_refused(make_campaign, tmp_path, capsys):
    make_campaign()  # spak-5, spkp-8
    with pytest.raises(SystemExit):
        _run("--unit", "UNIT-A", "--period", "2026", "--instrument", "spak-5,skm-9", _file(tmp_path, ROWS))
    assert capsys.readouterr().err.strip() == "Survei 2026 unit ini memakai instrumen spak-5, spkp-8."


def test_a_file_that_is_not_csv_or_xlsx_exits_2(world, survey_instruments, tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(SystemExit) as exc:
        _run("--unit", "UNIT-A", "--period", "2026", "--instrument", "spak-5", str(path))
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith(f"{path}: ")


def test_results_of_a_period_without_campaign_exit_2(world, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("survey_results", "--unit", "UNIT-A", "--period", "2030", "--format", "json")
    assert exc.value.code == 2
    assert capsys.readouterr().err.strip() == "unit UNIT-A tidak memiliki survei periode 2030"


def test_an_existing_campaign_takes_its_instruments_in_any_order(make_campaign, tmp_path, capsys):
    campaign = make_campaign(instruments=("spak-5", "skm-9"), types=(("Loket", 1), ("Daring", 1)))
    _run("--unit", "UNIT-A", "--period", "2026", "--instrument", "skm-9,spak-5", _file(tmp_path, ROWS))
    assert campaign.responses.count() == 3
