"""Issue 15, item 1: every PDF of the demo's ratified process reads clean, page by page.

The documents are asked for as a user asks for them (the views), except the board's report,
which a background job writes with the same ``report_pdf``. ``tests.pdf_layout`` reads the
layout WeasyPrint made of each: no page mostly one colour block, nothing past the right margin,
no page ending with a heading, every table's totals on the page of its last row and its
header repeated on every page it runs over.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from weasyprint import HTML

from processes.models import AgreementVersion
from reporting.documents import report_pdf
from reporting.selectors.figures import board_report, school_report
from schoolplans.selectors.decision_list import ratification_record_for
from tests.pdf_layout import capture_documents, layout_problems
from werkdruk.money import format_euro

DOMAIN = "demo.werkdruk.nl"


def demo_user(local):
    return get_user_model().objects.get(email=f"{local}@{DOMAIN}")


def _problems(captured) -> tuple[list[str], dict[str, int]]:
    problems, pages = [], {}
    for template, document in captured:
        problems += layout_problems(document, template)
        pages[template] = len(document.pages)
    return problems, pages


def test_item1_every_pdf_of_the_ratified_demo_is_clean_page_by_page(client, ratified_demo):
    process = ratified_demo
    version = ratification_record_for(process).version
    agreement = AgreementVersion.objects.filter(process=process).order_by("-number").first()
    client.force_login(demo_user("directeur.baken"))
    urls = [
        reverse("reporting:school-report-pdf", args=[process.pk]),
        reverse("processes:agreement-pdf", args=[process.pk, agreement.number]),
        reverse("schoolplans:school-plan-pdf", args=[process.pk, version.number]),
        reverse("schoolplans:decision-list-pdf", args=[process.pk]),
    ]
    with translation.override("nl"), capture_documents() as captured:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
        report_pdf(board_report(board=process.school.board, school_year=process.school_year))

    problems, pages = _problems(captured)

    assert len(captured) == 5
    assert not problems, "\n".join(problems)
    # The decision log is summed up per step; the whole list is the appendix: the report no
    # longer runs to ten pages.
    assert pages["reporting/print/school.html"] <= 8, pages


def test_item1_section_b_sums_up_per_step_and_the_appendix_lists_every_decision(
    client, ratified_demo
):
    with translation.override("en"):
        report = school_report(school=ratified_demo.school, school_year=ratified_demo.school_year)
        html = render_to_string("reporting/print/school.html", {"report": report})
    section_b = html[html.index("b. How and with whom") : html.index("c. Goals, spending")]
    appendix = html[html.index("Appendix: the decision list") :]
    steps = report.process.steps

    assert [step.step for step in steps] == list(range(12))
    for entry in report.process.timeline:
        assert entry.summary.replace("'", "&#x27;") in appendix
        assert entry.summary.replace("'", "&#x27;") not in section_b
    assert sum(step.count for step in steps) == len(
        [entry for entry in report.process.timeline if entry.step is not None]
    )
    assert all(step.finished_at is not None for step in steps)
    step_2 = [entry for entry in report.process.timeline if entry.step == 2]
    assert steps[2].people == list(dict.fromkeys(f"{e.actor} ({e.role})" for e in step_2))
    assert len(steps[2].people) == 2  # the director and the PMR member who signed it off
    assert steps[2].finished_at == max(e.date for e in step_2)
    assert "Decisions per step" in section_b
    assert f"all {len(report.process.timeline)} decisions" in section_b
    # The page shows what the PDF shows: the summary, the split and the appendix.
    client.force_login(demo_user("directeur.baken"))
    page = client.get(reverse("reporting:school-report", args=[ratified_demo.pk])).content.decode()
    for testid in ("report-split", "report-steps", "appendix", "report-decisions"):
        assert f'data-testid="{testid}"' in page, testid


def test_item1_section_a_shows_each_units_amount_and_the_reserve_as_split_in_step_2(
    ratified_demo,
):
    from units.models import BudgetSplit, OrganisationalUnit

    report = school_report(school=ratified_demo.school, school_year=ratified_demo.school_year)
    split = report.amounts.split
    stored = BudgetSplit.objects.get(process=ratified_demo)
    units = OrganisationalUnit.objects.filter(process=ratified_demo).order_by("name")

    assert [(row.unit, row.amount) for row in split.units] == [(u.name, u.amount) for u in units]
    assert split.reserve == stored.reserve_amount > 0
    assert split.units_total + split.reserve == split.school_total == stored.school_total
    assert sum(row.share for row in split.units) == Decimal("100.00")
    with translation.override("nl"):
        html = render_to_string("reporting/print/school.html", {"report": report})
        reserve = format_euro(stored.reserve_amount)
    table = html[html.index('data-testid="report-split"') :]
    table = table[: table.index("</table>")]
    for unit in units:
        assert unit.name in table
    assert reserve in table


def test_item1_turnout_has_one_decimal_as_on_the_result_page(ratified_demo):
    from dataclasses import replace

    report = school_report(school=ratified_demo.school, school_year=ratified_demo.school_year)
    vote = replace(report.process.votes[0], turnout=Decimal("100.0"))
    report = replace(report, process=replace(report.process, votes=[vote]))
    with translation.override("nl"):
        html = render_to_string("reporting/print/school.html", {"report": report})
    assert "100,0%" in html


# --- the agreement's split table over a page break ------------------------------------------


def _agreement_html(units: int) -> str:
    """The agreement's budget section with ``units`` units, laid out as the agreement PDF."""
    content = {
        "budget_lines": [
            {"kind": "allocation", "kind_label": "toekenning", "description": "", "amount": "1000"}
        ],
        "school_total": "100000.00",
        "method": {"code": "fte", "label": "naar fte"},
        "reserve": {
            "kind": "percentage",
            "label": "percentage",
            "value": "10",
            "amount": "10000.00",
        },
        "units_total": "90000.00",
        "units": [
            {
                "name": f"Eenheid {n}",
                "staff_count": 10,
                "fte": "8.5",
                "share": "4.00",
                "amount": "3600.00",
            }
            for n in range(units)
        ],
    }
    body = render_to_string("units/includes/_agreement_budget.html", {"section": content})
    head = '<link rel="stylesheet" href="/static/css/print.css">'
    return f'<html lang="nl"><head>{head}</head><body>{body}</body></html>'


