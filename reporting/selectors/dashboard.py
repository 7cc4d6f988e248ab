"""The board dashboard (progress and money per school, in constant queries) and the money per
school on the board report's page."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum
from django.http import Http404

from processes.models import Process, SchoolYear
from processes.selectors import board_overview
from schoolplans.models import RatificationRecord
from spending.models import MeasureSpending
from spending.selectors import amount, ratified_measures
from units.models import BoardAllocation, BudgetLine

ZERO = Decimal("0.00")


@dataclass
class MoneyRow:
    school: object
    process: Process | None
    budget: Decimal = ZERO
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    ratified: bool = False

    @property
    def unspent(self) -> Decimal:
        return max(self.planned - self.actual, ZERO)


@dataclass
class MoneyTotals:
    budget: Decimal = ZERO
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    unspent: Decimal = ZERO
    rows: list[MoneyRow] = field(default_factory=list)


def _planned_by_process(process_ids, year: int) -> dict[int, Decimal]:
    """Planned cost in ``year`` of each process's ratified version (the latest, should there
    be more): one query."""
    records = (
        RatificationRecord.objects.filter(version__school_plan__process_id__in=process_ids)
        .select_related("version__school_plan")
        .only("version__content", "version__school_plan__process_id")  # not the decision list
        .order_by("ratified_at", "pk")
    )
    latest = {record.version.school_plan.process_id: record.version for record in records}
    return {
        process_id: sum(
            (
                amount((m.get("cost_per_year") or {}).get(str(year)))
                for m in ratified_measures(version)
            ),
            ZERO,
        )
        for process_id, version in latest.items()
    }


def money_per_school(*, board, schools, year: int) -> MoneyTotals:
    """Budget, planned and actual spending in school ``year`` for each of ``schools`` and in
    all: four queries, however many schools."""
    processes = {
        process.school_id: process
        for process in Process.objects.filter(
            school__board=board, school_year__start_year=year
        ).select_related("school_year")
    }
    ids = [process.pk for process in processes.values()]
    budgets = dict(
        BudgetLine.objects.filter(process_id__in=ids)
        .values_list("process_id")
        .annotate(total=Sum("amount"))
    )
    actuals = dict(
        MeasureSpending.objects.filter(process_id__in=ids, start_year=year)
        .values_list("process_id")
        .annotate(total=Sum("actual"))
    )
    planned = _planned_by_process(ids, year)
    totals = MoneyTotals()
    for school in schools:
        process = processes.get(school.pk)
        row = MoneyRow(school=school, process=process)
        if process is not None:
            row.budget = amount(budgets.get(process.pk))
            row.actual = amount(actuals.get(process.pk))
            row.planned = planned.get(process.pk, ZERO)
            row.ratified = process.pk in planned
        totals.rows.append(row)
        totals.budget += row.budget
        totals.planned += row.planned
        totals.actual += row.actual
        totals.unspent += row.unspent
    return totals


def board_years(board) -> dict[int, bool]:
    """The school years (start years) in which a school of ``board`` has a process, each
    saying whether it has figures to report: a ratified plan or spending recorded. One query."""
    rows = (
        Process.objects.filter(school__board=board)
        .annotate(
            ratified=Exists(
                RatificationRecord.objects.filter(version__school_plan__process=OuterRef("pk"))
            ),
            spent=Exists(MeasureSpending.objects.filter(process=OuterRef("pk"))),
        )
        .values_list("school_year__start_year", "ratified", "spent")
    )
    years: dict[int, bool] = {}
    for start_year, ratified, spent in rows:
        years[start_year] = years.get(start_year, False) or ratified or spent
    return dict(sorted(years.items()))


def latest_year_with_figures(years: dict[int, bool]) -> int:
    """The year the board's pages open on: the latest with figures to report, else the latest
    with a process, else the current school year."""
    with_figures = [year for year, has_figures in years.items() if has_figures]
    if with_figures:
        return with_figures[-1]
    if years:
        return list(years)[-1]
    return SchoolYear.objects.current().start_year


def board_dashboard(*, board, year: int | None) -> dict:
    """The board dashboard: every school's current process and its open and overdue steps,
    and the money per school in ``year`` (by default the latest year with figures: a year
    whose procedures are still under way has no plan or spending to show yet)."""
    overview = board_overview(board=board)
    with_figures = board_years(board)
    years = list(with_figures)
    if year is None:
        year = latest_year_with_figures(with_figures)
    elif year not in years:
        raise Http404
    schools = [row["school"] for row in overview["rows"]]
    return {
        **overview,
        "years": years,
        "year": year,
        "year_label": f"{year}-{year + 1}",
        "money": money_per_school(board=board, schools=schools, year=year),
    }


def board_report_summary(*, board, school_year) -> dict:
    """Section a of the board report for its page: the board's fixed allocation, each school's
    share, budget, planned and actual spending, and totals. Six queries, however many schools;
    the full report (sections a-d of every school) is written by a background job."""
    allocation = (
        BoardAllocation.objects.filter(board=board, school_year=school_year, fixed_at__isnull=False)
        .prefetch_related("shares")
        .first()
    )
    shares = {share.school_id: share for share in allocation.shares.all()} if allocation else {}
    schools = list(board.schools.order_by("name", "pk"))
    money = money_per_school(board=board, schools=schools, year=school_year.start_year)
    rows = [{"money": row, "share": shares.get(row.school.pk)} for row in money.rows]
    return {
        "allocation": allocation,
        "rows": rows,
        "money": money,
        "share_total": sum((share.amount for share in shares.values()), ZERO),
    }
