"""The quarterly monitoring report (laporan pemantauan triwulanan) as PDF: data in (from
``pages.monitoring_report_data``), bytes out. No queries here.

Same letterhead, stylesheet, fonts and local-only URL fetcher as the assessment report
(``assessments.reports.pdf``). That module imports WeasyPrint (1.5-3 s), so it is imported inside
:func:`monitoring_report_pdf`, when a report is rendered, not when a view module is loaded."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone


def monitoring_report_html(data: dict, *, generated_at: dt.datetime | None = None, stamp=None) -> str:
    """The report's HTML; ``stamp`` (a ``zi_portal.common.issuing.Stamp``) is printed on page 1."""
    from assessments.reports.pdf import format_date_id  # noqa: PLC0415 — slow optional import (WeasyPrint)

    generated_at = generated_at or timezone.now()
    first, last = data["period"]
    context = {
        **data,
        "instansi": {**data["instansi"], "logo_url": data["instansi"].get("logo_data_uri") or ""},
        "period_text": f"{format_date_id(first)} – {format_date_id(last)}",
        "as_of_text": format_date_id(data["as_of"]),
        "generated_on": format_date_id(generated_at),
        "visits": [{**v, "date_text": format_date_id(v["date"])} for v in data["visits"]],
        "recommendations": [
            {**r, "visit_date_text": format_date_id(r["visit_date"]), "deadline_text": format_date_id(r["deadline"])}
            for r in data["recommendations"]
        ],
        "change_agents": [{**c, "date_text": format_date_id(c.get("date"))} for c in data["change_agents"]],
        "roman": ["I", "II", "III", "IV"][: data["quarter"]],
        "area_columns": 2 * data["quarter"] + 2,
        "stamp": stamp,
    }
    return render_to_string("programme/reports/monitoring_pdf.html", context)


def monitoring_report_pdf(data: dict, *, generated_at: dt.datetime | None = None, stamp=None) -> bytes:
    return monitoring_report_rendered(data, generated_at=generated_at, stamp=stamp)[0]


def monitoring_report_rendered(data: dict, *, generated_at: dt.datetime | None = None,
                               stamp=None) -> tuple[bytes, int]:
    """(PDF bytes, number of pages)."""
    from assessments.reports.pdf import render_pdf  # noqa: PLC0415 — slow optional import (WeasyPrint)

    rendered = render_pdf(monitoring_report_html(data, generated_at=generated_at, stamp=stamp))
    return rendered.content, rendered.pages
