"""Next year's carry-over counts what was actually spent once spending is recorded."""

from decimal import Decimal

from processes import services as process_services
from schoolplans.selectors import next_year
from schoolplans.services import next_year as next_year_services
from tests.factories import SchoolYearFactory
from units.models import BudgetLine

from .test_services import record


def next_process(ratified, director):
    BudgetLine.objects.create(
        process=ratified, kind=BudgetLine.Kind.ALLOCATION, description="2025", amount="100000.00"
    )
    return process_services.process_create(
        school=ratified.school,
        school_year=SchoolYearFactory(start_year=2026),
        actor=director,
        copy_from=ratified,
    )


def test_the_offer_counts_the_plan_until_spending_is_recorded_then_what_was_spent(
    ratified, director
):
    new = next_process(ratified, director)
    planned = next_year.carry_over_details(new)
    # 100000.00 - (5200.00 + 15200.50 + 7700.25 + 8750.00) planned in 2025-2026
    assert (planned.amount, planned.from_spending) == (Decimal("63149.25"), False)

    record(ratified, director, 1, "3000.00", status="done")

    spent = next_year.carry_over_details(new)
    # measure 1 spent 3000.00 instead of 5200.00; the others count as planned
    assert (spent.planned_cost, spent.amount) == (Decimal("34650.75"), Decimal("65349.25"))
    assert spent.from_spending is True
    line = next_year_services.carry_over_accept(process=new, actor=director)
    assert line.amount == Decimal("65349.25") and line.description.startswith("Not spent in")
