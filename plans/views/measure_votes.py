"""The unit's choice of measures within its budget: the set-up page (for the coordinator),
which is also the page of the vote and its result, and the actions on it. Members vote on the
ordinary ballot pages (``voting:ballot``).

Each view resolves the process (404 for another school) and the unit's plan (404 for a unit of
another process, 403 for whoever may not see it), validates, calls one service and goes back
with a message. The services check the coordinator (or, to take the result into the plan, a
member who may edit it) and the state again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from processes.selectors import process_get_for_user
from voting.rules_text import rule_sentence
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.measure_votes import MeasuresVoteForm
from ..models import Measure
from ..predicates import PLANS_STEP
from ..selectors.unit_plans import unit_plan_get_for_user
from ..services import measure_votes as votes

TEMPLATE = "plans/unit_plans/measures_vote.html"


def _plan(request, pk, unit_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    _unit, plan = unit_plan_get_for_user(user=request.user, process=process, unit_pk=unit_pk)
    return plan


def _back(plan):
    return redirect("plans:measures-vote", pk=plan.process_id, unit_pk=plan.unit_id)


def _render(request, plan, form=None, status=200, errors=()):
    step = plan.process.steps.filter(number=PLANS_STEP).first()
    panel = votes.measures_vote_panel(plan=plan, user=request.user, step=step)
    measures = list(Measure.objects.filter(plan=plan).order_by("order", "pk"))
    if form is None and panel.is_coordinator and panel.start_refusal is None:
        form = MeasuresVoteForm(
            measures=measures, initial=MeasuresVoteForm.initial_default(measures)
        )
    context = {
        "process": plan.process,
        "unit": plan.unit,
        "plan": plan,
        "panel": panel,
        "vote": panel.vote,
        "rule_text": rule_sentence(panel.vote) if panel.vote else "",
        "form": form,
        "errors": errors,
    }
    return render(request, TEMPLATE, context, status=status)


@require_GET
def measures_vote(request, pk, unit_pk):
    return _render(request, _plan(request, pk, unit_pk))


@require_POST
@idempotent_post
def measures_vote_start(request, pk, unit_pk):
    plan = _plan(request, pk, unit_pk)
    if not request.user.has_perm(votes.COORDINATE, plan.unit):
        raise PermissionDenied
    measures = Measure.objects.filter(plan=plan).order_by("order", "pk")
    form = MeasuresVoteForm(request.POST, measures=measures)
    if not form.is_valid():
        return _render(request, plan, form=form, status=400)
    with shows_domain_error(form=form) as attempt:
        votes.measures_vote_start(plan=plan, actor=request.user, **form.service_kwargs())
    if not attempt.succeeded:
        return _render(request, plan, form=form, status=400)
    messages.success(
        request,
        _(
            "The vote is open: every member gets a personal link by e-mail and chooses "
            "measures that fit the budget."
        ),
    )
    return _back(plan)


@require_POST
def measures_vote_close(request, pk, unit_pk):
    plan = _plan(request, pk, unit_pk)
    with shows_domain_error(request=request) as attempt:
        vote = votes.measures_vote_close(plan=plan, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _("The vote has been counted: %(outcome)s.") % {"outcome": vote.get_outcome_display()},
        )
    return _back(plan)


@require_POST
def measures_vote_cancel(request, pk, unit_pk):
    plan = _plan(request, pk, unit_pk)
    with shows_domain_error(request=request) as attempt:
        votes.measures_vote_cancel(
            plan=plan, actor=request.user, grounds=request.POST.get("grounds")
        )
    if attempt.succeeded:
        messages.success(request, _("The vote has been cancelled uncounted."))
    return _back(plan)


@require_POST
def measures_choice_apply(request, pk, unit_pk):
    plan = _plan(request, pk, unit_pk)
    with shows_domain_error(request=request) as attempt:
        chosen = votes.measures_choice_apply(plan=plan, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _("The %(count)s chosen measures are marked in the plan.") % {"count": len(chosen)},
        )
        return redirect("plans:unit-plan", pk=plan.process_id, unit_pk=plan.unit_id)
    return _back(plan)