@pytest.mark.parametrize("units", [25, 60])
def test_item1_agreement_split_table_keeps_its_totals_with_its_rows(units):
    from werkdruk.pdf import BASE_URL, StaticFilesFetcher

    document = HTML(
        string=_agreement_html(units), base_url=BASE_URL, url_fetcher=StaticFilesFetcher()
    ).render()

    assert len(document.pages) >= 2
    assert layout_problems(document, "agreement") == []


# --- the checks themselves find what they look for ------------------------------------------

PAGE = "<style>@page { size: A4; margin: 20mm }</style>"


def _laid_out(body: str):
    return HTML(string=f"<html><head>{PAGE}</head><body>{body}</body></html>").render()


def test_item1_the_checks_find_a_page_sized_legend_swatch():
    legend = (
        '<figure><figcaption><span><svg width="12" height="12" aria-hidden="true">'
        '<rect width="12" height="12" fill="#0d6efd"></rect></svg> 2025-2026</span>'
        "</figcaption></figure>"
    )
    # The rule that blew the swatches up: every svg of a figure as wide as the page.
    problems = layout_problems(_laid_out(f"<style>figure svg {{ width: 100% }}</style>{legend}"))
    assert any("one colour block (#0d6efd)" in problem for problem in problems), problems
    assert layout_problems(_laid_out(legend)) == []


def test_item1_the_checks_find_text_past_the_right_margin():
    row = "".join(f"<td>Stemgerechtigden{n}</td>" for n in range(12))
    problems = layout_problems(_laid_out(f"<table><tr>{row}</tr></table>"))
    assert any("past the margin" in problem for problem in problems), problems


def test_item1_the_checks_find_a_heading_at_the_foot_of_a_page():
    filler = "<p>line</p>" * 44
    problems = layout_problems(_laid_out(f"{filler}<h3>Kop</h3><div style='height:20cm'></div>"))
    assert any("ends with the heading 'Kop'" in problem for problem in problems), problems


def test_item1_the_checks_find_totals_printed_apart_from_the_last_row():
    rows = "".join(f"<tr><td>unit {n}</td></tr>" for n in range(80))
    table = (
        f"<table><thead><tr><th>Unit</th></tr></thead><tbody>{rows}</tbody>"
        "<tfoot><tr><td>Total</td></tr></tfoot></table>"
    )
    # WeasyPrint's own default repeats a footer group under every part of the table.
    problems = layout_problems(_laid_out(table))
    assert any("the totals of table" in problem for problem in problems), problems
    no_header = table.replace("<thead>", "<thead style='display: table-row-group'>")
    problems = layout_problems(_laid_out(no_header))
    assert any("without its header" in problem for problem in problems), problems
