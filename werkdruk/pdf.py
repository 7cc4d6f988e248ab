"""PDF documents from HTML print templates, rendered by WeasyPrint.

Only our own static files are fetched (the print stylesheet, images): nothing from the network.
"""

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
