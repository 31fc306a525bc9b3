"""Hostile variants of an exported LKE workbook, made by rewriting its package (no openpyxl).

Each function takes the .xlsx bytes of an export and returns the bytes of a workbook that an
attacker (or a broken tool) could upload. Used by the tests and by ``tests/bench/bench_excel.py``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable

LKE_PART = "xl/worksheets/sheet1.xml"


def rewrite(content: bytes, member: str, change: Callable[[bytes], bytes], *, stored: bool = False) -> bytes:
    """The package with ``member`` replaced by ``change(member)`` (stored uncompressed if asked)."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == member:
                body = change(body)
                dst.writestr(info.filename, body, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            else:
                dst.writestr(info, body)
    return out.getvalue()


def _set_dimension(sheet: bytes, last_row: int | None) -> bytes:
    if last_row is None:
        return re.sub(rb"<dimension [^>]*/>", b"", sheet, count=1)
    return re.sub(rb'<dimension ref="([A-Z]+[0-9]+):([A-Z]+)[0-9]+"', rb'<dimension ref="\1:\g<2>%d"' % last_row,
                  sheet, count=1)


def _last_row(sheet: bytes) -> int:
    return max(int(n) for n in re.findall(rb'<row r="([0-9]+)"', sheet))


def with_rows(content: bytes, rows: Iterable[bytes], *, dimension: int | None | bool = True,
              then: bytes = b"") -> bytes:
    """The LKE sheet with ``rows`` (``<row>`` elements) appended, then ``then`` (raw XML, e.g. a
    broken tag that only a reader going past the rows would meet). ``dimension``: True updates
    the declared dimension to the last row, an int declares that row, None removes it."""
    def change(sheet: bytes) -> bytes:
        body = b"".join(rows)
        sheet = sheet.replace(b"</sheetData>", body + then + b"</sheetData>", 1)
        if dimension is True:
            return _set_dimension(sheet, _last_row(sheet))
        if dimension is False:
            return sheet
        return _set_dimension(sheet, dimension)
    return rewrite(content, LKE_PART, change)


def junk_row(n: int, text: bytes = b"junk") -> bytes:
    return b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s %d</t></is></c><c r="M%d" t="inlineStr"><is><t>x</t>' \
           b"</is></c></row>" % (n, n, text, n, n)


def junk_rows(content: bytes, count: int, *, then: bytes = b"", dimension: int | None | bool = True) -> bytes:
    """``count`` rows of junk codes after the exported rows (each one an "unknown code" error)."""
    first = 1 + _last_row(zipfile.ZipFile(io.BytesIO(content)).read(LKE_PART))
    return with_rows(content, (junk_row(n) for n in range(first, first + count)), then=then, dimension=dimension)


def sparse_row(content: bytes, row: int = 200_000_000, *, dimension: int | None | bool = True) -> bytes:
    """One extra row numbered ``row`` (a few bytes; a reader that fills the gap walks every row)."""
    return with_rows(content, [junk_row(row)], dimension=dimension)


BROKEN = b"<row r=\"x\"><c r=\"A1\"<<broken"  # malformed XML: a reader that gets here fails


def bad_crc(content: bytes) -> bytes:
    """The LKE sheet stored uncompressed with one letter changed after the CRC was computed."""
    fixed = rewrite(content, LKE_PART, lambda sheet: sheet, stored=True)
    marker = b"Kode</t>"  # the first header's text, inside the stored member
    at = fixed.index(marker)
    return fixed[:at] + b"Kods</t>" + fixed[at + len(marker):]


def malformed_xml(content: bytes) -> bytes:
    return rewrite(content, LKE_PART, lambda sheet: sheet.replace(b"</sheetData>", BROKEN + b"</sheetData>", 1))


def text_in_number_cell(content: bytes, ref: bytes = b"C5") -> bytes:
    """A number cell (no type: numeric) whose value is text."""
    return rewrite(content, LKE_PART, lambda sheet: re.sub(
        rb'(<c r="' + ref + rb'"[^>]*>)<v>[^<]*</v>', rb"\1<v>enam puluh</v>", sheet, count=1))


def impossible_date(content: bytes, ref: bytes = b"C5") -> bytes:
    """A date cell (``t="d"``) holding 30 February."""
    return rewrite(content, LKE_PART, lambda sheet: re.sub(
        rb'<c r="' + ref + rb'"[^>]*>.*?</c>', b'<c r="' + ref + b'" t="d"><v>2026-02-30T00:00:00</v></c>', sheet,
        count=1, flags=re.S))


def add_part(content: bytes, name: str, body: bytes, *, content_type: bytes = b"", relationship: bytes = b"") -> bytes:
    """The package with one more member (declared in [Content_Types].xml and the workbook's rels
    when ``content_type`` / ``relationship`` are given, so openpyxl would read it)."""
    def types(body_: bytes) -> bytes:
        if not content_type:
            return body_
        override = b'<Override PartName="/%s" ContentType="%s"/>' % (name.encode(), content_type)
        return body_.replace(b"</Types>", override + b"</Types>", 1)

    def rels(body_: bytes) -> bytes:
        if not relationship:
            return body_
        target = name.removeprefix("xl/").encode()
        rel = b'<Relationship Id="rIdHostile" Type="%s" Target="%s"/>' % (relationship, target)
        return body_.replace(b"</Relationships>", rel + b"</Relationships>", 1)

    content = rewrite(rewrite(content, "[Content_Types].xml", types), "xl/_rels/workbook.xml.rels", rels)
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, body)
    return out.getvalue()


def junk_shared_strings(content: bytes, count: int, *, then: bytes = b"") -> bytes:
    """A shared-strings table of ``count`` strings that no cell uses (openpyxl loads them all)."""
    body = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"".join(b"<si><t>%d</t></si>" % n for n in range(count)) + then + b"</sst>")
    return add_part(content, "xl/sharedStrings.xml", body,
                    content_type=b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
                    relationship=b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings")


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
          b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
