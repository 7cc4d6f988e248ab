"""The figures of the annual report (CAO VO, domain section 9), read from what was recorded.

Sections:
  a. the amount: the board's total, the part for each school, the school's budget lines;
  b. how and with whom: the timeline of decisions, the votes' participation, contributors per
     unit, kick-off attendance;
  c. goals: the ratified measures by category, planned against actual spending, and their effect
     according to the survey;
  d. evaluation: the evaluation agreement and its outcome (survey results per round, and the
     school's years side by side).

The dataclasses are in ``reporting/sections.py``; every renderer (HTML page, PDF, DOCX) reads
them and nothing else, so the three outputs show the same figures. Amounts are Decimals to the
cent; nothing here writes.
"""

from django.utils import timezone

from plans.models import MeasureCategory
from processes.models import Process
from schoolplans.selectors.decision_list import ratification_record_for
from surveys.selectors.results import school_rounds
from units.models import BoardAllocation

from ..sections import ZERO, BoardReport, BoardSchoolRow, CategoryRow, SchoolReport
from . import figures_process, figures_results


def _process_of(school, school_year):
    return (
        Process.objects.filter(school=school, school_year=school_year)
        .select_related("school__board", "school_year")
        .order_by("-created_at", "-pk")
        .first()
    )


def school_report(*, school, school_year, process=None, rounds=None) -> SchoolReport:
    """The report of one school for one school year (its process, if any: ``process`` when the
    caller has read it, a school has at most one per year). ``rounds``: the school's survey
    rounds and responses (``surveys.selectors.results.school_rounds``), when read already.

    Without a process for that year only the board's allocation is given (process and goals
    None, an empty evaluation); before ratification the goals are None and the rest is filled.
    A fixed number of queries, however many measures, decisions or units there are.
    """
    share = figures_process.school_share(school=school, school_year=school_year)
    if process is None:
        process = _process_of(school, school_year)
    base = {
        "school_name": school.name,
        "brin": school.brin,
        "school_year": str(school_year),
    }
    if process is None:
        return SchoolReport(
            **base,
            process_id=None,
            ratified_at=None,
            version_number=None,
            amounts=figures_process.amount_section(share=share, process=None),
            process=None,
            goals=None,
            evaluation=figures_results.empty_evaluation(),
        )
    record = ratification_record_for(process)
    if rounds is None:
        rounds = school_rounds(school)  # this year's rounds and the school's history
    results = figures_results.survey_results(process, school_rounds=rounds)
    units = figures_process.unit_rows(process)  # sections a (the split) and b
    return SchoolReport(
        **base,
        process_id=process.pk,
        ratified_at=record.ratified_at if record else None,
        version_number=record.version.number if record else None,
        amounts=figures_process.amount_section(share=share, process=process, unit_rows=units),
        process=figures_process.process_section(process=process, record=record, unit_rows=units),
        goals=figures_results.goals_section(
            process=process, results=results, version=record.version if record else None
        ),
        evaluation=figures_results.evaluation_section(
            process=process, results=results, school_rounds=rounds
        ),
    )


def _board_row(report: SchoolReport) -> BoardSchoolRow:
    goals = report.goals
    return BoardSchoolRow(
        school_name=report.school_name,
        brin=report.brin,
        pupil_count=report.amounts.pupil_count,
        share=report.amounts.school_share,
        school_budget=report.amounts.school_budget,
        planned=goals.planned if goals else ZERO,
        actual=goals.actual if goals else ZERO,
        ratified=report.ratified_at is not None,
    )


def _categories(reports: list[SchoolReport]) -> list[CategoryRow]:
    """Section c's categories summed over the schools by code, in the categories' order."""
    order = {
        code: index
        for index, code in enumerate(MeasureCategory.objects.values_list("code", flat=True))
    }
    summed: dict[str, CategoryRow] = {}
    for report in reports:
        for row in report.goals.categories if report.goals else []:
            seen = summed.get(row.code)
            summed[row.code] = (
                row
                if seen is None
                else CategoryRow(
                    code=row.code,
                    label=seen.label,
                    count=seen.count + row.count,
                    planned=seen.planned + row.planned,
                    actual=seen.actual + row.actual,
                )
            )
    return sorted(summed.values(), key=lambda row: (order.get(row.code, len(order)), row.code))


def board_report(*, board, school_year, progress=None, reports=None) -> BoardReport:
    """The report of every school of ``board``; ``progress(done, total)`` is called after each
    school, for the background job's progress bar. ``reports``: the schools' reports, made
    already (by the tasks that rendered the schools' parts), in the board's order."""
    allocation = BoardAllocation.objects.filter(
        board=board, school_year=school_year, fixed_at__isnull=False
    ).first()
    if reports is None:
        schools = list(board.schools.order_by("name", "pk"))
        reports = []
        for done, school in enumerate(schools, 1):
            reports.append(school_report(school=school, school_year=school_year))
            if progress is not None:
                progress(done, len(schools))
    rows = [_board_row(report) for report in reports]
    return BoardReport(
        board_name=board.name,
        school_year=str(school_year),
        board_total=allocation.total if allocation else None,
        board_office=allocation.board_office_amount if allocation else None,
        rows=rows,
        schools=reports,
        categories=_categories(reports),
        share_total=sum((row.share or ZERO for row in rows), ZERO),
        budget_total=sum((row.school_budget for row in rows), ZERO),
        planned_total=sum((row.planned for row in rows), ZERO),
        actual_total=sum((row.actual for row in rows), ZERO),
        generated_at=timezone.now(),
    )
