"""A school's school years side by side (domain section 7: "years can be compared side by side").

``years_compared`` turns the annual reports of a school's years (``figures.school_report``, one
per year) into rows with one cell per year, oldest left; it reads nothing. ``school_years``
picks the years: the school's years with a process, at most ``MAX_YEARS``, the latest ones, or
the ones up to the year asked for when that year is older. A cell is None when the year has no
such figure (not ratified yet, no vote closed, no survey round shown); the page shows "–".
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from processes.models import Process
from units.models import BudgetLine

from ..sections import ZERO, SchoolReport
from .figures import school_report

MAX_YEARS = 5


class Kind:
    """How the page shows a row's cells."""

    MONEY = "money"  # Decimal euros
    PAIR = "pair"  # (planned, actual) Decimal euros
    COUNT = "count"  # int
    FRACTION = "fraction"  # (part, whole) ints
    PERCENT = "percent"  # Decimal percent
    TEXT = "text"  # str
    RATIFIED = "ratified"  # the ratification's datetime, False when not ratified


@dataclass(frozen=True)
class Row:
    label: str
    kind: str
    cells: list  # one per year, oldest first; None: no figure that year


@dataclass(frozen=True)
class Group:
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class YearColumn:
    label: str  # "2025-2026"
    process_id: int | None


@dataclass(frozen=True)
class YearsComparison:
    school_name: str
    years: list[YearColumn]
    groups: list[Group]
    chart: object | None  # surveys.charts.Chart of the survey rounds up to the latest year


def school_years(*, process) -> list[Process]:
    """The processes of ``process``'s school to compare, oldest first (one query): the latest
    ``MAX_YEARS`` years with a process, or, when ``process``'s year is older than those, the
    ``MAX_YEARS`` years up to and including it."""
    processes = list(
        Process.objects.filter(school_id=process.school_id)
        .select_related("school_year")
        .order_by("school_year__start_year")
    )
    index = next(i for i, other in enumerate(processes) if other.pk == process.pk)
    end = len(processes) if index >= len(processes) - MAX_YEARS else index + 1
    return processes[max(end - MAX_YEARS, 0) : end]


def school_years_reports(*, process) -> list[SchoolReport]:
    """One annual report per compared year, oldest first: a fixed number of queries per year,
    however many measures, decisions or units a year has."""
    return [
        school_report(school=process.school, school_year=other.school_year)
        for other in school_years(process=process)
    ]


# --- the figures of one year -----------------------------------------------------------------


def _goal(report, name):
    return getattr(report.goals, name) if report.goals is not None else None


def _carry_over(report) -> Decimal | None:
    lines = [
        line.amount
        for line in report.amounts.budget_lines
        if line.kind == BudgetLine.Kind.CARRY_OVER
    ]
    return sum(lines, ZERO) if lines else None


def _measure_count(report) -> int | None:
    return len(report.goals.measures) if report.goals is not None else None


def _turnout(report) -> Decimal | None:
    votes = report.process.votes if report.process is not None else []
    return max(votes, key=lambda vote: vote.round).turnout if votes else None


def _attendance(report) -> int | None:
    sessions = report.process.kickoff if report.process is not None else []
    counted = [session.attended for session in sessions if session.attended is not None]
    return sum(counted) if counted else None


def _submitted_plans(report) -> tuple[int, int] | None:
    units = report.process.units if report.process is not None else []
    if not units:
        return None
    return sum(unit.submitted_at is not None for unit in units), len(units)


def _survey_round(report):
    """The year's latest round with results shown (the rounds are baseline first), or None."""
    return next((row for row in reversed(report.evaluation.rounds) if row.shown), None)


def _ratified(report):
    return report.ratified_at if report.ratified_at is not None else False


# --- rows ------------------------------------------------------------------------------------


def _row(reports, label, kind, figure) -> Row:
    return Row(label=label, kind=kind, cells=[figure(report) for report in reports])


def _keyed_rows(reports, kind, keyed) -> list[Row]:
    """Rows of figures that differ per year (categories, survey dimensions): ``keyed(report)``
    gives ``[(key, label, cell)]``; a key gets a row in order of first appearance, labelled as
    in its latest year."""
    labels: dict[str, str] = {}
    cells: dict[str, dict[int, object]] = {}
    for index, report in enumerate(reports):
        for key, label, cell in keyed(report):
            labels[key] = label
            cells.setdefault(key, {})[index] = cell
    return [
        Row(label=labels[key], kind=kind, cells=[by_year.get(i) for i in range(len(reports))])
        for key, by_year in cells.items()
    ]


def _categories(report):
    if report.goals is None:
        return []
    return [(row.code, row.label, (row.planned, row.actual)) for row in report.goals.categories]


def _dimensions(report):
    shown = _survey_round(report)
    if shown is None:
        return []
    return [(row.label, row.label, row.high_share) for row in shown.dimensions]


def _survey_label(report):
    shown = _survey_round(report)
    return shown.label if shown is not None else None


def years_compared(reports: list[SchoolReport]) -> YearsComparison:
    """The comparison of ``reports`` (one school's years, oldest first)."""
    money = [
        _row(reports, _("School budget"), Kind.MONEY, lambda r: r.amounts.school_budget),
        _row(reports, _("Share of the board's allocation"), Kind.MONEY,
             lambda r: r.amounts.school_share),
        _row(reports, _("Carry-over in the budget"), Kind.MONEY, _carry_over),
        _row(reports, _("Planned spending"), Kind.MONEY, lambda r: _goal(r, "planned")),
        _row(reports, _("Actual spending"), Kind.MONEY, lambda r: _goal(r, "actual")),
        _row(reports, _("Unspent"), Kind.MONEY, lambda r: _goal(r, "unspent")),
    ]  # fmt: skip
    goals = [
        _row(reports, _("Number of measures"), Kind.COUNT, _measure_count),
        *_keyed_rows(reports, Kind.PAIR, _categories),
    ]
    participation = [
        _row(reports, _("Turnout of the staff vote (last round)"), Kind.PERCENT, _turnout),
        _row(reports, _("Kick-off attendance"), Kind.COUNT, _attendance),
        _row(reports, _("Units with a submitted plan"), Kind.FRACTION, _submitted_plans),
    ]
    survey = [
        _row(reports, _("Survey round"), Kind.TEXT, _survey_label),
        *_keyed_rows(reports, Kind.PERCENT, _dimensions),
    ]
    ratification = [_row(reports, _("School plan ratified"), Kind.RATIFIED, _ratified)]
    groups = [
        Group(_("Money"), money),
        Group(_("Measures and spending per category (planned / actual)"), goals),
        Group(_("Participation"), participation),
        Group(_("Workload survey: often or always"), survey),
        Group(_("Ratification"), ratification),
    ]
    return YearsComparison(
        school_name=reports[-1].school_name if reports else "",
        years=[YearColumn(label=r.school_year, process_id=r.process_id) for r in reports],
        groups=groups,
        chart=reports[-1].evaluation.comparison if reports else None,
    )
