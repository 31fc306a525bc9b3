"""PDF builders (WeasyPrint): report data in, HTML, then PDF bytes out. No queries here.

Safety: every resource WeasyPrint asks for goes through :class:`LocalFilesFetcher`, which serves
only files under our static folders and inline raster images (the instansi logo, read from the file
storage by ``report_data`` and embedded as a ``data:image/png|jpeg|gif;base64`` URI) and refuses
anything else (other files, http(s), other data: URLs). User text is autoescaped by the template; the fetcher is
the second wall. Fonts are the vendored Noto Sans, embedded through ``@font-face``.

Importing this module imports WeasyPrint (1.5-3 s): the web process never does, only the code that
renders (``services.reports.assessment_pdf``/``recap_pdf``, run by the Celery task and the
``render_report`` command) imports it, when it renders.
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .charts import area_chart_svg

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember")
REPORT_CSS = "css/report.css"
# The only data: URLs served: a base64 raster image (the letterhead logo); never text, HTML or SVG.
_IMAGE_DATA_URL = re.compile(r"^data:(image/(?:png|jpeg|gif));base64,([A-Za-z0-9+/]*={0,2})$")


class RefusedURL(ValueError):
    """The fetcher refused a URL (not a local static file or an inline logo image)."""


def format_date_id(value: dt.date | dt.datetime | None) -> str:
    """``25 November 2026`` (datetimes in the portal's time zone); ``—`` for None."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def static_roots() -> list[Path]:
    roots = [Path(p) for p in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return roots


def allowed_roots() -> list[Path]:
    return static_roots()


class LocalFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads ``file:`` URLs under ``roots`` only.

    ``calls`` records every URL asked for (tests and logs); ``refused`` those it refused."""

    def __init__(self, roots: Iterable[Path]):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = [Path(os.path.realpath(r)) for r in roots]
        self.calls: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        """The local file ``url`` names, or :class:`RefusedURL`."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused non-local URL: {url[:200]}")
        path = Path(os.path.realpath(url2pathname(parts.path)))
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedURL(f"refused file outside the allowed folders: {url[:200]}")
        if not path.is_file():
            raise RefusedURL(f"no such file: {url[:200]}")
        return path

    def fetch(self, url, headers=None):
        self.calls.append(url[:64] if isinstance(url, str) and url.startswith("data:") else url)
        image = _IMAGE_DATA_URL.match(url) if isinstance(url, str) else None
        if image is not None:
            try:
                body = base64.b64decode(image.group(2), validate=True)
            except ValueError:
                self.refused.append(url[:200])
                raise RefusedURL("refused a malformed data: URL") from None
            return URLFetcherResponse(url[:64], body=body, headers={"Content-Type": image.group(1)})
        try:
            path = self.resolve(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".woff":
            mime = "font/woff"
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime})


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def _css_path() -> Path:
    for root in static_roots():
        candidate = root / REPORT_CSS
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(REPORT_CSS)


def render_pdf(html: str, *, fetcher: LocalFilesFetcher | None = None) -> RenderedPdf:
    """HTML to PDF with the local-only fetcher and the embedded Noto Sans."""

    fetcher = fetcher or LocalFilesFetcher(allowed_roots())
    css_path = _css_path()
    font_config = FontConfiguration()
    stylesheet = CSS(string=css_path.read_text(encoding="utf-8"), base_url=css_path.as_uri(),
                     url_fetcher=fetcher, font_config=font_config)
    document = HTML(string=html, base_url=css_path.parent.as_uri(), url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config)
    return RenderedPdf(content=document.write_pdf(), pages=len(document.pages))


# --- HTML of the reports -------------------------------------------------------------------------


def _with_date_text(entries: list[dict]) -> list[dict]:
    return [{**e, "date_text": format_date_id(e.get("date"))} for e in entries]


def _letterhead(instansi: dict) -> dict:
    return {**instansi, "logo_url": instansi.get("logo_data_uri") or ""}


def assessment_html(data: dict, *, document_number: str, generated_at: dt.datetime, stamp=None) -> str:
    """The assessment report's HTML from :func:`assessments.report_data.assessment_report_data`;
    ``stamp`` (a :class:`zi_portal.common.issuing.Stamp`) prints the verification URL and its QR
    code under the letterhead of the first page."""
    groups = [
        {**g, "indicators": [
            {**ind, "items": [
                {**row, "evidence": _with_date_text(row["evidence"]), "comments": _with_date_text(row["comments"])}
                for row in ind["items"]
            ]} for ind in g["indicators"]
        ]}
        for g in data["groups"]
    ]
    tpi_notes = [{**n, "comments": _with_date_text(n["comments"])} for n in data["tpi_notes"]]
    context = {
        **data,
        "groups": groups,
        "tpi_notes": tpi_notes,
        "instansi": _letterhead(data["instansi"]),
        "document_number": document_number,
        "generated_on": format_date_id(generated_at),
        "chart": mark_safe(area_chart_svg(data["areas"], data["area_minimums"])),  # noqa: S308 (escaped inside)
        "stamp": stamp,
    }
    return render_to_string("assessments/reports/report_pdf.html", context)


def recap_html(data: dict, *, document_number: str, generated_at: dt.datetime, stamp=None) -> str:
    """The instansi recap's HTML from :func:`assessments.report_data.recap_report_data` (``stamp``:
    as for :func:`assessment_html`)."""
    context = {
        **data,
        "instansi": _letterhead(data["instansi"]),
        "document_number": document_number,
        "generated_on": format_date_id(generated_at),
        "stamp": stamp,
    }
    return render_to_string("assessments/reports/recap_pdf.html", context)
