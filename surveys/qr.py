"""QR codes of a campaign's public form (segno): SVG for print, PNG for chat and slides."""

from __future__ import annotations

import io

import segno

ERROR_LEVEL = "m"  # 15 % of the code may be dirty or torn and it still reads
SVG_SCALE = 8
PNG_SCALE = 10
BORDER = 4


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def svg(url: str) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="svg", scale=SVG_SCALE, border=BORDER, title=url)
    return out.getvalue()


def png(url: str) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="png", scale=PNG_SCALE, border=BORDER)
    return out.getvalue()
