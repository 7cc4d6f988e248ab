"""Next year's writes: what a new process takes from last year's ratified one.

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

The reads (``follow_up_carried``, ``carry_over_offer``, ``carry_over_details``) are in
``selectors.next_year``.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep
from processes.predicates import is_director
from processes.services import decision_record, process_lock
from units.models import BudgetLine
from units.services import budget
from werkdruk.exceptions import DomainError
from werkdruk.money import lazy_euro

from ..models import EvaluationAgreement
from ..selectors.next_year import CARRY_OVER_ACCEPTED, FOLLOW_UP_CARRIED, carry_over_details

SUMMARY_TEXT_MAX = 300  # the decision's summary quotes the follow-up up to this length


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


# --- the carry-over -------------------------------------------------------------------------


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
