"""A school's years side by side (reporting.selectors.compare and its page): on Het Baken
Lyceum's demo years (last year ratified, with spending and survey; this year at step 8) every
cell equals that year's annual report; which years are compared; who may open the page; the
number of queries."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from plans.demo_plans import demo_plans
from processes.models import Process, SchoolRole
from reporting.selectors.compare import (
    MAX_YEARS,
    school_years,
    school_years_figures,
    years_compared,
)
from reporting.selectors.figures import school_report
from schoolplans.models import RatificationRecord, SchoolPlanVersion
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
)
from units.models import BudgetLine
from werkdruk.money import format_euro

DOMAIN = "demo.werkdruk.nl"
CARRY_OVER = BudgetLine.Kind.CARRY_OVER


def demo_user(local):
    return get_user_model().objects.get(email=f"{local}@{DOMAIN}")


@pytest.fixture
def two_years(ratified_demo, demo):
    """Het Baken's ratified process of last year and its process of this year (step 8), the
    latter with a carry-over line of 1,234.56 and another of 100.00."""
    current = demo_plans(demo)
    for description, amount in (("unspent 1", "1234.56"), ("unspent 2", "100.00")):
        BudgetLine.objects.create(
            process=current, kind=CARRY_OVER, description=description, amount=Decimal(amount)
        )
    return ratified_demo, current


def rows_of(comparison) -> dict:
    return {row.label: row for group in comparison.groups for row in group.rows}


# --- the figures -----------------------------------------------------------------------------


def test_every_cell_is_the_figure_of_that_years_report(two_years):
    last, current = two_years
    comparison = years_compared(school_years_figures(process=current))
    assert [(y.label, y.process_id) for y in comparison.years] == [
        (str(last.school_year), last.pk),
        (str(current.school_year), current.pk),
    ]
    rows = rows_of(comparison)
    reports = [school_report(school=p.school, school_year=p.school_year) for p in two_years]
    old, new = reports

    def cells(label):
        return rows[label].cells

    assert cells("School budget") == [r.amounts.school_budget for r in reports]
    assert cells("Share of the board's allocation") == [r.amounts.school_share for r in reports]
    assert cells("Carry-over in the budget") == [None, Decimal("1334.56")]
    assert new.amounts.school_budget == new.amounts.school_share + Decimal("1334.56")
    # last year is ratified: its goals; this year is not: dashes
    assert old.goals is not None and new.goals is None
    assert cells("Planned spending") == [old.goals.planned, None]
    assert cells("Actual spending") == [old.goals.actual, None]
    assert cells("Unspent") == [old.goals.unspent, None]
    assert old.goals.unspent == old.goals.planned - old.goals.actual > 0
    assert cells("Number of measures") == [len(old.goals.measures), None] == [6, None]
    assert old.goals.categories
    for category in old.goals.categories:
        assert cells(category.label) == [(category.planned, category.actual), None]
        assert rows[category.label].kind == "pair"
    # participation
    for report, cell in zip(reports, cells("Turnout of the staff vote (last round)"), strict=True):
        last_round = max(report.process.votes, key=lambda vote: vote.round)
        assert cell == last_round.turnout
    for report, cell in zip(reports, cells("Kick-off attendance"), strict=True):
        assert cell == sum(s.attended for s in report.process.kickoff if s.attended is not None)
    submitted = cells("Units with a submitted plan")
    for report, (part, whole) in zip(reports, submitted, strict=True):
        assert whole == len(report.process.units)
        assert part == len([u for u in report.process.units if u.submitted_at is not None])
    assert submitted[1][0] < submitted[1][1]  # the languages teachers are still writing
    # survey: last year's latest shown round (the follow-up), nothing this year
    shown = [r for r in old.evaluation.rounds if r.shown]
    assert len(shown) == 2 and not new.evaluation.rounds
    assert cells("Survey round") == [shown[-1].label, None]
    assert shown[-1].dimensions
    for dimension in shown[-1].dimensions:
        assert cells(dimension.label) == [dimension.high_share, None]
    assert cells("School plan ratified") == [old.ratified_at, False]
    assert old.ratified_at == RatificationRecord.objects.get().ratified_at
    # the chart: the school's survey rounds up to the latest year, as in its report's section d
    assert comparison.chart is not None and comparison.chart == new.evaluation.comparison
    assert [label for label, _colour in comparison.chart.legend] == [
        f"{last.school_year} baseline",
        f"{last.school_year} follow-up",
    ]


def test_one_year_is_one_column(ratified_demo):
    comparison = years_compared(school_years_figures(process=ratified_demo))
    assert [y.process_id for y in comparison.years] == [ratified_demo.pk]
    assert all(len(row.cells) == 1 for group in comparison.groups for row in group.rows)


def test_the_years_are_the_latest_five_or_those_up_to_an_older_year(db):
    school = SchoolFactory()
    other = Process.objects.create(school=SchoolFactory(), school_year=SchoolYearFactory())
    processes = [
        Process.objects.create(school=school, school_year=SchoolYearFactory(start_year=year))
        for year in (2031, 2025, 2026, 2027, 2028, 2029, 2030)  # created out of order
    ]
    by_year = {p.school_year.start_year: p for p in processes}
    years = [2025, 2026, 2027, 2028, 2029, 2030, 2031]

    def shown(year):
        return [p.school_year.start_year for p in school_years(process=by_year[year])]

    assert MAX_YEARS == 5
    for year in (2027, 2028, 2031):
        assert shown(year) == years[-5:]
    assert shown(2026) == [2025, 2026]
    assert shown(2025) == [2025]
    assert other not in school_years(process=by_year[2031])


# --- the page --------------------------------------------------------------------------------


def test_the_page_shows_the_years_to_director_pmr_and_board(client, two_years):
    last, current = two_years
    url = reverse("reporting:school-years", args=[current.pk])
    report = school_report(school=last.school, school_year=last.school_year)
    for local in ("directeur.baken", "pmr.baken", "bestuur"):
        client.force_login(demo_user(local))
        response = client.get(url)
        assert response.status_code == 200, local
        html = response.content.decode()
        assert escape(current.school.name) in html
        table = html[html.index('data-testid="years-compared"') :]
        assert table.index(str(last.school_year)) < table.index(str(current.school_year))
        assert reverse("reporting:school-report", args=[last.pk]) in html
        assert escape(format_euro(report.goals.planned)) in html
        assert escape(format_euro(Decimal("1334.56"))) in html
        assert "–" in html  # this year's planned spending, not ratified yet
        assert "Units with a submitted plan" in html
        assert 'data-testid="survey-chart"' in html
    report_page = client.get(reverse("reporting:school-report", args=[current.pk]))
    assert url in report_page.content.decode()


def test_teachers_get_403_and_other_schools_404(client, two_years):
    _last, current = two_years
    url = reverse("reporting:school-years", args=[current.pk])
    client.force_login(demo_user("docent.baken"))
    assert client.get(url).status_code == 403
    for user in (
        demo_user("directeur"),  # director of the other school of the board
        SchoolRoleFactory(role=SchoolRole.Role.DIRECTOR).user,
        BoardAdministratorFactory().user,  # of another board
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(demo_user("directeur.baken"))
    assert client.get(reverse("reporting:school-years", args=[999999])).status_code == 404
    assert client.post(url).status_code == 405


# --- queries ---------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_number_of_measures(client, two_years):
    last, current = two_years
    client.force_login(demo_user("directeur.baken"))
    url = reverse("reporting:school-years", args=[current.pk])

    def count():
        with CaptureQueriesContext(connection) as built:
            comparison = years_compared(school_years_figures(process=current))
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        return len(built), len(page), comparison

    count()  # caches warmed
    built, page, before = count()
    version = RatificationRecord.objects.get(version__school_plan__process=last).version
    content = dict(version.content)
    content["measures"] = content["measures"] * 3
    SchoolPlanVersion.objects.filter(pk=version.pk).update(content=content)
    built_after, page_after, after = count()
    assert (
        rows_of(after)["Number of measures"].cells[0]
        == 3 * rows_of(before)["Number of measures"].cells[0]
    )
    assert (built_after, page_after) == (built, page)
