"""The annual report as documents: PDF (WeasyPrint) and DOCX (python-docx).

Both read only the figures (reporting.selectors.figures), so they show what the HTML page
shows, in the active language (Dutch unless the caller activates another one).
"""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy

from reporting.docx import document as docx_document
from reporting.sections import BoardReport, SchoolReport
from werkdruk.files import download_name
from werkdruk.pdf import render_pdf

FORMATS = ("pdf", "docx")
_MARK = "\x00"


def page_label_parts() -> list[tuple[str, str]]:
    """ "page X of Y" in the active language as ``(kind, value)`` parts: ``("text", "page ")``,
    ``("field", "page")``, ``("field", "pages")``; the PDF and the DOCX footers build on it."""
    label = gettext("page %(page)s of %(pages)s") % {
        "page": f"{_MARK}page{_MARK}",
        "pages": f"{_MARK}pages{_MARK}",
    }
    parts = []
    for index, piece in enumerate(label.split(_MARK)):
        if index % 2:
            parts.append(("field", piece))
        elif piece:
            parts.append(("text", piece))
    return parts


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def page_counter_css() -> str:
    """The CSS ``content`` of the footer's page number, e.g. ``"page " counter(page) ...``."""
    return mark_safe(  # noqa: S308 - quotes and "<" are escaped above, the rest is ours
        " ".join(
            f"counter({value})" if kind == "field" else _css_string(value)
            for kind, value in page_label_parts()
        )
    )


def report_pdf(report: SchoolReport | BoardReport) -> bytes:
    """The PDF of a school's or a board's annual report."""
    if isinstance(report, BoardReport):
        template, context = "reporting/print/board.html", {"board": report}
    else:
        template, context = "reporting/print/school.html", {"report": report}
    context["page_counter"] = page_counter_css()
    return render_pdf(template, context)


def report_docx(report: SchoolReport | BoardReport) -> bytes:
    """The DOCX of a school's or a board's annual report, to paste into the board's own."""
    return docx_document.build(report, page_parts=page_label_parts())


def report_filename(report: SchoolReport | BoardReport, fmt: str) -> str:
    """``annual-report-het-baken-lyceum-2025-2026.pdf`` (the words in the active language)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    name = report.board_name if isinstance(report, BoardReport) else report.school_name
    return download_name(
        pgettext_lazy("file name", "annual report"), name, report.school_year, ext=fmt
    )
