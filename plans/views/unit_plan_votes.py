"""The unit's approval vote on its plan, on the plan page: the coordinator starts it, counts
it or cancels it; members vote on the ordinary ballot pages (``voting:ballot``).

Each view resolves the process (404 for another school) and the unit's plan (404 for a unit of
another process, 403 for whoever may not see it), validates, calls one service and goes back
to the plan page with a message. The services check the coordinator and the state again.
"""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from processes.selectors import process_get_for_user
from voting.forms.manage import BASE_HELP, FRACTIONS, HALF, TWO_THIRDS
from voting.models import Vote
from werkdruk.domain_errors import shows_domain_error
from werkdruk.forms import DutchDateTimeField
from werkdruk.submissions import idempotent_post

from ..selectors.unit_plans import unit_plan_get_for_user
from ..services import unit_plan_votes as votes


class PlanVoteForm(forms.Form):
    """When the unit's vote closes and its rule; it opens at once. Times in Europe/Amsterdam."""

    closes_at = DutchDateTimeField(label=gettext_lazy("Voting closes at"))
    base = forms.ChoiceField(
        label=gettext_lazy("What counts as 100%"),
        choices=Vote.Base.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    majority = forms.ChoiceField(
        label=gettext_lazy("Majority needed"),
        choices=[
            (HALF, gettext_lazy("more than half")),
            (TWO_THIRDS, gettext_lazy("more than two thirds")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    quorum_percentage = forms.IntegerField(
        label=gettext_lazy("Quorum (minimum turnout, %)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("Optional. Leave empty for no quorum."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    @staticmethod
    def initial_default(now=None) -> dict:
        """Closes in a week at 17:00; more than half of the yes and no votes; no quorum."""
        now = timezone.localtime(now or timezone.now())
        closes = (now + datetime.timedelta(days=7)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        return {"closes_at": closes, "base": Vote.Base.YES_NO, "majority": HALF}

    def base_options(self) -> list:
        """Each choice of what counts as 100%, with what it means."""
        return [(radio, BASE_HELP[radio.data["value"]]) for radio in self["base"]]

    def service_kwargs(self) -> dict:
        numerator, denominator = FRACTIONS[self.cleaned_data["majority"]]
        return {
            "closes_at": self.cleaned_data["closes_at"],
            "base": self.cleaned_data["base"],
            "numerator": numerator,
            "denominator": denominator,
            "quorum_percentage": self.cleaned_data["quorum_percentage"],
        }


def approval_vote_context(*, user, plan, step) -> dict:
    """What ``plans/unit_plans/_approval_vote.html`` needs, for the plan page's context."""
    panel = votes.plan_vote_panel(plan=plan, user=user, step=step)
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
