"""The factsheet before step 1 (``schoolplans.models.Factsheet``): who reads and edits it, and
the "from last year" block computed at display time from the school's process of the year
before (its evaluation agreement, its spending against the plan, its survey results). It sits
in reporting because those figures come from schoolplans, spending and surveys."""

from dataclasses import dataclass, field
from decimal import Decimal

from processes.predicates import is_director, is_pmr_member
from schoolplans.models import Factsheet
from schoolplans.selectors.decision_list import ratification_record_for
from schoolplans.selectors.next_year import previous_process
from units.selectors.budget import school_budget

from ..sections import ZERO, OutcomeRow, SurveyRoundRow
from . import figures_results

READ = "reporting.view_factsheet"
EDIT = "reporting.change_factsheet"


def may_edit_factsheet(user, process) -> bool:
    """The director and the PMR write the factsheet."""
    return bool(is_director(user, process) or is_pmr_member(user, process))


@dataclass(frozen=True)
class LastYear:
    """The figures of the school's process of the year before, as recorded in the app."""

    school_year: str
    school_budget: Decimal
    planned: Decimal | None  # None: no ratified plan
    actual: Decimal | None
    unspent: Decimal | None
    agreement: dict | None  # the evaluation agreement's texts
    rounds: list[SurveyRoundRow]
    # the outcome per measure of last year's last recorded evaluation moment, once shared
    # with the staff (the factsheet is read by all staff); recorded_unshared says it exists
    outcomes: list[OutcomeRow] = field(default_factory=list)
    outcomes_moment: str | None = None
    outcomes_unshared: bool = False


def last_year(process) -> LastYear | None:
    """The "from last year" block of ``process``'s factsheet, or None without a process the
    year before."""
    previous = previous_process(process)
    if previous is None:
        return None
    # The parts of the annual report (``figures.school_report``) the block shows, no more.
    record = ratification_record_for(previous)
    results = figures_results.survey_results(previous)
    goals = figures_results.goals_section(
        process=previous, results=results, version=record.version if record else None
    )
    outcomes = figures_results.evaluation_outcomes(previous)
    lines = school_budget(process=previous).lines
    return LastYear(
        school_year=str(previous.school_year),
        school_budget=sum((line.amount for line in lines), ZERO),
        planned=goals.planned if goals else None,
        actual=goals.actual if goals else None,
        unspent=goals.unspent if goals else None,
        agreement=figures_results.agreement(previous),
        rounds=figures_results.round_rows(process=previous, results=results),
        outcomes=outcomes["outcomes"] if outcomes["outcomes_shared"] else [],
        outcomes_moment=outcomes["outcomes_moment"],
        outcomes_unshared=bool(outcomes["outcomes"]) and not outcomes["outcomes_shared"],
    )


def factsheet_of(process) -> Factsheet | None:
    return Factsheet.objects.filter(process=process).first()


def figures(factsheet) -> list[tuple[str, object]]:
    """The hand-entered figures that are filled in, as (label, value)."""
    if factsheet is None:
        return []
    names = ("mto_workload_score", "mto_response_rate", "absence_percentage", "absence_frequency")
    return [
        (Factsheet._meta.get_field(name).verbose_name, getattr(factsheet, name))
        for name in names
        if getattr(factsheet, name) is not None
    ]
