"""Office files for the evidence tests, built here in a few KiB: clean DOCX/XLSX/PPTX, hostile
ones (a .docm renamed .docx, ActiveX, OLE objects, macro content types) and zip bombs whose
members really inflate to what their directory declares."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

import openpyxl

from .helpers import CONTENT_TYPES_XML, DOCUMENT_XML, RELS_XML, zip_bytes

MIB = 1024 * 1024
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def docx_parts(text: str = "SK Tim Pembangunan ZI", content_types: str = CONTENT_TYPES_XML) -> list:
    return [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", RELS_XML),
        ("word/document.xml", DOCUMENT_XML.format(text=text)),
    ]


def with_types(*extra: str, main: str = WORD_MAIN) -> str:
    """The docx content types with ``main`` as the document's type and ``extra`` elements."""
    return CONTENT_TYPES_XML.replace(WORD_MAIN, main).replace("</Types>", "".join(extra) + "</Types>")


def docm_renamed_docx() -> bytes:
    """What Word writes for a macro-enabled document (.docm): the macro-enabled main type, the
    VBA project part and its relationship."""
    types = with_types(f'<Default Extension="bin" ContentType="{VBA_PROJECT}"/>', main=DOCM_MAIN)
    return zip_bytes(
        docx_parts(content_types=types)
        + [
            ("word/_rels/document.xml.rels",
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
             'Target="vbaProject.bin"/></Relationships>'),
            ("word/vbaProject.bin", (OLE_MAGIC + b"Attribute VB_Name = \"NewMacros\"").decode("latin-1")),
        ]
    )


def macro_type_only_docx() -> bytes:
    """No VBA part at all, but [Content_Types].xml declares the macro-enabled main document."""
    return zip_bytes(docx_parts(content_types=with_types(main=DOCM_MAIN)))


def activex_docx() -> bytes:
    types = with_types(
        '<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>'
    )
    return zip_bytes(
        docx_parts(content_types=types)
        + [
            ("word/activeX/activeX1.xml", '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
                                          'ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'),
            ("word/activeX/activeX1.bin", OLE_MAGIC.decode("latin-1")),
        ]
    )


def ole_object_docx() -> bytes:
    types = with_types(
        '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
    )
    ole = OLE_MAGIC.decode("latin-1")
    return zip_bytes(docx_parts(content_types=types) + [("word/embeddings/oleObject1.bin", ole)])


def embedded_xlsm_docx() -> bytes:
    """A workbook with macros hidden inside the document as an embedded package."""
    return zip_bytes(docx_parts() + [("word/embeddings/Microsoft_Excel_Macro-Enabled_Worksheet.xlsm", "PK")])


def chart_docx() -> bytes:
    """A clean document with a chart whose data is an embedded .xlsx (what Word writes)."""
    return zip_bytes(
        docx_parts()
        + [
            ("word/charts/chart1.xml", "<c:chartSpace xmlns:c='http://schemas.openxmlformats.org/drawingml/2006/chart'/>"),
            ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", "PK"),
        ]
    )


def pptx_bytes() -> bytes:
    """A minimal presentation as PowerPoint lays it out."""
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/ppt/presentation.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
        "</Types>"
    )
    rels = RELS_XML.replace("word/document.xml", "ppt/presentation.xml")
    presentation = (
        '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'
    )
    return zip_bytes([("[Content_Types].xml", types), ("_rels/.rels", rels), ("ppt/presentation.xml", presentation)])


def xlsx_with_printer_settings() -> bytes:
    """A workbook as Excel saves it after printing: ``xl/printerSettings/*.bin`` is no OLE object."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Rekap"
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = [(info.filename, source.read(info).decode("utf-8")) for info in source.infolist()]
    return zip_bytes(parts + [("xl/printerSettings/printerSettings1.bin", "\x00" * 64)])


# --- zip bombs --------------------------------------------------------------------------------


@functools.cache
def _zeros_deflated(mebibytes: int) -> tuple[bytes, int]:
    """(raw deflate stream, CRC-32) of ``mebibytes`` MiB of zero bytes, built in milliseconds: with
    a full flush after every MiB each MiB compresses to the same bytes, so one is repeated."""
    chunk = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = piece * mebibytes + compressor.flush()
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    return stream, crc


def zip_with_zeros(parts: list[tuple[str, str]], member: str, mebibytes: int) -> bytes:
    """A zip of ``parts`` plus ``member``: ``mebibytes`` MiB of zeros, deflated (about 1 KiB per
    MiB). Written by hand because ``zipfile`` cannot add an already-compressed stream; the
    result is a valid zip (Python's ``zipfile`` reads and checks it)."""
    stream, crc = _zeros_deflated(mebibytes)
    size = mebibytes * MIB
    buffer = io.BytesIO(zip_bytes(parts))
    with zipfile.ZipFile(buffer) as source:
        infos = source.infolist()
        directory_offset = source.start_dir
    out = io.BytesIO()
    out.write(buffer.getvalue()[:directory_offset])
    local_offset = out.tell()
    name = member.encode()
    # local file header: version 20, no flags, deflate, DOS time/date 0, crc, sizes, name length
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(name), 0))
    out.write(name)
    out.write(stream)
    central = io.BytesIO()
    central.write(buffer.getvalue()[directory_offset:directory_offset + _directory_size(infos)])
    central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream), size,
                              len(name), 0, 0, 0, 0, 0, local_offset))
    central.write(name)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(infos) + 1, len(infos) + 1,
                          len(central.getvalue()), start, 0))
    return out.getvalue()


def _directory_size(infos: list[zipfile.ZipInfo]) -> int:
    return sum(46 + len(info.filename.encode()) + len(info.extra) + len(info.comment) for info in infos)


def docx_with_zeros(mebibytes: int, member: str = "word/media/image1.png") -> bytes:
    return zip_with_zeros(docx_parts(), member, mebibytes)
