"""Issue 15, item 6: the annual report shows the same charts on its page, in its PDF (inline
SVG) and in its Word document (PNG pictures with the chart's title as alternative text)."""

import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from reporting.documents import page_counter_css, report_docx
from tests.charts import assert_accessible, assert_proportional, bars, charts_in, texts
from tests.reporting import samples

SCHOOL_CHARTS = {"split-chart": 1, "result-chart": 1, "spending-chart": 1}


def print_html(template, **context):
    with translation.override("nl"):
        return render_to_string(template, {**context, "page_counter": page_counter_css()})


def test_item6_the_school_pdf_draws_the_split_the_vote_and_the_spending():
    html = print_html("reporting/print/school.html", report=samples.school_report())
    for testid, count in SCHOOL_CHARTS.items():
        found = charts_in(html, testid)
        assert len(found) == count, testid
        assert_accessible(found[0])
    split = charts_in(html, "split-chart")[0]
    # the two units and the central reserve of samples.amount_section, to the cent, in Dutch
    assert [value for value, _width in bars(split)] == [
        Decimal("197036.98"),
        Decimal("131357.98"),
        Decimal("17283.95"),
    ]
    assert_proportional(split)
    assert {"Languages", "€\xa0197.036,98", "Centrale reserve", "€\xa017.283,95"} <= set(
        texts(split)
    )
    vote = charts_in(html, "result-chart")[0]
    assert [value for value, _width in bars(vote)] == [50, 8, 3]  # for, against, abstained
    assert "Voor: 50 (82,0%)" in texts(vote)


def test_item6_the_board_pdf_draws_the_funds_and_the_money_per_school():
    html = print_html("reporting/print/board.html", board=samples.board_report())
    allocation = charts_in(html, "allocation-chart")
    money = charts_in(html, "money-chart")
    assert len(allocation) == 1 and len(money) == 1
    shares = [value for value, _width in bars(allocation[0])]
    assert shares == [row.share for row in samples.BOARD_ROWS] + [Decimal("23456.78")]
    assert_proportional(allocation[0])
    # budget, planned and actual of each school, in that order
    assert [value for value, _width in bars(money[0])][:3] == [
        Decimal("345678.91"),
        Decimal("102467.13"),
        Decimal("93579.99"),
    ]
    assert_proportional(money[0])
    # every school of the board report has its own charts as well
    assert len(charts_in(html, "split-chart")) == 2  # the two schools with a process


def test_item6_a_school_without_figures_has_no_empty_charts():
    html = print_html("reporting/print/school.html", report=samples.empty_school_report())
    assert 'class="wd-chart"' not in html


def _pictures(data: bytes) -> list[tuple[str, Image.Image]]:
    """(alternative text, image) of every picture in a .docx, in document order."""
    document = Document(io.BytesIO(data))
    found = []
    for shape in document.inline_shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        part = document.part.related_parts[blip.get(qn("r:embed"))]
        found.append((shape._inline.docPr.get("descr"), Image.open(io.BytesIO(part.blob))))
    return found


def test_item6_the_school_docx_has_the_pdfs_charts_as_pictures():
    with translation.override("nl"):
        pictures = _pictures(report_docx(samples.school_report()))
    assert [title for title, _image in pictures] == [
        "Het schoolbudget verdeeld over de eenheden",
        "De uitgebrachte stemmen in ronde 1",
        "Geplande en werkelijke besteding per categorie",
    ]
    for _title, image in pictures:
        assert image.format == "PNG" and image.width > 1000  # sharp enough to print


def test_item6_the_board_docx_has_the_board_charts_and_each_schools():
    with translation.override("nl"):
        pictures = _pictures(report_docx(samples.board_report()))
    titles = [title for title, _image in pictures]
    assert titles[:2] == [
        "Het geld van het bestuur per school",
        "Budget, geplande en werkelijke besteding per school",
    ]
    assert titles.count("Het schoolbudget verdeeld over de eenheden") == 2
