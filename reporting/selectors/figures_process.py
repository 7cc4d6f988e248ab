"""Sections a (the amount) and b (how and with whom) of a school's annual report.

Reads only; a fixed number of queries per section, however many decisions, units or sessions
the process has.
"""

import datetime

from django.db.models import Count, Value
from django.utils.translation import gettext as _

from plans.models import Measure, MeasureComment, UnitPlan
from processes.registry import BOARD_STEP, STEPS
from schoolplans.selectors.archive import kickoff_sessions
from schoolplans.selectors.decision_list import decision_list_content
from units.models import (
    BudgetLine,
    BudgetSplit,
    OrganisationalUnit,
    SchoolAllocation,
    UnitMembership,
)
from units.selectors.budget import school_budget
from units.selectors.split import split_get
from units.splitting import shares_of
from voting.models import Vote
from voting.selectors import TurnoutRow, vote_counted

from ..sections import (
    ZERO,
    AmountSection,
    BudgetLineRow,
    KickoffFigures,
    ProcessSection,
    SplitSection,
    StepSummary,
    TimelineEntry,
    UnitParticipation,
    UnitShareRow,
    VoteFigures,
)

# --- a. the amount ---------------------------------------------------------------------------


def school_share(*, school, school_year) -> SchoolAllocation | None:
    """The school's share of its board's FIXED allocation for the year (a draft split that the
    board administrator has not fixed is not the board's decision yet), with the allocation."""
    return (
        SchoolAllocation.objects.filter(
            school=school,
            allocation__board_id=school.board_id,
            allocation__school_year=school_year,
            allocation__fixed_at__isnull=False,
        )
        .select_related("allocation")
        .first()
    )


def amount_section(*, share, process, unit_rows=None) -> AmountSection:
    """Section a: the board's allocation and the school's part (``share``, None when step 0 is
    not in the app), and the budget lines of ``process`` (none without a process).
    ``unit_rows``: ``unit_rows(process)``, when read already."""
    lines = school_budget(process=process).lines if process is not None else []
    kinds = dict(BudgetLine.Kind.choices)
    allocation = share.allocation if share is not None else None
    return AmountSection(
        board_total=allocation.total if allocation else None,
        board_office=allocation.board_office_amount if allocation else None,
        gmr_decision=allocation.gmr_decision if allocation else "",
        gmr_decision_label=allocation.get_gmr_decision_display() if allocation else "",
        gmr_meeting_date=allocation.gmr_meeting_date if allocation else None,
        school_share=share.amount if share else None,
        pupil_count=share.pupil_count if share else None,
        budget_lines=[
            BudgetLineRow(
                kind=line.kind,
                kind_label=str(kinds.get(line.kind, line.kind)),
                description=line.description,
                amount=line.amount,
            )
            for line in lines
        ],
        school_budget=sum((line.amount for line in lines), ZERO),
        split=split_section(process, unit_rows=unit_rows) if process is not None else None,
    )


def split_section(process, *, unit_rows=None) -> SplitSection | None:
    """The split of step 2 as stored: each unit's amount and the central reserve, the figures
    the agreement showed (units.steps.split.agreement_budget). Two queries (one with
    ``unit_rows``, the process's units as ``unit_rows`` reads them); None before a split is
    saved."""
    split = split_get(process=process)
    if split is None:
        return None
    if unit_rows is None:
        units = list(
            OrganisationalUnit.objects.filter(process=process)
            .order_by("name", "pk")
            .values_list("pk", "name", "amount")
        )
    else:
        units = [(unit.pk, unit.name, unit.amount) for unit in unit_rows]
    shares = shares_of({pk: amount for pk, _name, amount in units})
    return SplitSection(
        method_label=str(split.get_method_display()),
        reserve_percentage=split.reserve_value
        if split.reserve_kind == BudgetSplit.Reserve.PERCENTAGE
        else None,
        reserve=split.reserve_amount,
        units_total=split.school_total - split.reserve_amount,
        school_total=split.school_total,
        units=[
            UnitShareRow(unit=name, share=shares[pk], amount=amount) for pk, name, amount in units
        ],
    )


# --- b. how and with whom --------------------------------------------------------------------


def step_label(number) -> str:
    if number == 0:
        return str(BOARD_STEP.label)
    definition = STEPS.get(number)
    return str(definition.label) if definition else ""


def decision_entries(*, process, record) -> list[dict]:
    """The decision list frozen in the ratification ``record``, else the live list (one
    query): the process's decisions and the board's step 0 decisions for its year."""
    return record.decision_list if record is not None else decision_list_content(process)


def timeline(entries) -> list[TimelineEntry]:
    """Every decision of ``decision_entries``: the appendix of the report."""
    return [
        TimelineEntry(
            date=datetime.datetime.fromisoformat(entry["date"]),
            step=entry["step"],
            step_label=step_label(entry["step"]),
            summary=entry["summary"],
            actor=entry["actor"],
            role=entry["role"],
        )
        for entry in entries
    ]


# Decisions that finish a step, and decisions that undo that (processes.services, the board's
# allocation in units, the ratification in schoolplans).
FINISHING = frozenset(
    {
        "processes.step.completed",
        "processes.step.skipped",
        "schoolplans.plan.ratified",
        "units.allocation.fixed",  # before issue 18: final when the board fixed it
        "units.allocation.gmr_consent",
        "units.allocation.gmr_advice",
    }
)
REOPENING = frozenset(
    {"processes.step.reopened", "units.allocation.reopened", "units.allocation.gmr_refused"}
)


