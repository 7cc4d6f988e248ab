"""A school's school years side by side (domain section 7: "years can be compared side by side").

``years_compared`` turns the figures of a school's years (``school_years_figures``: per year the
figures of its annual report, ``figures.school_report``, that the comparison shows, read for the
years together) into rows with one cell per year, oldest left; it reads nothing. ``school_years``
picks the years: the school's years with a process, at most ``MAX_YEARS``, the latest ones, or
the ones up to the year asked for when that year is older. A cell is None when the year has no
such figure (not ratified yet, no vote closed, no survey round shown); the page shows "–".
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from processes.models import Process
from schoolplans.models import RatificationRecord
from schoolplans.selectors.archive import kickoff_attended
from spending.selectors import spending_overviews
from surveys.models import SurveyRound
from surveys.selectors.results import school_history, school_rounds
from units.models import BudgetLine, OrganisationalUnit, SchoolAllocation
from voting.models import Vote
from voting.selectors import TurnoutRow, vote_counted

from ..sections import ZERO, SurveyRoundRow
from . import figures_results

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
        .select_related("school", "school_year")
        .order_by("school_year__start_year")
    )
    index = next(i for i, other in enumerate(processes) if other.pk == process.pk)
    end = len(processes) if index >= len(processes) - MAX_YEARS else index + 1
    return processes[max(end - MAX_YEARS, 0) : end]


@dataclass(frozen=True)
class YearFigures:
    """The figures of one year that the comparison shows: each is the figure of that year's
    annual report (``figures.school_report``, named after it in the comments), read without
    the parts of the report the comparison does not show."""

    school_name: str
    school_year: str  # report.school_year
    process_id: int
    school_budget: Decimal  # report.amounts.school_budget
    school_share: Decimal | None  # report.amounts.school_share
    carry_over: Decimal | None  # the carry-over lines of report.amounts.budget_lines
    goals: object | None  # spending.selectors.SpendingOverview; report.goals is None without
    turnout: Decimal | None  # the last closed round of report.process.votes
    attendance: int | None  # report.process.kickoff
    submitted_plans: tuple[int, int] | None  # report.process.units
    survey_round: SurveyRoundRow | None  # the latest shown of report.evaluation.rounds
    ratified_at: object  # report.ratified_at, False when not ratified
    comparison: object | None  # report.evaluation.comparison


def _by_process(rows, key) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def _records(processes) -> dict[int, RatificationRecord]:
    """Each process's latest ratification (as ``ratification_record_for``), in one query."""
    latest: dict[int, RatificationRecord] = {}
    records = (
        RatificationRecord.objects.filter(version__school_plan__process__in=processes)
        .select_related("version__school_plan")
        .order_by("-ratified_at", "-pk")
    )
    for record in records:
        latest.setdefault(record.version.school_plan.process_id, record)
    return latest


def _shares(school, processes) -> dict[int, SchoolAllocation]:
    """Each year's share of the board's fixed allocation (as ``school_share``), by school year
    id, in one query."""
    return {
        share.allocation.school_year_id: share
        for share in SchoolAllocation.objects.filter(
            school=school,
            allocation__board_id=school.board_id,
            allocation__school_year__in=[p.school_year_id for p in processes],
            allocation__fixed_at__isnull=False,
        ).select_related("allocation")
    }


def _turnout(closed_votes) -> Decimal | None:
    """The turnout of the last closed round (as ``figures_process.votes``)."""
    if not closed_votes:
        return None
    vote = max(closed_votes, key=lambda vote: vote.round)
    counted = vote_counted(vote)
    return TurnoutRow("", counted.eligible, counted.cast).percentage


def _attendance(attended) -> int | None:
    """The kick-off attendance of a year (``kickoff_attended``), as section b counts it."""
    counted = [number for number in attended if number is not None]
    return sum(counted) if counted else None


def _survey_round(process, history) -> SurveyRoundRow | None:
    """The year's latest round with results shown (baseline first, as in section d), from the
    school's ``history`` (``school_history``: the rounds with results shown, each with its
    dimension figures, computed as ``round_results`` computes them)."""
    shown = [row for row in history if row.survey_round.questionnaire.process_id == process.pk]
    if not shown:
        return None
    row = max(
        shown,
        key=lambda row: (row.survey_round.kind != SurveyRound.Kind.BASELINE, row.survey_round.kind),
    )
    return SurveyRoundRow(
        label=figures_results.round_label(row.survey_round, process.school_year),
        invited=None,
        answered=None,
        shown=True,
        dimensions=figures_results.dimension_rows(list(row.dimensions.values())),
    )


def _comparison(process, history):
    """The chart of section d of ``process``'s report: the school's rounds up to its year."""
    start = process.school_year.start_year
    return figures_results.comparison_of(
        [
            row
            for row in history
            if row.survey_round.questionnaire.process.school_year.start_year <= start
        ]
    )


