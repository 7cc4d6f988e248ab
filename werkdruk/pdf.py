"""PDF documents from HTML print templates, rendered by WeasyPrint.

Only our own static files are fetched (the print stylesheet, images): nothing from the network.
"""

import io
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://werkdruk.invalid/"


class StaticFilesFetcher(URLFetcher):
    """Serves ``/static/...`` from the static files finders; refuses everything else."""

    def fetch(self, url, headers=None):
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise ValueError(f"Documents load only our own static files, not {url}")
        path = finders.find(url.removeprefix(prefix).split("?")[0])
        if not path:
            raise ValueError(f"No such static file: {url}")
        mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(path).read_bytes(), headers={"Content-Type": mime_type})


def render_document(template_name: str, context: dict) -> Document:
    """``template_name`` rendered with ``context`` and laid out in pages (not yet a PDF): the
    tests read the layout from it (tests/pdf_layout.py)."""
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).render()


def render_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of ``template_name`` rendered with ``context``."""
    return render_document(template_name, context).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def first_page_with_anchor(document: Document, anchor: str) -> int | None:
    """The index of the page of ``document`` that holds the element with id ``anchor``."""
    for index, page in enumerate(document.pages):
        if anchor in page.anchors:
            return index
    return None


# Advance widths of Helvetica (a PDF standard font: every reader has it, nothing is embedded),
# in thousandths of the font size, for the characters of a page label; others count as 556.
_HELVETICA_WIDTHS = {
    **dict.fromkeys("0123456789", 556),
    " ": 278, "/": 278, ".": 278, ",": 278, ":": 278, "-": 333, "(": 333, ")": 333,
    "a": 556, "b": 556, "c": 500, "d": 556, "e": 556, "f": 278, "g": 556, "h": 556, "i": 222,
    "j": 222, "k": 500, "l": 222, "m": 833, "n": 556, "o": 556, "p": 556, "q": 556, "r": 333,
    "s": 500, "t": 278, "u": 556, "v": 500, "w": 722, "x": 500, "y": 500, "z": 500,
    "A": 667, "B": 667, "C": 722, "D": 722, "E": 667, "F": 611, "G": 778, "H": 722, "I": 278,
    "J": 500, "K": 667, "L": 556, "M": 833, "N": 722, "O": 778, "P": 667, "Q": 778, "R": 722,
    "S": 667, "T": 611, "U": 722, "V": 667, "W": 944, "X": 667, "Y": 667, "Z": 611,
}  # fmt: skip
_FOOTER_FONT = "/WdPageLabel"


def _pdf_text(text: str) -> str:
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _footer_stream(text: str, *, width: float, right: float, bottom: float, size: float) -> bytes:
    """A content stream that prints ``text`` right-aligned at ``right`` points from the page's
    right edge, its baseline ``bottom`` points above the lower edge, in grey Helvetica."""
    text_width = sum(_HELVETICA_WIDTHS.get(c, 556) for c in text) * size / 1000
    x = width - right - text_width
    return (
        f"q 0.333 0.333 0.333 rg BT {_FOOTER_FONT} {size:g} Tf {x:.2f} {bottom:.2f} Td "
        f"{_pdf_text(text)} Tj ET Q"
    ).encode("latin-1")


def concatenate_pdfs(
    pieces, *, page_label=None, outline=(), right_mm=16.0, bottom_mm=11.0, size=8.0
) -> bytes:
    """One PDF of the pages ``pieces`` name, in that order: ``(pdf_bytes, start, stop)``, the
    pages ``start`` up to ``stop`` of a PDF. ``page_label(number, total)`` (numbers from 1
    over the whole result) is printed at the foot of every page, right-aligned, in the page's
    bottom margin; ``outline`` is a list of ``(title, page_index)`` bookmarks.

    The pieces were rendered apart (each school's part of the board report in its own worker
    process), so their own page numbers would start at 1 each: they carry none, and the whole
    file is numbered here, in one pass that only appends a few bytes to each page. A PDF named
    by several pieces (a school's body and, later, its appendix) is read once: its fonts and
    images are then written once too."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    writer = PdfWriter()
    # One reader per PDF, however many of its page ranges are taken; the PDF is kept with its
    # reader so that its id is not reused by another while the pieces are read.
    readers = {}
    for content, start, stop in pieces:
        if stop > start:
            if id(content) not in readers:
                readers[id(content)] = (content, PdfReader(io.BytesIO(content)))
            writer.append(readers[id(content)][1], pages=(start, stop), import_outline=False)
    total = len(writer.pages)
    if page_label is not None and total:
        font = writer._add_object(  # noqa: SLF001 - the one font every page shares
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/Helvetica"),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                }
            )
        )
        points = 72 / 25.4
        for number, page in enumerate(writer.pages, 1):
            stream = DecodedStreamObject()
            stream.set_data(
                _footer_stream(
                    page_label(number, total),
                    width=float(page.mediabox.width),
                    right=right_mm * points,
                    bottom=bottom_mm * points,
                    size=size,
                )
            )
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else DictionaryObject()
            fonts = resources.get("/Font")
            fonts = fonts.get_object() if fonts is not None else DictionaryObject()
            fonts = DictionaryObject(fonts)  # a copy: pages may share their font dictionary
            fonts[NameObject(_FOOTER_FONT)] = font
            resources = DictionaryObject(resources)
            resources[NameObject("/Font")] = fonts
            page[NameObject("/Resources")] = resources
            contents = page.get("/Contents")
            streams = ArrayObject()
            if contents is not None:
                existing = contents.get_object()
                if isinstance(existing, ArrayObject):
                    streams.extend(existing)
                else:
                    streams.append(contents)
            streams.append(writer._add_object(stream))  # noqa: SLF001
            page[NameObject("/Contents")] = streams
    for title, index in outline:
        if 0 <= index < total:
            writer.add_outline_item(title=title, page_number=index)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