def step_summaries(entries) -> list[StepSummary]:
    """Per step (the board's step 0 first): when it was last finished (a later reopening undoes
    that), who recorded its decisions and how many. Decisions of no step (the start of the
    process) are in the appendix only."""
    steps: dict[int, dict] = {}
    for entry in entries:
        if entry["step"] is None:
            continue
        row = steps.setdefault(entry["step"], {"finished_at": None, "people": {}, "count": 0})
        row["count"] += 1
        if entry["actor"]:
            person = f"{entry['actor']} ({entry['role']})" if entry["role"] else entry["actor"]
            row["people"].setdefault(person, None)
        if entry.get("action") in FINISHING:
            row["finished_at"] = datetime.datetime.fromisoformat(entry["date"])
        elif entry.get("action") in REOPENING:
            row["finished_at"] = None
    return [
        StepSummary(
            step=number,
            step_label=step_label(number),
            finished_at=row["finished_at"],
            people=list(row["people"]),
            count=row["count"],
        )
        for number, row in sorted(steps.items())
    ]


def votes(process) -> list[VoteFigures]:
    """Every closed round of the staff vote on the agreement, oldest first: counts only, never
    a ballot. One query."""
    result = []
    closed = Vote.objects.filter(
        process=process, kind=Vote.Kind.AGREEMENT, state=Vote.State.CLOSED
    ).order_by("round")
    for vote in closed:
        counted = vote_counted(vote)
        result.append(
            VoteFigures(
                round=vote.round,
                closed_at=vote.closed_at,
                eligible=counted.eligible,
                cast=counted.cast,
                yes=counted.yes,
                no=counted.no,
                abstain=counted.abstain,
                turnout=TurnoutRow("", counted.eligible, counted.cast).percentage,
                adopted=vote.outcome == Vote.Outcome.ADOPTED,
                outcome_label=vote.get_outcome_display(),
            )
        )
    return result


def _contributors(process, plan_units: dict[int, int]) -> dict[int, set[int]]:
    """Unit pk -> the users who wrote on or commented on its plan (one query: the plans'
    history, the measures' history and the comments, as one ``UNION``). ``plan_units``: plan
    pk -> unit pk of the process's plans."""
    people: dict[int, set[int]] = {}
    plans = (
        UnitPlan.history.filter(process_id=process.pk)
        .annotate(source=Value("unit"))
        .values_list("source", "unit_id", "history_user_id")
    )
    measures = (
        Measure.history.filter(plan_id__in=plan_units)
        .annotate(source=Value("plan"))
        .values_list("source", "plan_id", "history_user_id")
    )
    comments = (
        MeasureComment.objects.filter(measure__plan__process=process)
        .annotate(source=Value("unit"))
        .values_list("source", "measure__plan__unit_id", "author_id")
    )
    rows = plans.order_by().union(measures.order_by(), comments.order_by())
    for source, key, user_id in rows:
        unit_id = plan_units.get(key) if source == "plan" else key
        if unit_id is not None and user_id is not None:
            people.setdefault(unit_id, set()).add(user_id)
    return people


def unit_rows(process) -> list[OrganisationalUnit]:
    """The process's units by name, each with its plan (None without one), ``member_count``
    and ``meeting_count``: one query, for ``units`` and ``split_section``."""
    return list(
        OrganisationalUnit.objects.filter(process=process)
        .annotate(
            member_count=Count("memberships", distinct=True),
            meeting_count=Count("working_method__meetings", distinct=True),
        )
        .select_related("plan")
        .order_by("name", "pk")
    )


def units(process, *, rows=None) -> list[UnitParticipation]:
    """Per unit: its members in this process (also those who left the school since, so that a
    past year's report does not change); its contributors, that is the distinct users who changed
    the unit's plan or one of its measures (their history, deleted measures included), wrote a
    comment on a measure, or submitted the plan; the plan's state; its meetings (step 7).
    ``rows``: ``unit_rows(process)``, when read already."""
    if rows is None:
        rows = unit_rows(process)
    plan_units = {unit.plan.pk: unit.pk for unit in rows if getattr(unit, "plan", None)}
    contributors = _contributors(process, plan_units)
    result = []
    for unit in rows:
        plan = getattr(unit, "plan", None)
        people = set(contributors.get(unit.pk, ()))
        if plan is not None and plan.submitted_by_id is not None:
            people.add(plan.submitted_by_id)
        result.append(
            UnitParticipation(
                unit=unit.name,
                members=unit.member_count,
                contributors=len(people),
                plan_state_label=plan.get_state_display() if plan else _("no plan yet"),
                submitted_at=plan.submitted_at if plan else None,
                meetings=unit.meeting_count,
            )
        )
    return result


def kickoff(process) -> list[KickoffFigures]:
    """Per kick-off session: sign-ups (when it used them) and attendance, as the archive counts."""
    return [
        KickoffFigures(
            title=session["title"],
            date=datetime.date.fromisoformat(session["date"]),
            signed_up=session["sign_up_count"] if session["uses_sign_up"] else None,
            attended=session["attended"],
        )
        for session in kickoff_sessions(process)
    ]


def process_section(*, process, record, unit_rows=None) -> ProcessSection:
    entries = decision_entries(process=process, record=record)
    return ProcessSection(
        staff_count=UnitMembership.objects.filter(unit__process=process)
        .values("staff_member")
        .distinct()
        .count(),
        timeline=timeline(entries),
        votes=votes(process),
        units=units(process, rows=unit_rows),
        kickoff=kickoff(process),
        steps=step_summaries(entries),
    )
