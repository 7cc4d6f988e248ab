"""Next year: what a new process takes from last year's ratified one.

Two things, on top of what ``processes.services.process_create`` and the other apps' copy
hooks carry over (agreed actors, planned dates, units, frameworks):

- **The evaluation's follow-up.** ``follow_up_copy`` (a copy hook) records last year's
  ``EvaluationAgreement.follow_up`` as a decision of the new process, by the system, with the
  full text in its content. So it stands in the new year's decision list from its first day,
  unchanged whatever happens to last year's record, and ``follow_up_carried`` gives it to the
  pages that show it (the evaluation agreement and the school plan of the new year), as the
  note to start from. Nothing is filled in for the director and the PMR: the new year's
  evaluation agreement is theirs to make.
- **The carry-over.** Money last year's ratified plan did not plan to spend in its own school
  year (the school budget minus the planned cost of that year in the ratified version, never
  negative) is *offered* as a carry-over budget line: ``carry_over_offer`` says how much,
  ``carry_over_accept`` (the director) takes it into the budget as a recorded decision. Until
  then the budget is untouched. The offer stands while the staff have not yet voted on this
  year's agreement (step 4); afterwards a new line would undo that vote, so the offer is gone
  (reopening step 2 brings it back). It is offered once: after it was accepted the line is an
  ordinary budget line, to change or remove on the budget page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import Process, ProcessStep
from processes.predicates import is_director
from processes.services import decision_record, process_lock
from units.models import BudgetLine
from units.services import budget
from werkdruk.exceptions import DomainError
from werkdruk.money import lazy_euro

from .models import EvaluationAgreement, RatificationRecord

FOLLOW_UP_CARRIED = "schoolplans.follow_up.carried"
CARRY_OVER_ACCEPTED = "schoolplans.carry_over.accepted"
SUMMARY_TEXT_MAX = 300  # the decision's summary quotes the follow-up up to this length
CENTS = Decimal("0.01")
ZERO = Decimal("0.00")


# --- the evaluation's follow-up ---------------------------------------------------------------


def follow_up_copy(old_process, new_process) -> None:
    """Copy hook: last year's follow-up, recorded as a decision of the new process.

    Runs inside ``process_create`` (which checked the permission). Nothing when last year has
    no evaluation agreement or it names no follow-up.
    """
    agreement = EvaluationAgreement.objects.filter(process=old_process).first()
    text = agreement.follow_up.strip() if agreement else ""
    if not text:
        return
    decision_record(
        process=new_process,
        step_number=1,
        action=FOLLOW_UP_CARRIED,
        summary=gettext_noop("Follow-up agreed in the evaluation of %(year)s: %(text)s"),
        params={
            "year": old_process.school_year,
            "text": Truncator(text).chars(SUMMARY_TEXT_MAX),
        },
        content={"from_school_year": str(old_process.school_year), "follow_up": text},
    )


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


@transaction.atomic
def carry_over_accept(*, process, actor) -> BudgetLine:
    """Take last year's unplanned money into this year's budget as a carry-over line (the
    director). The line is added as any budget line is (reopening a signed step 2, recorded);
    a second decision records where the amount came from."""
    process = process_lock(process)
    if not is_director(actor, process):
        raise PermissionDenied
    if process.decisions.filter(action=CARRY_OVER_ACCEPTED).exists():
        raise DomainError(_("The carry-over from last year is already in the budget."))
    if process.steps.filter(number=4, state=ProcessStep.State.DONE).exists():
        raise DomainError(
            _(
                "The staff have voted on this year's budget: a carry-over now needs step 2 "
                "reopened first."
            )
        )
    details = carry_over_details(process)
    if details is None:
        raise DomainError(_("Last year's ratified plan left no money to carry over."))
    year = details.previous.school_year
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the school's language
        template = (
            _("Not spent in %(year)s (ratified school plan, version %(number)s)")
            if details.from_spending
            else _("Not planned in %(year)s (ratified school plan, version %(number)s)")
        )
        description = template % {"year": year, "number": details.version_number}
    line = budget.budget_line_add(
        process=process,
        actor=actor,
        kind=BudgetLine.Kind.CARRY_OVER,
        description=description,
        amount=details.amount,
    )
    decision_record(
        process=process,
        step_number=2,
        action=CARRY_OVER_ACCEPTED,
        summary=gettext_noop("Carry-over of %(amount)s from %(year)s taken into the budget."),
        params={"amount": lazy_euro(details.amount), "year": year},
        actor=actor,
        content={
            "from_school_year": str(year),
            "ratified_version": details.version_number,
            "school_budget": str(details.school_budget),
            "planned_cost": str(details.planned_cost),
            "from_spending": details.from_spending,
            "amount": str(details.amount),
            "line": line.pk,
        },
    )
    return line
