"""The conversation-group generator (step 1): a preview of the proposed groups of one of
the guide's four kinds, which the director or PMR accepts or draws again. Only those who
manage the process see the page (403 for others, 404 for another school's process)."""

import secrets

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.conversations import SEED_MAX, GroupingForm
from ..grouping import Kind
from ..selectors import conversations as reads
from ..services import conversations as services

MANAGE = "processes.manage_process"


@require_http_methods(["GET", "POST"])
@idempotent_post
def conversation_groups(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    data = request.POST if request.method == "POST" else request.GET
    form = GroupingForm(data or None, initial={"kind": Kind.SMALL_HETEROGENEOUS, "seed": 1})
    proposal, status = None, 200
    if form.is_bound and form.is_valid():
        kind, seed = form.cleaned_data["kind"], form.cleaned_data["seed"]
        if request.method == "POST":
            with shows_domain_error(form=form) as attempt:
                groups = services.conversation_groups_accept(
                    process=process, actor=request.user, kind=kind, seed=seed
                )
            if attempt.succeeded:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s conversation group made.",
                        "%(count)s conversation groups made.",
                        len(groups),
                    )
                    % {"count": len(groups)},
                )
                return redirect("units:unit-list", pk=process.pk)
            status = 400
        proposal = reads.conversation_proposal(process=process, kind=kind, seed=seed)
    elif form.is_bound:
        status = 400
    redraw = None
    if proposal is not None:
        redraw = (
            reverse("units:conversation-groups", args=[process.pk])
            + f"?kind={form.cleaned_data['kind']}&seed={secrets.randbelow(SEED_MAX) + 1}"
        )
    return render(
        request,
        "units/conversation_groups.html",
        {"process": process, "form": form, "proposal": proposal, "redraw": redraw},
        status=status,
    )
