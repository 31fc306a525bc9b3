"""The pack of one unit: its layout, the hash of every file, link mode, the official workbook."""

import csv
import hashlib
import io

import openpyxl
import pytest

from packs import selectors, services
from packs.workbook import HEADERS
from packs.zipbuild import MODE_FILES, MODE_LINKS

from .conftest import REPORT_BYTES, open_zip

pytestmark = pytest.mark.django_db


def _build(tmp_path, packed, mode=MODE_FILES, documents=()):
    unit = selectors.unit_pack(packed.assessment, base_url="https://zi.example.go.id", documents=documents)
    out = tmp_path / "pack.zip"
    digest, size = services.pack_write(out, [unit], mode=mode)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == digest and out.stat().st_size == size
    return open_zip(out)


def _index(zf, prefix=""):
    text = zf.read(prefix + "index.csv").decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_files_mode_layout_and_every_hash(packed, tmp_path):
    zf = _build(tmp_path, packed)
    rows = _index(zf)
    assert rows[0] == ["code", "path", "sha256", "link"]
    files = [r for r in rows[1:] if r[1]]
    assert [r[1] for r in files] == [
        "AREA 1 - Manajemen Perubahan/I. Penyusunan Tim Kerja/P.1.i.a SK Tim ZI.pdf",
        "AREA 1 - Manajemen Perubahan/I. Penyusunan Tim Kerja/P.1.i.a SK Tim ZI revisi.pdf",
        "AREA 2 - Penataan Tatalaksana/I. Prosedur Operasional Tetap/P.2.i.a etc passwd.png",
        "HASIL/I. Birokrasi yang Bersih dan/B.I.a IPAK sangat panjang sangat panjang sangat panjang sanga.pdf",
    ]
    for _code, path, sha256, link in files:
        assert hashlib.sha256(zf.read(path)).hexdigest() == sha256
        assert link.startswith("https://zi.example.go.id/bukti/versi/") and link.endswith("/unduh/")
        assert len(path) <= 100
    # the newest version only; the removed attachment is not there
    assert zf.read(files[1][1]) == packed.sk_v2 and zf.read(files[2][1]) == packed.photo
    assert not any(r[0] == "R.1.i.a" for r in rows)
    link_rows = [r for r in rows[1:] if not r[1]]
    assert link_rows == [["P.2.i.a", "", "", packed.link.link_url]]
    names = set(zf.namelist())
    assert names == {"index.csv", "LKE UNIT-A 2026.xlsx", "Laporan penilaian UNIT-A 2026.pdf",
                     *(r[1] for r in files)}
    assert zf.read("Laporan penilaian UNIT-A 2026.pdf") == REPORT_BYTES
    assert zf.testzip() is None


def test_the_workbook_has_the_official_columns_the_tpi_answers_and_the_paths(packed, tmp_path):
    zf = _build(tmp_path, packed)
    ws = openpyxl.load_workbook(io.BytesIO(zf.read("LKE UNIT-A 2026.xlsx"))).active
    assert tuple(c.value for c in ws[4]) == HEADERS == (
        "Penilaian", "Bobot", "Penjelasan", "Pilihan Jawaban", "Jawaban", "Nilai", "%", "Catatan", "Eviden")
    rows = {str(r[0].value).split(" ", 1)[0]: r for r in ws.iter_rows(min_row=5)}
    item = rows["P.1.i.a"]
    assert item[4].value == "Ya" and item[6].value == 100
    # the TPI's note is text, never a formula
    assert item[7].value == '=HYPERLINK("http://x")' and item[7].data_type == "s"
    assert item[8].value.splitlines() == [
        "AREA 1 - Manajemen Perubahan/I. Penyusunan Tim Kerja/P.1.i.a SK Tim ZI.pdf",
        "AREA 1 - Manajemen Perubahan/I. Penyusunan Tim Kerja/P.1.i.a SK Tim ZI revisi.pdf"]
    assert rows["B.I.a"][4].value == 3.2 and rows["B.I.a"][6].value == 80
    assert rows["P.2.i.a"][8].value.splitlines()[1] == packed.link.link_url
    # the engine's figures: the item weight of P.1.i.a x its value, the total
    assert item[5].value == pytest.approx(float(rows["P.1.i"][1].value) / 2)
    assert rows["TOTAL"][0].value.startswith("TOTAL")


def test_link_mode_has_no_evidence_files_and_links_everywhere(packed, tmp_path):
    zf = _build(tmp_path, packed, mode=MODE_LINKS)
    assert set(zf.namelist()) == {"index.csv", "LKE UNIT-A 2026.xlsx", "Laporan penilaian UNIT-A 2026.pdf"}
    rows = _index(zf)[1:]
    assert all(r[1] == "" for r in rows) and len(rows) == 5
    files = [r for r in rows if r[2]]
    assert len(files) == 4 and all(r[3].startswith("https://zi.example.go.id/bukti/versi/") for r in files)
    ws = openpyxl.load_workbook(io.BytesIO(zf.read("LKE UNIT-A 2026.xlsx"))).active
    eviden = [r[8].value for r in ws.iter_rows(min_row=5) if r[8].value]
    assert eviden and all(line.startswith("https://") for cell in eviden for line in cell.splitlines())


def test_letters_are_added_at_the_paths_given(packed, tmp_path):
    zf = _build(tmp_path, packed, documents=[(services.sptjm_name("UNIT-A"), b"%PDF sptjm")])
    assert zf.read("SPTJM - UNIT-A.pdf") == b"%PDF sptjm"


def test_a_proposal_zip_has_each_unit_in_its_folder_and_the_cover_letter_at_the_root(packed, tmp_path):
    from packs.zipbuild import unit_folder  # noqa: PLC0415

    a = selectors.unit_pack(packed.assessment, base_url="https://zi.example.go.id",
                            folder=unit_folder("UNIT-A", "Dinas Alfa"))
    out = tmp_path / "usulan.zip"
    services.pack_write(out, [a], mode=MODE_FILES, root_documents=[(services.COVER_LETTER_NAME, b"%PDF surat")])
    zf = open_zip(out)
    assert zf.read("Surat Pengajuan Evaluasi.pdf") == b"%PDF surat"
    rows = _index(zf, "UNIT-A - Dinas Alfa/")
    for _code, path, sha256, _link in rows[1:]:
        if path:
            full = "UNIT-A - Dinas Alfa/" + path
            assert len(full) <= 100 and hashlib.sha256(zf.read(full)).hexdigest() == sha256
