"""A minimal, valid PDF of one or a few pages of text (Helvetica), for demo evidence files.

No dependency and no network: the demo must seed in a second on any laptop. WeasyPrint is for
the real reports."""

from __future__ import annotations


def _escape(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _page_stream(title: str, lines: list[str]) -> bytes:
    parts = ["BT", "/F1 16 Tf", "72 770 Td", f"({_escape(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        parts += [f"({_escape(line)}) Tj", "0 -16 Td"]
    parts.append("ET")
    return "\n".join(parts).encode("latin-1")


def simple_pdf(title: str, lines: list[str], *, more_pages: list[list[str]] | tuple = ()) -> bytes:
    """A PDF whose first page says ``title`` and ``lines``; each of ``more_pages`` (lines) is one more
    A4 page under the same title."""
    pages = [lines, *more_pages]
    # objects: 1 catalog, 2 page tree, 3 font, then per page its page object and its content stream
    page_numbers = [4 + 2 * i for i in range(len(pages))]
    kids = " ".join(f"{n} 0 R" for n in page_numbers)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for number, page_lines in zip(page_numbers, pages, strict=True):
        stream = _page_stream(title, page_lines)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents "
                       + f"{number + 1} 0 R".encode() + b" /Resources << /Font << /F1 3 0 R >> >> >>")
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
