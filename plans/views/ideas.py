"""Pages of the ideas round: the round's page (open or change it; put forward, support and
withdraw ideas) and marking an idea as taken up from a unit's plan.

The round's page is for the school's staff and role holders (``plans.view_ideas``; 403 for
anyone else who sees the process). Every action is checked again by the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.ideas import IdeaForm, IdeasRoundForm, TakeUpForm
from ..models import Idea
from ..selectors import ideas as selectors
from ..selectors import unit_plans as plan_selectors
from ..services import ideas as services


def _page(request, process, *, round_form=None, idea_form=None, status=200):
    page = selectors.ideas_page(user=request.user, process=process)
    if round_form is None and page.can_manage:
        initial = (
            {"opens_on": page.round.opens_on, "closes_on": page.round.closes_on}
            if page.round
            else {}
        )
        round_form = IdeasRoundForm(initial=initial)
    return render(
        request,
        "plans/ideas.html",
        {
            "process": process,
            "page": page,
            "round_form": round_form if page.can_manage else None,
            "idea_form": idea_form or IdeaForm(),
        },
        status=status,
    )


@require_GET
def ideas(request, pk):
    return _page(request, process_get_for_user(user=request.user, pk=pk))


@require_POST
def ideas_round(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=selectors.MANAGE)
    form = IdeasRoundForm(request.POST)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            services.ideas_round_open(process=process, actor=request.user, **form.cleaned_data)
        if attempt.succeeded:
            messages.success(request, _("The ideas round is saved."))
            return redirect("plans:ideas", pk=process.pk)
    return _page(request, process, round_form=form, status=400)


@require_POST
@idempotent_post
def idea_add(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=selectors.PUT_FORWARD)
    form = IdeaForm(request.POST)
    if form.is_valid():
        with shows_domain_error(form=form) as attempt:
            services.idea_put_forward(process=process, actor=request.user, **form.cleaned_data)
        if attempt.succeeded:
            messages.success(request, _("Your idea is put forward."))
            return redirect("plans:ideas", pk=process.pk)
    return _page(request, process, idea_form=form, status=400)


def _idea(process, idea_pk) -> Idea:
    return get_object_or_404(Idea, pk=idea_pk, round__process=process)


@require_POST
def idea_withdraw(request, pk, idea_pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=selectors.PUT_FORWARD)
    idea = _idea(process, idea_pk)
    with shows_domain_error(request=request) as attempt:
        services.idea_withdraw(idea=idea, actor=request.user)
    if attempt.succeeded:
        messages.success(request, _("Your idea is withdrawn."))
    return redirect("plans:ideas", pk=process.pk)


@require_POST
def idea_support(request, pk, idea_pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=selectors.PUT_FORWARD)
    idea = _idea(process, idea_pk)
    with shows_domain_error(request=request) as attempt:
        services.idea_support(idea=idea, actor=request.user)
    if attempt.succeeded:
        messages.success(request, _("You support this idea."))
    return redirect("plans:ideas", pk=process.pk)


@require_POST
def idea_take_up(request, pk, unit_pk, idea_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    _unit, plan = plan_selectors.unit_plan_get_for_user(
        user=request.user, process=process, unit_pk=unit_pk
    )
    if not request.user.has_perm(services.EDIT_PLAN, plan):
        raise PermissionDenied
    idea = _idea(process, idea_pk)
    form = TakeUpForm(request.POST, measures=plan.measures.all())
    if form.is_valid():
        with shows_domain_error(request=request) as attempt:
            services.idea_take_up(
                idea=idea, measure=form.cleaned_data["measure"], actor=request.user
            )
        if attempt.succeeded:
            messages.success(request, _("The idea is marked as taken up."))
    else:
        messages.error(request, _("Choose one of the unit's measures."))
    return redirect("plans:unit-plan", pk=process.pk, unit_pk=plan.unit_id)
