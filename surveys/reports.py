"""The survey report (laporan hasil survei) as PDF: data in (from ``pages.survey_report_for``),
bytes out. No queries here.

Same letterhead, stylesheet, fonts and local-only URL fetcher as the assessment report
(``assessments.reports.pdf``, like ``programme.reports``). That module imports WeasyPrint
(1.5-3 s), so it is imported inside the functions, when a report is rendered."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone


def survey_report_html(data: dict, *, generated_at: dt.datetime | None = None, stamp=None) -> str:
    """The report's HTML; ``stamp`` (a ``zi_portal.common.issuing.Stamp``) is printed on page 1."""
    from assessments.reports.pdf import format_date_id  # noqa: PLC0415 — slow optional import (WeasyPrint)

    campaign = data["campaign"]
    context = {
        **data,
        "instansi": {**data["instansi"], "logo_url": data["instansi"].get("logo_data_uri") or ""},
        "period_text": f"{format_date_id(campaign['opens_on'])} – {format_date_id(campaign['closes_on'])}",
        "closed_text": format_date_id(campaign["closed_at"]) if campaign["closed_at"] else "",
        "generated_on": format_date_id(generated_at or timezone.now()),
        "stamp": stamp,
    }
    return render_to_string("surveys/reports/survey_pdf.html", context)


def survey_report_pdf(data: dict, *, generated_at: dt.datetime | None = None, stamp=None) -> bytes:
    return survey_report_rendered(data, generated_at=generated_at, stamp=stamp)[0]


def survey_report_rendered(data: dict, *, generated_at: dt.datetime | None = None,
                           stamp=None) -> tuple[bytes, int]:
    """(PDF bytes, number of pages)."""
    from assessments.reports.pdf import render_pdf  # noqa: PLC0415 — slow optional import (WeasyPrint)

    rendered = render_pdf(survey_report_html(data, generated_at=generated_at, stamp=stamp))
    return rendered.content, rendered.pages