def school_years_figures(*, process) -> list[YearFigures]:
    """The figures of each compared year, oldest first. A fixed number of queries for the
    years together (the shares, ratifications, budget lines, units, votes, kick-off sessions,
    spending and survey rounds of every year at once), however many years, measures,
    decisions or units there are."""
    processes = school_years(process=process)
    rounds, responses = school_rounds(process.school)  # every year's rounds and responses
    history = school_history(process.school, rounds=rounds, responses=responses)
    shares = _shares(process.school, processes)
    records = _records(processes)
    lines = _by_process(
        BudgetLine.objects.filter(process__in=processes).order_by("kind", "pk"),
        lambda line: line.process_id,
    )
    units = _by_process(
        OrganisationalUnit.objects.filter(process__in=processes).values_list(
            "process_id", "plan__submitted_at"
        ),
        lambda unit: unit[0],
    )
    votes = _by_process(
        Vote.objects.filter(
            process__in=processes, kind=Vote.Kind.AGREEMENT, state=Vote.State.CLOSED
        ),
        lambda vote: vote.process_id,
    )
    attended = kickoff_attended(processes)
    goals_of = spending_overviews(
        (other, records[other.pk].version) for other in processes if other.pk in records
    )
    years = []
    for other in processes:
        record = records.get(other.pk)
        share = shares.get(other.school_year_id)
        amounts = [line.amount for line in lines.get(other.pk, [])]
        carry_over = [
            line.amount
            for line in lines.get(other.pk, [])
            if line.kind == BudgetLine.Kind.CARRY_OVER
        ]
        goals = goals_of.get(other.pk)
        submitted = [submitted_at for _pk, submitted_at in units.get(other.pk, [])]
        years.append(
            YearFigures(
                school_name=process.school.name,
                school_year=str(other.school_year),
                process_id=other.pk,
                school_budget=sum(amounts, ZERO),
                school_share=share.amount if share else None,
                carry_over=sum(carry_over, ZERO) if carry_over else None,
                goals=goals,
                turnout=_turnout(votes.get(other.pk, [])),
                attendance=_attendance(attended[other.pk]),
                submitted_plans=(
                    (sum(at is not None for at in submitted), len(submitted)) if submitted else None
                ),
                survey_round=_survey_round(other, history),
                ratified_at=(record.ratified_at if record is not None else None) or False,
                comparison=_comparison(other, history) if other is processes[-1] else None,
            )
        )
    return years


# --- the figures of one year -----------------------------------------------------------------


def _goal(year, name):
    if year.goals is None:
        return None
    return year.goals.unspent if name == "unspent" else getattr(year.goals.total, name)


def _measure_count(year) -> int | None:
    return len(year.goals.measures) if year.goals is not None else None


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


def _categories(year):
    if year.goals is None:
        return []
    return [(row.code, row.label, (row.planned, row.actual)) for row in year.goals.categories]


def _dimensions(year):
    if year.survey_round is None:
        return []
    return [(row.label, row.label, row.high_share) for row in year.survey_round.dimensions]


def _survey_label(year):
    return year.survey_round.label if year.survey_round is not None else None


def years_compared(reports: list[YearFigures]) -> YearsComparison:
    """The comparison of ``reports`` (``school_years_figures``: one school's years, oldest
    first)."""
    money = [
        _row(reports, _("School budget"), Kind.MONEY, lambda r: r.school_budget),
        _row(reports, _("Share of the board's allocation"), Kind.MONEY, lambda r: r.school_share),
        _row(reports, _("Carry-over in the budget"), Kind.MONEY, lambda r: r.carry_over),
        _row(reports, _("Planned spending"), Kind.MONEY, lambda r: _goal(r, "planned")),
        _row(reports, _("Actual spending"), Kind.MONEY, lambda r: _goal(r, "actual")),
        _row(reports, _("Unspent"), Kind.MONEY, lambda r: _goal(r, "unspent")),
    ]  # fmt: skip
    goals = [
        _row(reports, _("Number of measures"), Kind.COUNT, _measure_count),
        *_keyed_rows(reports, Kind.PAIR, _categories),
    ]
    participation = [
        _row(
            reports, _("Turnout of the staff vote (last round)"), Kind.PERCENT, lambda r: r.turnout
        ),
        _row(reports, _("Kick-off attendance"), Kind.COUNT, lambda r: r.attendance),
        _row(reports, _("Units with a submitted plan"), Kind.FRACTION, lambda r: r.submitted_plans),
    ]
    survey = [
        _row(reports, _("Survey round"), Kind.TEXT, _survey_label),
        *_keyed_rows(reports, Kind.PERCENT, _dimensions),
    ]
    ratification = [
        _row(reports, _("School plan ratified"), Kind.RATIFIED, lambda r: r.ratified_at)
    ]
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
        chart=reports[-1].comparison if reports else None,
    )
