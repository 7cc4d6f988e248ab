"""The annual report as documents: PDF (WeasyPrint) and DOCX (python-docx).

Both read only the figures (reporting.selectors.figures), so they show what the HTML page
shows, in the active language (Dutch unless the caller activates another one).
"""

from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy

from reporting.docx import document as docx_document
from reporting.sections import BoardReport, SchoolReport
from werkdruk.files import download_name
from werkdruk.pdf import concatenate_pdfs, first_page_with_anchor, render_document, render_pdf

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
        template, context = (
            "reporting/print/board.html",
            {"board": report, "toc": board_toc(report)},
        )
    else:
        template, context = "reporting/print/school.html", {"report": report}
    context["page_counter"] = page_counter_css()
    return render_pdf(template, context)


def board_toc(report: BoardReport, *, cover_pages=None, parts=None) -> list[dict]:
    """The board report's contents: each school, then each school's appendix (the order of
    the document). Without ``parts`` the page numbers are left to the layout (``target-counter``);
    with ``parts`` (``BoardPart`` in school order, rendered apart) and the cover's page count,
    each entry carries the number of its first page in the merged file."""
    entries = []
    for position, school in enumerate(report.schools, 1):
        entries.append({"anchor": f"wd-school-{position}", "title": school.school_name})
    for position, school in enumerate(report.schools, 1):
        if school.process:
            title = gettext("Appendix: the decision list of %(school)s") % {
                "school": school.school_name
            }
            entries.append({"anchor": f"wd-appendix-{position}", "title": title})
    if parts is not None:
        pages = board_page_map(cover_pages, parts)
        for entry in entries:
            entry["page"] = pages.get(entry["anchor"])
    return entries


@dataclass(frozen=True)
class BoardPart:
    """One school's part of the board report as its worker rendered it: the PDF, its page
    count and the index of its appendix's first page (``pages`` when it has none)."""

    content: bytes
    pages: int
    appendix_from: int


def board_page_map(cover_pages: int, parts) -> dict[str, int]:
    """The first page (from 1) of each school and each appendix in the merged board report:
    the cover, every school's body in turn, then every appendix in turn."""
    pages, number = {}, cover_pages + 1
    for position, part in enumerate(parts, 1):
        pages[f"wd-school-{position}"] = number
        number += part.appendix_from
    for position, part in enumerate(parts, 1):
        if part.pages > part.appendix_from:
            pages[f"wd-appendix-{position}"] = number
            number += part.pages - part.appendix_from
    return pages


def board_part_pdf(report: SchoolReport, *, position: int) -> BoardPart:
    """School ``position`` (from 1) of the board report, alone: its section and its appendix,
    without page numbers (``board_pdf_merge`` numbers the whole file)."""
    document = render_document(
        "reporting/print/board_part.html", {"report": report, "position": position}
    )
    appendix_from = first_page_with_anchor(document, f"wd-appendix-{position}")
    pages = len(document.pages)
    content = document.write_pdf()
    return BoardPart(
        content=content,
        pages=pages,
        appendix_from=pages if appendix_from is None else appendix_from,
    )


def board_pdf_merge(report: BoardReport, parts) -> bytes:
    """The board report's PDF from its schools' parts (``BoardPart`` in school order): the
    cover with the summary and the contents, each school, each appendix; page numbers and the
    contents run over the whole file as in one rendering (``report_pdf``)."""
    cover_pages, cover = 1, None
    for _attempt in range(4):  # the contents' numbers depend on the cover's length
        toc = board_toc(report, cover_pages=cover_pages, parts=parts)
        document = render_document(
            "reporting/print/board_cover.html", {"board": report, "toc": toc}
        )
        if len(document.pages) == cover_pages:
            cover = document.write_pdf()
            break
        cover_pages = len(document.pages)
    if cover is None:
        raise RuntimeError("The cover of the board report does not settle on a page count")
    pieces = [(cover, 0, cover_pages)]
    pieces += [(part.content, 0, part.appendix_from) for part in parts]
    pieces += [(part.content, part.appendix_from, part.pages) for part in parts]
    label = gettext("page %(page)s of %(pages)s")
    outline = [(entry["title"], entry["page"] - 1) for entry in toc if entry.get("page")]
    return concatenate_pdfs(
        pieces,
        page_label=lambda number, total: label % {"page": number, "pages": total},
        outline=outline,
    )


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
