"""The key holder's page: take over a key share when the vote opens, type it in to count.

Only for the key holders of a vote whose key is split over people (``Vote.KeyCustody``). The
share is shown on this page (never in a URL or an e-mail) until its holder has typed it back.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from processes.selectors import process_step
from werkdruk.domain_errors import shows_domain_error

from .. import selectors
from ..forms.key import KeyShareForm
from ..models import KeyHolder, Vote
from ..services.common import AGREEMENT_STEP
from ..services.custody import key_share_collect, key_share_enter, key_share_for_holder
from .common import vote_get_for_user

VIEW = "voting.view_vote"
TAKE_OVER, TYPE_IN, NOTHING = "take_over", "type_in", "nothing"


def _task(holder, panel) -> str:
    if panel.status == selectors.KEY_HANDOVER and not holder.collected:
        return TAKE_OVER
    if panel.status == selectors.KEY_SHARES_NEEDED:
        return TYPE_IN
    return NOTHING


@never_cache
@sensitive_post_parameters("share")
def key_share(request, vote_pk):
    vote = vote_get_for_user(user=request.user, vote_pk=vote_pk, perm=VIEW)
    holder = KeyHolder.objects.filter(vote=vote, user=request.user).first()
    if holder is None:
        raise PermissionDenied
    panel = selectors.vote_key_panel(vote, request.user)
    task = _task(holder, panel)
    if request.method == "POST" and task == NOTHING:
        return redirect("voting:key-share", vote_pk=vote.pk)
    form = KeyShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        share = form.cleaned_data["share"]
        with shows_domain_error() as attempt:
            if task == TAKE_OVER:
                vote = key_share_collect(vote=vote, actor=request.user, typed=share)
            else:
                vote = key_share_enter(vote=vote, actor=request.user, share=share)
        if attempt.succeeded:
            return _after(request, vote, task)
        form.add_error("share", attempt.error.message)  # the typed share is what was refused
    status = 400 if request.method == "POST" else 200
    share = None
    if task == TAKE_OVER:
        # Refused when the key folder is not available on this machine.
        with shows_domain_error(request=request):
            share = key_share_for_holder(vote=vote, user=request.user)
    context = {
        "process": vote.process,
        "step": process_step(vote.process, AGREEMENT_STEP),
        "vote": vote,
        "holder": holder,
        "key": panel,
        "task": task,
        "share": share,
        "form": form,
    }
    return render(request, "voting/manage/key_share.html", context, status=status)


def _after(request, vote, task):
    if task == TAKE_OVER:
        messages.success(
            request,
            _(
                "You have taken over your key share; the server has deleted its copy. Keep "
                "it safe until the vote is counted."
            ),
        )
    elif vote.state == Vote.State.CLOSED:
        messages.success(request, _("The vote has been counted; its key is destroyed."))
        return redirect("voting:vote-result", vote_pk=vote.pk)
    else:
        messages.success(
            request, _("Your key share has been typed in. One more key holder's share is needed.")
        )
    return redirect("voting:vote-manage", pk=vote.process_id)
