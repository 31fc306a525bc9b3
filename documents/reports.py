"""The letters as PDF: letter content in (from ``services``), bytes out. No queries here.

Same stylesheet, fonts and local-only URL fetcher as the assessment report
(``assessments.reports.pdf``, which imports WeasyPrint: this module is imported when a letter is
rendered)."""

from __future__ import annotations

from django.template.loader import render_to_string

from assessments.reports.pdf import render_pdf
from zi_portal.common.issuing import Stamp


def letter_html(letter: dict, *, stamp: Stamp | None = None) -> str:
    instansi = {**letter["letterhead"], "logo_url": letter["letterhead"].get("logo_data_uri") or ""}
    return render_to_string("documents/letter_pdf.html", {**letter, "instansi": instansi, "stamp": stamp})


def letter_pdf(letter: dict, *, stamp: Stamp | None = None) -> tuple[bytes, int]:
    rendered = render_pdf(letter_html(letter, stamp=stamp))
    return rendered.content, rendered.pages
