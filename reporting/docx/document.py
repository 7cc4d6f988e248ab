"""The annual report as a Word document (python-docx), the same sections as the print templates
(templates/reporting/print/), with the same msgids, so both read the same in every language.

The other charts of the PDF are pictures here (PNG, werkdruk.chart_png); the comparison of the
school's years (a survey chart of its own) is a table.
"""

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from reporting import charts
from reporting.docx import parts
from reporting.sections import BoardReport, SchoolReport

FIELD_CODES = {"page": "PAGE", "pages": "NUMPAGES"}


def build(report: SchoolReport | BoardReport, *, page_parts) -> bytes:
    """The .docx bytes of ``report``; ``page_parts`` spell "page X of Y" for the footer."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    if isinstance(report, BoardReport):
        _header_footer(document, report.board_name, report.school_year, page_parts)
        _board(document, report)
    else:
        _header_footer(document, report.school_name, report.school_year, page_parts)
        parts.heading(document, parts.title(report.school_name, report.school_year), level=1)
        _meta(document, report)
        _school(document, report)
        if report.process is not None:
            _page_break(document)
            parts.appendix(document, report, _("Appendix: the decision list"))
    document.core_properties.title = parts.title(
        getattr(report, "board_name", None) or report.school_name, report.school_year
    )
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# --- page header and footer -------------------------------------------------------------------


def _header_footer(document, name, year, page_parts):
    section = document.sections[0]
    section.header.paragraphs[0].text = f"{name} · {_('workload funds')} {year}"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for kind, value in page_parts:
        if kind == "field":
            _field(footer, FIELD_CODES[value])
        else:
            footer.add_run(value)


def _field(paragraph, code):
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    for kind, text in (("begin", None), ("instr", code), ("separate", None), ("text", "1")):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(_fld_char(kind))
    paragraph.add_run()._r.append(_fld_char("end"))


def _fld_char(kind):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


# --- the board ---------------------------------------------------------------------------------


def _board(document, board: BoardReport):
    parts.heading(document, parts.title(board.board_name, board.school_year), level=1)
    if board.generated_at:
        document.add_paragraph(
            _("Drawn up on %(date)s from the processes recorded in Werkdruk.")
            % {"date": date_format(timezone.localtime(board.generated_at), "j F Y H:i")}
        )
    parts.heading(document, _("a. The amount per board, divided over the schools"), level=2)
    _board_summary(document, board)
    for report in board.schools:
        _page_break(document)
        parts.heading(document, report.school_name, level=1)
        _meta(document, report)
        _school(document, report)
    for report in board.schools:
        if report.process is not None:
            _page_break(document)
            title = _("Appendix: the decision list of %(school)s") % {"school": report.school_name}
            parts.appendix(document, report, title)


def _page_break(document):
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _board_summary(document, board: BoardReport):
    if board.board_total is None:
        parts.none(document, _(parts.NO_DISTRIBUTION))
    else:
        parts.table(
            document,
            None,
            [
                (_("Total for the board"), parts.euro(board.board_total)),
                (_("Reserved for the board office"), parts.euro(board.board_office)),
            ],
            right=(1,),
            header_row=False,
        )
        parts.chart(document, charts.board_allocation_chart(board))
    parts.heading(document, _("Per school"), level=3)
    if board.rows:
        parts.chart(document, charts.board_chart(board))
        headers = [_("School"), _("BRIN"), _("Pupils"), _("Share"), _("School budget")]
        headers += [_("Planned"), _("Actual"), _("Plan ratified")]
        rows = [
            (
                row.school_name,
                row.brin,
                parts.DASH if row.pupil_count is None else row.pupil_count,
                parts.euro(row.share),
                parts.euro(row.school_budget),
                parts.euro(row.planned),
                parts.euro(row.actual),
                pgettext("plan ratified", "yes")
                if row.ratified
                else pgettext("plan ratified", "no"),
            )
            for row in board.rows
        ]
        totals = (_("Total"), "", "", parts.euro(board.share_total), parts.euro(board.budget_total))
        totals += (parts.euro(board.planned_total), parts.euro(board.actual_total), "")
        parts.table(document, headers, rows, right=(2, 3, 4, 5, 6), footers=[totals])
    else:
        parts.none(document, _("The board has no schools in Werkdruk."))
    parts.heading(document, _("Spending by category, all schools"), level=3)
    if board.categories:
        parts.categories(document, board.categories)
    else:
        parts.none(document, _("No school has a ratified school plan for this school year yet."))
    for note in board.notes:
        document.add_paragraph(note, style="List Bullet")


# --- one school --------------------------------------------------------------------------------


def _meta(document, report: SchoolReport):
    text = _("BRIN %(brin)s") % {"brin": report.brin}
    if report.ratified_at:
        text += " · " + _("School plan version %(number)s, ratified on %(date)s.") % {
            "number": report.version_number,
            "date": parts.date(report.ratified_at),
        }
    elif report.process_id:
        text += " · " + _("The school plan has not been ratified yet.")
    document.add_paragraph(text)


def _school(document, report: SchoolReport):
    parts.heading(document, _("a. The amount: the board's funds and this school's part"), level=2)
    parts.section_a(document, report)
    parts.heading(document, _("b. How and with whom the spending came about"), level=2)
    parts.section_b(document, report)
    parts.heading(document, _("c. Goals, spending and effect"), level=2)
    parts.section_c(document, report)
    parts.heading(document, _("d. Evaluation and its outcome"), level=2)
    parts.section_d(document, report)
