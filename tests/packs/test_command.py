"""export_submission_pack: the zip the contract names, and exit 2 with one line otherwise."""

import csv
import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments import lke
from assessments.lke import format_id
from documents.models import IssuedDocument
from evidence.models import EvidenceAttachment
from tests.evidence.helpers import set_state

from .conftest import open_zip

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_the_pack_holds_index_workbook_report_and_the_files_it_names(packed, tmp_path):
    path = tmp_path / "RSUD.zip"
    code, out, err = run("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", str(path))
    assert (code, err) == (0, "")
    assert out.startswith(f"{path}: submission pack UNIT-A 2026 (files, 4 files, ")
    assert hashlib.sha256(path.read_bytes()).hexdigest() in out
    zf = open_zip(path)
    rows = list(csv.reader(io.StringIO(zf.read("index.csv").decode())))
    assert rows[0] == ["code", "path", "sha256", "link"]
    assert [n for n in zf.namelist() if n.endswith(".xlsx")] == ["LKE UNIT-A 2026.xlsx"]
    assert zf.read("Laporan penilaian UNIT-A 2026.pdf").startswith(b"%PDF")
    for _code, member, sha256, _link in rows[1:]:
        if member:
            assert hashlib.sha256(zf.read(member)).hexdigest() == sha256
    assert len([r for r in rows[1:] if r[1]]) == 4


def test_links_mode(packed, tmp_path):
    path = tmp_path / "links.zip"
    code, out, _ = run("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", str(path),
                       "--links")
    assert code == 0 and "(links, 0 files," in out
    assert sorted(open_zip(path).namelist()) == ["LKE UNIT-A 2026.xlsx", "Laporan penilaian UNIT-A 2026.pdf",
                                                 "SPTJM - UNIT-A.pdf", "index.csv"]


@pytest.mark.parametrize("state", [lke.workflow.PROPOSED, lke.workflow.RESULT_RECORDED])
def test_later_states_are_packed_too(packed, tmp_path, state):
    set_state(packed.assessment, state)
    assert run("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output",
               str(tmp_path / "p.zip"))[0] == 0


def test_exit_2_with_one_line(packed, tmp_path, settings):
    out = str(tmp_path / "x.zip")
    cases = {
        ("--unit", "NOPE", "--period", "2026", "--output", out): "unknown unit 'NOPE'",
        ("--unit", "UNIT-A", "--period", "2031", "--output", out):
            "unit UNIT-A has no Final assessment for period 2031",
        ("--unit", "UNIT-A", "--period", "2026", "--output", "/proc/nope/x.zip"): "cannot write /proc/nope/x.zip",
    }
    for args, message in cases.items():
        code, stdout, err = run("export_submission_pack", *args)
        assert code == 2 and stdout == "" and err.startswith(message) and err.count("\n") <= 1, (args, err)
    set_state(packed.assessment, lke.workflow.IN_REVIEW)
    code, _, err = run("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", out)
    assert code == 2
    assert err.strip() == "unit UNIT-A has no Final assessment for period 2026 (state: Dalam penilaian TPI)"
    assert not Path(out).exists()


def test_a_pack_over_the_size_limit_is_refused_with_the_figure(packed, tmp_path, settings):
    settings.SUBMISSION_PACK_MAX_BYTES = 1000
    out = tmp_path / "big.zip"
    code, _, err = run("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", str(out))
    assert code == 2 and err.count("\n") <= 1
    size = _files_size(packed)
    assert size > 1000
    assert err.strip() == (
        f"Paket terlalu besar: berkas data dukungnya 0,0 MB ({format_id(size, 0)} bita), melebihi batas 0,0 MB "
        "(1.000 bita). Gunakan mode tautan, atau minta administrator menaikkan batasnya.")
    assert not out.exists()
    # link mode carries no file: within the limit
    assert run("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", str(out),
               "--links")[0] == 0


def _files_size(packed) -> int:
    """The newest version of each active document attachment, added up."""
    total = 0
    for attachment in EvidenceAttachment.objects.filter(assessment=packed.assessment, removed_at=None,
                                                        document__isnull=False):
        total += attachment.document.versions.order_by("-number").first().size
    return total


def test_without_a_rendered_report_the_pack_renders_one(packed, tmp_path):
    from tests.reports.conftest import pdf_text  # noqa: PLC0415

    packed.report.delete()
    path = tmp_path / "rendered.zip"
    code, _, err = run("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", str(path),
                       "--links")
    assert (code, err) == (0, "")
    text, pages, _ = pdf_text(open_zip(path).read("Laporan penilaian UNIT-A 2026.pdf"))
    assert pages >= 1 and "LAP-ZI/2026/UNIT-A/PAKET" in text and "Dinas Alfa" in text
    # issued like every PDF of the portal: registered, its verification URL on page 1
    issued = IssuedDocument.objects.get(kind="assessment_report", assessment=packed.assessment)
    assert issued.sha256 == hashlib.sha256(open_zip(path).read("Laporan penilaian UNIT-A 2026.pdf")).hexdigest()
    assert f"/v/{issued.uuid}/" in text
