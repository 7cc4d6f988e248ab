"""The unit's approval vote on its plan, on the plan page: the coordinator starts it, counts
it or cancels it; members vote on the ordinary ballot pages (``voting:ballot``).

Each view resolves the process (404 for another school) and the unit's plan (404 for a unit of
another process, 403 for whoever may not see it), validates, calls one service and goes back
to the plan page with a message. The services check the coordinator and the state again.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.unit_plan_votes import PlanVoteForm
from ..selectors.unit_plans import unit_plan_get_for_user
from ..services import unit_plan_votes as votes


def approval_vote_context(*, user, plan, step, **vote) -> dict:
    """What ``plans/unit_plans/_approval_vote.html`` needs, for the plan page's context
    (``vote=``: the unit's latest approval vote, when the page has read it)."""
    panel = votes.plan_vote_panel(plan=plan, user=user, step=step, **vote)
    form = None
    if panel is not None and panel.can_start:
        form = PlanVoteForm(initial=PlanVoteForm.initial_default())
    return {"approval_vote": panel, "approval_vote_form": form}


def _plan(request, pk, unit_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    _unit, plan = unit_plan_get_for_user(user=request.user, process=process, unit_pk=unit_pk)
    return plan


def _back(plan):
    return redirect("plans:unit-plan", pk=plan.process_id, unit_pk=plan.unit_id)


@require_POST
@idempotent_post
def plan_vote_start(request, pk, unit_pk):
    plan = _plan(request, pk, unit_pk)
    form = PlanVoteForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back(plan)
    with shows_domain_error(request=request) as attempt:
        votes.plan_vote_start(plan=plan, actor=request.user, **form.service_kwargs())
    if attempt.succeeded:
        messages.success(
            request,
            _(
                "The vote is open: the plan cannot change until it closes. Every member gets "
                "a personal link by e-mail."
            ),
        )
    return _back(plan)


@require_POST
def plan_vote_close(request, pk, unit_pk):
    plan = _plan(request, pk, unit_pk)
    with shows_domain_error(request=request) as attempt:
        vote = votes.plan_vote_close(plan=plan, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _("The vote has been counted: %(outcome)s.") % {"outcome": vote.get_outcome_display()},
        )
    return _back(plan)


@require_POST
def plan_vote_cancel(request, pk, unit_pk):
    plan = _plan(request, pk, unit_pk)
    with shows_domain_error(request=request) as attempt:
        votes.plan_vote_cancel(plan=plan, actor=request.user, grounds=request.POST.get("grounds"))
    if attempt.succeeded:
        messages.success(
            request, _("The vote has been cancelled uncounted; the plan can be changed again.")
        )
    return _back(plan)
