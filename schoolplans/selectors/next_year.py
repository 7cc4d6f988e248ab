"""Next year's reads: the follow-up carried from last year's evaluation, and the carry-over
on offer from last year's ratified plan (``services.next_year`` describes both)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from processes.models import Process, ProcessStep
from units.models import BudgetLine

from ..models import RatificationRecord

FOLLOW_UP_CARRIED = "schoolplans.follow_up.carried"
CARRY_OVER_ACCEPTED = "schoolplans.carry_over.accepted"
CENTS = Decimal("0.01")
ZERO = Decimal("0.00")


# --- the evaluation's follow-up ---------------------------------------------------------------


def follow_up_carried(process) -> str | None:
    """The follow-up carried into ``process`` from last year's evaluation, or None."""
    decision = process.decisions.filter(action=FOLLOW_UP_CARRIED).order_by("-created_at").first()
    return decision.content.get("follow_up") if decision else None


# --- the carry-over -------------------------------------------------------------------------


@dataclass(frozen=True)
class CarryOver:
    """What last year left unplanned: its school budget, the cost its ratified plan planned in
    that school year, and the difference (never negative)."""

    previous: Process
    version_number: int
    school_budget: Decimal
    planned_cost: Decimal  # or, once spending is recorded, spent where recorded, else planned
    amount: Decimal
    from_spending: bool = False


# (last year's Process) -> what it spent (actual where recorded, planned elsewhere), or None
# without recorded spending. A higher app (spending) registers it: this one cannot import it.
SpentProvider = Callable[[Process], "Decimal | None"]
_spent_providers: list[SpentProvider] = []


def register_spent_provider(provider: SpentProvider) -> None:
    """Let the carry-over count what was actually spent last year instead of what was planned."""
    if provider not in _spent_providers:
        _spent_providers.append(provider)


def _spent_in(previous) -> Decimal | None:
    for provider in _spent_providers:
        spent = provider(previous)
        if spent is not None:
            return spent
    return None


def previous_process(process) -> Process | None:
    """The same school's process of the school year before (the one copied from, if any)."""
    if process.created_from_id:
        return process.created_from
    return (
        Process.objects.select_related("school_year")
        .filter(
            school_id=process.school_id, school_year__start_year=process.school_year.start_year - 1
        )
        .first()
    )


def _amount(value) -> Decimal:
    return Decimal(str(value or "0")).quantize(CENTS)


def _planned_in(content: dict, start_year: int) -> Decimal:
    """The cost the frozen school plan ``content`` plans in school year ``start_year``."""
    school = (content.get("budget") or {}).get("school") or {}
    if "cost_per_year" in school:
        return _amount(school["cost_per_year"].get(str(start_year)))
    measures = content.get("measures") or []
    return sum(
        (_amount((m.get("cost_per_year") or {}).get(str(start_year))) for m in measures), ZERO
    )


def _school_budget(content: dict, previous) -> Decimal:
    """The school budget as frozen with the plan; the budget lines when the content lacks it."""
    school = (content.get("budget") or {}).get("school") or {}
    if school.get("budget") is not None:
        return _amount(school["budget"])
    lines = BudgetLine.objects.filter(process=previous).values_list("amount", flat=True)
    return sum((_amount(amount) for amount in lines), ZERO)


def carry_over_details(process) -> CarryOver | None:
    """What last year's ratified plan left unplanned, if it is on offer to ``process`` now.

    None when last year has no ratified plan, nothing was left, the offer was accepted already,
    or the staff have voted on this year's agreement (step 4 done).
    """
    previous = previous_process(process)
    if previous is None:
        return None
    record = (
        RatificationRecord.objects.filter(version__school_plan__process=previous)
        .select_related("version")
        .order_by("-ratified_at", "-pk")
        .first()
    )
    if record is None or process.decisions.filter(action=CARRY_OVER_ACCEPTED).exists():
        return None
    if process.steps.filter(number=4, state=ProcessStep.State.DONE).exists():
        return None
    content = record.version.content or {}
    school_budget = _school_budget(content, previous)
    spent = _spent_in(previous)
    planned = spent if spent is not None else _planned_in(content, previous.school_year.start_year)
    amount = max(school_budget - planned, ZERO)
    if amount == ZERO:
        return None
    return CarryOver(
        previous, record.version.number, school_budget, planned, amount, spent is not None
    )


def carry_over_offer(process) -> Decimal | None:
    """The carry-over on offer to ``process`` (see ``carry_over_details``), or None."""
    details = carry_over_details(process)
    return details.amount if details else None
