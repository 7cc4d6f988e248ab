"""Recording spending by hand, the figures per measure, category and school, and unspent."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from processes.models import Decision
from spending import selectors
from spending.models import MeasureSpending
from spending.services.spending import MEASURE_CANCELLED, SpendingData, spending_record
from werkdruk.exceptions import DomainError

from .conftest import YEAR, ratify

D = Decimal


def record(process, actor, number, actual, status="started", **kwargs):
    return spending_record(
        process=process,
        number=number,
        actor=actor,
        data=SpendingData(actual=D(actual), status=status, **kwargs),
    )


def test_overview_without_records_plans_everything(ratified):
    overview = selectors.spending_overview(ratified)
    assert [m.number for m in overview.measures] == [1, 2, 3, 4]
    assert overview.total.planned == D("36850.75")
    assert overview.total.actual == D("0.00")
    assert {m.status for m in overview.measures} == {"planned"}
    assert selectors.unspent(ratified) == D("36850.75")
    assert selectors.spent_or_planned(ratified) == D("36850.75")


def test_sums_to_the_cent_per_measure_category_and_school(ratified, director):
    record(ratified, director, 1, "5199.99", "done")
    record(ratified, director, 2, "10000.01", fte_hired=D("0.6"))
    record(ratified, director, 4, "9000.00", "done")
    overview = selectors.spending_overview(ratified)
    by_number = {m.number: m for m in overview.measures}
    assert by_number[1].difference == D("0.01")
    assert by_number[4].difference == D("-250.00")  # overspent
    assert by_number[2].fte_hired == D("0.60")
    extra = next(c for c in overview.categories if c.code == "extra_staff")
    assert (extra.planned, extra.actual, extra.count) == (D("23950.50"), D("19000.01"), 2)
    assert sum(c.planned for c in overview.categories) == overview.total.planned
    assert overview.total.actual == D("24200.00")
    # the overspend on measure 4 reduces what is left of the others
    assert selectors.unspent(ratified) == D("36850.75") - D("24200.00")
    # measure 3 was not reported on: assumed spent as planned
    assert selectors.spent_or_planned(ratified) == D("24200.00") + D("7700.25")


def test_unspent_is_never_negative(process, director):
    ratify(process, [("Teamdag", "wellbeing", {"2025": "1000.00"})])
    record(process, director, 1, "1500.00", "done")
    assert selectors.spending_overview(process).total.difference == D("-500.00")
    assert selectors.unspent(process) == D("0.00")


def test_unspent_of_a_process_without_ratified_plan_is_zero(process):
    assert selectors.spending_overview(process) is None
    assert selectors.unspent(process) == D("0.00")
    assert selectors.spent_or_planned(process) is None


def test_other_school_years_are_separate(ratified, director):
    spending_record(
        process=ratified,
        number=2,
        actor=director,
        year=YEAR + 1,
        data=SpendingData(actual=D("100.00"), status="started"),
    )
    assert selectors.spending_overview(ratified).total.actual == D("0.00")
    next_year = selectors.spending_overview(ratified, year=YEAR + 1)
    assert next_year.total.planned == D("15200.50")
    assert next_year.total.actual == D("100.00")


def test_measure_must_run_in_the_year(ratified, director):
    with pytest.raises(DomainError, match="does not run in 2026-2027"):
        spending_record(
            process=ratified,
            number=1,
            actor=director,
            year=YEAR + 1,
            data=SpendingData(actual=D("1.00"), status="started"),
        )


@pytest.mark.parametrize("status", ["planned", "started", "done", "cancelled"])
def test_every_status_is_recorded(ratified, director, status):
    row = record(ratified, director, 3, "10.00", status)
    assert MeasureSpending.objects.get(pk=row.pk).status == status
    figures = selectors.measure_figures(ratified, number=3)
    assert figures.status == status and figures.recorded


def test_unknown_status_and_bad_amounts_are_refused(ratified, director):
    with pytest.raises(DomainError, match="Unknown status"):
        record(ratified, director, 1, "1.00", "paused")
    with pytest.raises(DomainError, match="negative"):
        record(ratified, director, 1, "-1.00")
    with pytest.raises(DomainError, match="two decimals"):
        record(ratified, director, 1, "1.001")
    with pytest.raises(DomainError, match="no measure 9"):
        record(ratified, director, 9, "1.00")
    assert not MeasureSpending.objects.exists()


def test_a_change_updates_the_row_and_keeps_its_history(ratified, director):
    record(ratified, director, 1, "100.00")
    record(ratified, director, 1, "250.00", "done")
    row = MeasureSpending.objects.get()
    assert (row.actual, row.status, row.changed_by) == (D("250.00"), "done", director)
    history = list(row.history.order_by("history_date"))
    assert [h.actual for h in history] == [D("100.00"), D("250.00")]
    assert {h.history_user for h in history} == {director}


def test_cancelling_is_recorded_as_a_decision_once(ratified, director):
    record(ratified, director, 3, "0.00", "cancelled")
    record(ratified, director, 3, "50.00", "cancelled")
    decisions = Decision.objects.filter(process=ratified, action=MEASURE_CANCELLED)
    assert decisions.count() == 1
    assert "Scholing nakijken" in decisions.get().summary


def test_only_the_director_records(ratified, pmr, board_admin, staff_user):
    for user in (pmr, board_admin, staff_user):
        with pytest.raises(PermissionDenied):
            record(ratified, user, 1, "1.00")
    assert not MeasureSpending.objects.exists()


def test_nothing_to_record_before_ratification(process, director):
    with pytest.raises(DomainError, match="ratified"):
        record(process, director, 1, "1.00")
