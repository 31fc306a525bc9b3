"""The shared zip inspection (``zi_portal.common.zipinspect``): pure, no database."""

import io
import zipfile

import pytest

from zi_portal.common.zipinspect import (
    ActiveContent,
    ZipLimits,
    ZipRefused,
    active_content_type,
    active_part,
    check_sizes,
    ooxml_active_content,
    open_zip,
)

LIMITS = ZipLimits(max_members=5, max_uncompressed=4 * 1024 * 1024, max_ratio=50)


def info(name: str, size: int, compressed: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name)
    entry.file_size = size
    entry.compress_size = compressed
    return entry


def test_sizes_within_limits_pass():
    check_sizes([info("a.xml", 3 * 1024 * 1024, 1024 * 1024), info("b.xml", 900_000, 1_000)], LIMITS)


@pytest.mark.parametrize(
    "infos, reason, facts",
    [
        ([info(f"p{i}", 1, 1) for i in range(6)], "too_many_members", {"size": 6, "limit": 5}),
        ([info("a", 3 * 1024 * 1024, 3 * 1024 * 1024), info("b", 2 * 1024 * 1024, 2 * 1024 * 1024)],
         "too_large", {"member": "b", "size": 5 * 1024 * 1024, "limit": 4 * 1024 * 1024}),
        ([info("big.xml", 2 * 1024 * 1024, 20_000)], "ratio", {"member": "big.xml", "ratio": 104, "limit": 50}),
    ],
    ids=["members", "total", "ratio"],
)
def test_sizes_beyond_limits_are_refused_with_the_facts(infos, reason, facts):
    with pytest.raises(ZipRefused) as exc:
        check_sizes(infos, LIMITS)
    assert exc.value.reason == reason
    assert {key: getattr(exc.value, key) for key in facts} == facts


def test_open_zip_refuses_what_is_not_a_zip():
    with pytest.raises(ZipRefused) as exc:
        open_zip(io.BytesIO(b"%PDF-1.4 not a zip"))
    assert exc.value.reason == "not_zip"


@pytest.mark.parametrize(
    "name, kind",
    [
        ("word/vbaProject.bin", "macro"),
        ("xl/vbaProjectSignature.bin", "macro"),
        ("word/vbaData.xml", "macro"),
        ("xl/macrosheets/sheet1.xml", "macro"),
        ("word/activeX/activeX1.bin", "activex"),
        ("ppt/embeddings/oleObject3.bin", "ole"),
        ("xl/embeddings/Microsoft_Word_97_-_2003_Document.doc", "ole"),
        ("word/media/image1.png", None),
        ("xl/printerSettings/printerSettings1.bin", None),
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", None),
    ],
)
def test_part_names(name, kind):
    found = active_part(name)
    assert (found.kind if found else None) == kind


@pytest.mark.parametrize(
    "content_type, kind",
    [
        ("application/vnd.ms-excel.sheet.macroEnabled.main+xml", "macro"),
        ("application/vnd.ms-office.vbaProject", "macro"),
        ("application/vnd.ms-excel.macrosheet+xml", "macro"),
        ("application/vnd.ms-office.activeX+xml", "activex"),
        ("application/vnd.openxmlformats-officedocument.oleObject", "ole"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", None),
    ],
)
def test_content_types(content_type, kind):
    assert active_content_type(content_type) == kind


def test_a_clean_package_has_no_active_content_and_a_declared_type_is_found():
    def package(types: str) -> zipfile.ZipFile:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", types)
            archive.writestr("xl/workbook.xml", "<workbook/>")
        return zipfile.ZipFile(buffer)

    clean = '<Types><Default Extension="xml" ContentType="application/xml"/></Types>'
    assert ooxml_active_content(package(clean)) is None
    macro = '<Types><Override PartName="/x" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    assert ooxml_active_content(package(macro)) == ActiveContent("macro", "application/vnd.ms-office.vbaProject")
