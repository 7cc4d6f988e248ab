"""The board dashboard: progress of every school and its budget against the planned and the
actual spending in the chosen year, with totals, in a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from processes import services as process_services
from processes.models import SchoolRole
from spending.models import MeasureSpending
from tests.factories import (
    BoardAdministratorFactory,
    BoardFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
)
from tests.spending.conftest import ratify
from units.models import BudgetLine

pytestmark = pytest.mark.django_db

# planned in 2025 per ratified plan: 5200.00 + 15200.50 + 7700.25 + 8750.00
PLANNED = Decimal("36850.75")


def add_school(board, year, *, ratified=True):
    """A school of ``board`` with a process in ``year``: a budget of 40000.00 and, when
    ``ratified``, the plan of tests.spending with 1000.10 spent on its first measure."""
    school = SchoolFactory(board=board)
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    process = process_services.process_create(school=school, school_year=year, actor=director)
    BudgetLine.objects.create(
        process=process, kind="allocation", description="toekenning", amount=Decimal("30000")
    )
    BudgetLine.objects.create(
        process=process, kind="carry_over", description="over", amount=Decimal("10000.00")
    )
    if ratified:
        version = ratify(process)
        first = version.school_plan.measures.order_by("order").first()
        MeasureSpending.objects.create(
            process=process, measure=first, start_year=2025, actual=Decimal("1000.10")
        )
    return school


@pytest.fixture
def year():
    return SchoolYearFactory(start_year=2025)


@pytest.fixture
def board():
    return BoardFactory()


@pytest.fixture
def admin(board):
    return BoardAdministratorFactory(board=board).user


def dashboard(client, board, **params):
    return client.get(reverse("reporting:board-dashboard", args=[board.pk]), params)


def test_the_dashboard_shows_each_school_and_the_totals(client, board, admin, year):
    ratified = add_school(board, year)
    pending = add_school(board, year, ratified=False)
    without = SchoolFactory(board=board)
    client.force_login(admin)
    response = dashboard(client, board)
    assert response.status_code == 200
    money = response.context["money"]
    rows = {row.school: row for row in money.rows}
    assert (rows[ratified].budget, rows[ratified].planned, rows[ratified].actual) == (
        Decimal("40000.00"),
        PLANNED,
        Decimal("1000.10"),
    )
    assert rows[ratified].unspent == PLANNED - Decimal("1000.10")
    assert (rows[pending].planned, rows[pending].ratified) == (Decimal("0.00"), False)
    assert rows[without].process is None and rows[without].budget == 0
    assert money.budget == Decimal("80000.00")
    assert (money.planned, money.actual) == (PLANNED, Decimal("1000.10"))
    assert response.context["years"] == [2025]  # once, however many schools have a process
    html = response.content.decode()
    for school in (ratified, pending, without):
        assert escape(school.name) in html
    assert 'data-testid="board-progress"' in html  # the progress table of every school
    assert "school plan not ratified" in html and "no process this school year" in html
    assert reverse("reporting:board-report", args=[board.pk, 2025]) in html
    # a year without processes is not offered
    assert dashboard(client, board, year="2019").status_code == 404


def test_the_board_page_links_the_dashboard(client, board, admin):
    client.force_login(admin)
    html = client.get(reverse("processes:board-detail", args=[board.pk])).content.decode()
    assert reverse("reporting:board-dashboard", args=[board.pk]) in html


def test_the_dashboard_needs_the_same_queries_for_2_and_6_schools(client, board, admin, year):
    client.force_login(admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert dashboard(client, board, year="2025").status_code == 200
        return len(captured)

    for _ in range(2):
        add_school(board, year)
    two = queries()
    for index in range(4):
        add_school(board, year, ratified=index % 2 == 0)
    six = queries()
    assert two == six
    response = dashboard(client, board)
    assert len(response.context["money"].rows) == 6
    assert response.context["money"].planned == 4 * PLANNED


def test_the_board_report_page_needs_the_same_queries_for_2_and_6_schools(
    client, board, admin, year
):
    """The page shows section a from aggregates; sections a-d are written by the job."""
    client.force_login(admin)
    url = reverse("reporting:board-report", args=[board.pk, 2025])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
        return len(captured), response

    for _ in range(2):
        add_school(board, year)
    two, _ = queries()
    for index in range(4):
        add_school(board, year, ratified=index % 2 == 0)
    six, response = queries()
    assert two == six
    html = response.content.decode()
    assert html.count('data-school="') == 6
    processes = [row["money"].process for row in response.context["rows"]]
    for process in processes:
        assert reverse("reporting:school-report", args=[process.pk]) in html
    assert response.context["money"].planned == 4 * PLANNED
