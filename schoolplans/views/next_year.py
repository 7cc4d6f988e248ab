"""The carry-over offer from last year's ratified plan: a fragment for the school budget page
(loaded there with htmx) and the director's button that takes it into the budget."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from processes.predicates import is_director
from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..selectors import next_year as selectors
from ..services import next_year as services

MANAGE = "processes.manage_process"
FRAGMENT = "schoolplans/next_year/_carry_over_offer.html"


@require_GET
def carry_over_offer(request, pk):
    """The offer for the director and the PMR (empty when there is none); without htmx, the
    budget page, which loads it."""
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    if not request.htmx:
        return redirect("units:budget", pk=process.pk)
    context = {
        "process": process,
        "offer": selectors.carry_over_details(process),
        "can_accept": is_director(request.user, process),
    }
    return render(request, FRAGMENT, context)


@require_POST
@idempotent_post
def carry_over_accept(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    with shows_domain_error(request=request) as attempt:
        line = services.carry_over_accept(process=process, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _("The carry-over from last year has been added to the budget: %(description)s.")
            % {"description": line.description},
        )
    return redirect("units:budget", pk=process.pk)
