"""Page images of an evidence file: a PDF (pypdfium2) or an image (Pillow) → PNG pages.

A pure module: bytes in, PNG bytes out, no Django, no request. It never raises for a bad file; it
says what it could render and why it stopped:

- a PDF renders at most ``max_pages`` pages within ``time_budget`` seconds, each at most
  ``width`` pixels wide and ``max_page_pixels`` pixels in all (a page of absurd proportions is
  drawn smaller); an encrypted or corrupt PDF renders nothing (``error`` says why);
- a JPEG or PNG is one page, re-encoded as a PNG (so nothing of the original bytes is served),
  within ``Image.MAX_IMAGE_PIXELS``: a decompression bomb is refused, not decoded;
- any other type (office files) is ``unsupported``: it is offered as a download only.

Pages are handed to ``on_page(number, png_bytes)`` one by one as they are drawn, so the caller
stores them without holding a whole document in memory.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageOps

PDF_TYPES = frozenset({"application/pdf"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})

MAX_PAGES = 200
MAX_WIDTH = 1200
MAX_PAGE_PIXELS = 1200 * 4000
TIME_BUDGET_SECONDS = 60.0

# Why nothing (or not everything) could be rendered; the page shows the matching sentence.
ENCRYPTED = "encrypted"
CORRUPT = "corrupt"
TOO_LARGE = "too_large"  # an image over Pillow's decompression-bomb limit
UNSUPPORTED = "unsupported"
CONVERSION = "conversion"  # an office file LibreOffice could not turn into a PDF (evidence.office)
PAGE_LIMIT = "page_limit"
TIME_LIMIT = "time_limit"

PageSink = Callable[[int, bytes], None]


@dataclass(frozen=True)
class RenderResult:
    rendered: int  # pages handed to on_page, numbered 1..rendered
    total: int  # pages of the document (0 when it could not be opened)
    error: str = ""  # one of the constants above; "" when every page was rendered

    @property
    def complete(self) -> bool:
        return not self.error and self.rendered == self.total


def renderable(content_type: str) -> bool:
    return content_type in PDF_TYPES or content_type in IMAGE_TYPES


def render(
    data: bytes,
    content_type: str,
    on_page: PageSink,
    *,
    max_pages: int = MAX_PAGES,
    width: int = MAX_WIDTH,
    max_page_pixels: int = MAX_PAGE_PIXELS,
    time_budget: float = TIME_BUDGET_SECONDS,
) -> RenderResult:
    """Render ``data`` (of the sniffed ``content_type``) page by page into ``on_page``."""
    if content_type in PDF_TYPES:
        return _render_pdf(
            data, on_page, max_pages=max_pages, width=width, max_page_pixels=max_page_pixels, time_budget=time_budget
        )
    if content_type in IMAGE_TYPES:
        return _render_image(data, on_page, width=width, max_page_pixels=max_page_pixels)
    return RenderResult(rendered=0, total=0, error=UNSUPPORTED)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _scale_for(page_width: float, page_height: float, *, width: int, max_page_pixels: int) -> float:
    """The scale that draws the page ``width`` pixels wide, smaller if it would exceed the budget."""
    page_width, page_height = max(page_width, 1.0), max(page_height, 1.0)
    scale = width / page_width
    pixels = page_width * scale * page_height * scale
    if pixels > max_page_pixels:
        scale *= (max_page_pixels / pixels) ** 0.5
    return scale


def _render_pdf(
    data: bytes, on_page: PageSink, *, max_pages: int, width: int, max_page_pixels: int, time_budget: float
) -> RenderResult:
    deadline = time.monotonic() + time_budget
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium says "Incorrect password error" for an encrypted file opened without its password.
        return RenderResult(rendered=0, total=0, error=ENCRYPTED if "password" in str(exc).lower() else CORRUPT)
    rendered = 0
    try:
        total = len(pdf)
        for index in range(min(total, max_pages)):
            if time.monotonic() > deadline:
                return RenderResult(rendered=rendered, total=total, error=TIME_LIMIT)
            try:
                page = pdf[index]
                try:
                    scale = _scale_for(*page.get_size(), width=width, max_page_pixels=max_page_pixels)
                    bitmap = page.render(scale=scale)
                    image = bitmap.to_pil()
                finally:
                    page.close()
            except pdfium.PdfiumError:
                return RenderResult(rendered=rendered, total=total, error=CORRUPT)
            on_page(index + 1, _png(image))
            rendered += 1
        return RenderResult(rendered=rendered, total=total, error=PAGE_LIMIT if total > max_pages else "")
    finally:
        pdf.close()


def _render_image(data: bytes, on_page: PageSink, *, width: int, max_page_pixels: int) -> RenderResult:
    try:
        with warnings.catch_warnings():
            # Over Image.MAX_IMAGE_PIXELS Pillow only warns (and raises over twice it): refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format not in {"JPEG", "PNG"}:
                    return RenderResult(rendered=0, total=0, error=CORRUPT)
                opened.draft("RGB", (width, width * 4))  # JPEG: decode at a reduced size when it can
                image = ImageOps.exif_transpose(opened) or opened
                image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return RenderResult(rendered=0, total=1, error=TOO_LARGE)
    except (OSError, ValueError, SyntaxError):  # what Pillow raises for truncated or invalid files
        return RenderResult(rendered=0, total=1, error=CORRUPT)
    if image.mode not in {"RGB", "RGBA", "L", "LA"}:
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    scale = _scale_for(image.width, image.height, width=width, max_page_pixels=max_page_pixels)
    if scale < 1:
        image = image.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.LANCZOS
        )
    on_page(1, _png(image))
    return RenderResult(rendered=1, total=1)
