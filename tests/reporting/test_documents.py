"""The annual report's documents (PDF, DOCX) and section templates, from hand-built figures."""

import io
import re
from dataclasses import replace

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from docx import Document
from pypdf import PdfReader

from reporting import documents
from reporting.documents import (
    page_counter_css,
    page_label_parts,
    report_docx,
    report_filename,
    report_pdf,
)
from tests.reporting import samples
from werkdruk.money import format_euro

HEADINGS = [
    "a. The amount: the board's funds and this school's part",
    "b. How and with whom the spending came about",
    "c. Goals, spending and effect",
    "d. Evaluation and its outcome",
]
NONE_SENTENCES = [
    "The board's distribution of the funds for this school year is not recorded in Werkdruk.",
    "No budget lines are recorded for this school year.",
    "There is no process in Werkdruk for this school year, so there is nothing to report on how "
    "the spending came about.",
    "The school plan for this school year has not been ratified, so there are no goals to report "
    "on yet.",
    "No evaluation agreement is recorded for this school year.",
    "No workload survey was held in this process.",
    "There are no survey results from earlier years to compare with.",
]


def flat(text: str) -> str:
    """Text with every run of white space (line breaks, no-break spaces) as one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def pdf_pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF")
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def docx_text(data: bytes) -> tuple[list[str], list[str], str]:
    """(paragraph texts, table cell texts, footer text) of a .docx."""
    document = Document(io.BytesIO(data))
    paragraphs = [flat(p.text) for p in document.paragraphs]
    cells = [flat(c.text) for t in document.tables for row in t.rows for c in row.cells]
    footer = document.sections[0].footer.paragraphs[0]
    return paragraphs, cells, footer._p.xml


def amounts_a_and_c(report):
    amounts, goals = report.amounts, report.goals
    values = [amounts.board_total, amounts.board_office, amounts.school_share]
    values += [line.amount for line in amounts.budget_lines] + [amounts.school_budget]
    values += [goals.planned, goals.actual, goals.unspent]
    values += [c.planned for c in goals.categories] + [c.actual for c in goals.categories]
    values += [m.planned for m in goals.measures] + [m.actual for m in goals.measures]
    return values


@pytest.fixture(scope="module")
def school_pdf():
    with translation.override("en"):
        return pdf_pages(report_pdf(samples.school_report()))


@pytest.fixture(scope="module")
def board_pdf():
    with translation.override("en"):
        return pdf_pages(report_pdf(samples.board_report()))


# --- PDF -------------------------------------------------------------------------------------


def test_school_pdf_shows_every_amount_of_sections_a_and_c_as_the_page_in_dutch():
    report = samples.school_report()
    with translation.override("nl"):
        text = " ".join(pdf_pages(report_pdf(report)))
        expected = [flat(format_euro(amount)) for amount in amounts_a_and_c(report)]

    assert "€ 1.234.567,89" in text
    assert "€ 8.887,14" in text
    for amount in expected:
        assert amount in text


def test_school_pdf_has_the_headings_turnout_agreement_and_header(school_pdf):
    text = " ".join(school_pdf)

    for heading in HEADINGS:
        assert heading in text
    assert text.index(HEADINGS[0]) < text.index(HEADINGS[1]) < text.index(HEADINGS[3])
    assert "Annual report on the workload funds 2025-2026 – Het Baken Lyceum" in text
    assert "1 13 October 2025 87 61 50 8 3 70.1% adopted" in text
    assert "The workload of all staff, with <i>the survey</i>." in text
    assert "Repeat the survey next year" in text
    assert "Kick-off afternoon 28 October 2025 64 59" in text
    assert "Catch-up session 4 November 2025 no sign-up not recorded" in text
    assert "Work pace and workload 2.7 / 4 41.5%" in text
    assert "No results are shown for this round" in text
    assert "Het Baken Lyceum · workload funds 2025-2026" in school_pdf[-1]


def test_school_pdf_numbers_its_pages_page_x_of_y(school_pdf):
    total = len(school_pdf)

    assert total >= 2
    for number, page in enumerate(school_pdf, start=1):
        assert f"page {number} of {total}" in page


def test_board_pdf_has_every_school_row_and_the_totals(board_pdf):
    board = samples.board_report()
    text = " ".join(board_pdf)

    for row in board.rows:
        cells = [row.school_name, row.brin, str(row.pupil_count), format_euro(row.share)]
        cells += [format_euro(row.school_budget), format_euro(row.planned)]
        cells += [format_euro(row.actual), "yes" if row.ratified else "no"]
        assert flat(" ".join(cells)) in text
    totals = [board.share_total, board.budget_total, board.planned_total, board.actual_total]
    assert flat("Total " + " ".join(format_euro(amount) for amount in totals)) in text
    assert flat(f"Fewer tasks 2 {format_euro(board.categories[0].planned)}") in text
    assert "Erasmus College has not ratified a school plan yet." in text


def test_board_pdf_gives_each_school_its_sections_on_its_own_pages(board_pdf):
    board = samples.board_report()
    starts = [
        next(i for i, page in enumerate(board_pdf) if page.startswith(school.school_name))
        for school in board.schools
    ]

    assert starts == sorted(starts) and len(set(starts)) == len(board.schools)
    assert " ".join(board_pdf).count(HEADINGS[2]) == len(board.schools)
    # the running header names the school whose section is on the page
    assert "Erasmus College · workload funds 2025-2026" in board_pdf[starts[1]]
    assert f"page {len(board_pdf)} of {len(board_pdf)}" in board_pdf[-1]


def test_pdf_of_a_school_without_process_says_so_in_each_section():
    text = " ".join(pdf_pages(report_pdf(samples.empty_school_report())))

    for heading in HEADINGS:
        assert heading in text
    for sentence in NONE_SENTENCES:
        assert sentence in text
    assert "BRIN 34CD" in text


def test_pdf_prints_markup_in_texts_as_text(school_pdf):
    text = " ".join(school_pdf)

    assert "1 Fewer <b>meetings</b> & more time" in text


def test_print_document_draws_the_comparison_chart_as_inline_svg():
    html = render_to_string(
        "reporting/print/school.html",
        {"report": samples.school_report(), "page_counter": page_counter_css()},
    )

    assert html.count('data-testid="survey-chart"') == 1
    assert "<img" not in html
    assert 'content: "page " counter(page) " of " counter(pages);' in html


# --- the section templates --------------------------------------------------------------------


def test_section_templates_escape_texts():
    report = samples.school_report()

    section_c = render_to_string("reporting/includes/_section_c.html", {"report": report})
    section_d = render_to_string("reporting/includes/_section_d.html", {"report": report})

    assert escape(samples.TITLE_WITH_MARKUP) in section_c
    assert "<b>meetings" not in section_c
    assert "with &lt;i&gt;the survey&lt;/i&gt;." in section_d


def test_section_d_shows_the_comparison_as_a_table_without_a_chart():
    report = samples.school_report()
    report = replace(report, evaluation=replace(report.evaluation, comparison=None))

    html = render_to_string("reporting/includes/_section_d.html", {"report": report})

    assert "survey-chart" not in html
    assert "baseline 2024-2025" in html
    assert "2.4 / 4" in html


def test_board_summary_without_distribution_or_schools_says_so():
    board = samples.board_report(board_total=None, rows=[], categories=[])

    html = render_to_string("reporting/includes/_board_summary.html", {"board": board})

    assert NONE_SENTENCES[0] in html
    assert "The board has no schools in Werkdruk." in html
    assert "No school has a ratified school plan for this school year yet." in html


# --- DOCX ------------------------------------------------------------------------------------


def test_school_docx_has_the_headings_and_the_amounts_in_tables():
    report = samples.school_report()
    with translation.override("nl"):
        _, cells, _ = docx_text(report_docx(report))
        expected = [flat(format_euro(amount)) for amount in amounts_a_and_c(report)]

    assert "€ 1.234.567,89" in cells
    assert "€ 8.887,14" in cells
    assert set(expected) <= set(cells)


def test_school_docx_is_a_valid_document_with_headings_and_page_fields():
    data = report_docx(samples.school_report())
    document = Document(io.BytesIO(data))
    paragraphs, cells, footer = docx_text(data)

    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name != "Normal"}
    assert headings["Annual report on the workload funds 2025-2026 – Het Baken Lyceum"] == (
        "Heading 1"
    )
    for heading in HEADINGS:
        assert headings[heading] == "Heading 2"
    assert headings["Decisions per step"] == "Heading 3"
    assert headings["Appendix: the decision list"] == "Heading 2"
    assert {table.style.name for table in document.tables} == {"Table Grid"}
    assert document.sections[0].header.paragraphs[0].text == (
        "Het Baken Lyceum · workload funds 2025-2026"
    )
    assert "PAGE" in footer and "NUMPAGES" in footer and ">page <" in footer
    assert "70.1%" in cells and "adopted" in cells
    assert samples.TITLE_WITH_MARKUP in cells
    assert "The workload of all staff, with <i>the survey</i>." in cells


def test_item1_docx_gives_the_split_over_the_units_and_the_decisions_in_an_appendix():
    report = samples.school_report()
    with translation.override("nl"):
        paragraphs, cells, _ = docx_text(report_docx(report))
        reserve = flat(format_euro(report.amounts.split.reserve))
        amounts = [flat(format_euro(unit.amount)) for unit in report.amounts.split.units]
        section_d = translation.gettext(HEADINGS[3])

    assert "Verdeling over de eenheden" in paragraphs
    assert f"Verdeelmethode: by fte. Centrale reserve: 5 % = {reserve}." in paragraphs
    for unit, amount in zip(report.amounts.split.units, amounts, strict=True):
        assert unit.unit in cells and amount in cells
    assert "Centrale reserve" in cells and reserve in cells
    assert "70,1%" in cells  # turnout: one decimal
    assert "Besluiten per stap" in paragraphs
    assert "1. Organisational units" in cells and "Dirk Directeur (director)" in cells
    appendix = paragraphs.index("Bijlage: de besluitenlijst")
    assert appendix > paragraphs.index(section_d)
    for entry in report.process.timeline:
        assert entry.summary in cells


def test_docx_gives_the_comparison_as_a_table():
    _, cells, _ = docx_text(report_docx(samples.school_report()))

    assert "baseline 2024-2025" in cells
    assert "2.4 / 4" in cells
    assert "41.2%" in cells  # 41.5 - 0.3 in the earlier year


def test_docx_of_a_school_without_process_says_so_in_each_section():
    paragraphs, cells, _ = docx_text(report_docx(samples.empty_school_report()))

    for sentence in NONE_SENTENCES:
        assert sentence in paragraphs
    assert cells == []


def test_board_docx_has_every_school_row_and_the_totals():
    board = samples.board_report()
    paragraphs, cells, _ = docx_text(report_docx(board))

    for row in board.rows:
        assert {row.school_name, row.brin, format_euro(row.share).replace("\u00a0", " ")} <= set(
            cells
        )
    totals = [board.share_total, board.budget_total, board.planned_total, board.actual_total]
    assert {flat(format_euro(amount)) for amount in totals} <= set(cells)
    for school in board.schools:
        assert school.school_name in paragraphs
    assert paragraphs.count(HEADINGS[0]) == len(board.schools)


# --- names and the page counter ----------------------------------------------------------------


def test_report_filename_names_school_or_board_and_year():
    assert report_filename(samples.school_report(), "pdf") == (
        "annual-report-het-baken-lyceum-2025-2026.pdf"
    )
    assert report_filename(samples.board_report(), "docx") == (
        "annual-report-stichting-voortgezet-onderwijs-rijnstreek-2025-2026.docx"
    )


def test_report_filename_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="xlsx"):
        report_filename(samples.school_report(), "xlsx")


def test_page_label_parts_follow_the_translation():
    assert page_label_parts() == [
        ("text", "page "),
        ("field", "page"),
        ("text", " of "),
        ("field", "pages"),
    ]


def test_page_counter_css_escapes_quotes_and_markup_of_a_translation(monkeypatch):
    monkeypatch.setattr(documents, "gettext", lambda msgid: '"%(page)s"</style>/%(pages)s')

    css = page_counter_css()

    assert css == '"\\"" counter(page) "\\"\\3c /style>/" counter(pages)'
