"""What the voting pages share: loading a vote for a user, and closing it on first view."""

from django.http import Http404

from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error

from ..models import Vote
from ..services.closing import vote_close_if_due


def vote_get_for_user(*, user, vote_pk, perm=None) -> Vote:
    """The agreement vote with its process (steps prefetched); 404 if the process is not
    visible to ``user``, 403 if visible but ``perm`` is missing."""
    vote = (
        Vote.objects.select_related("agreement")
        .filter(pk=vote_pk, kind=Vote.Kind.AGREEMENT, process__isnull=False)
        .first()
    )
    if vote is None:
        raise Http404
    vote.process = process_get_for_user(user=user, pk=vote.process_id, perm=perm)
    return vote


def close_if_due(vote, request=None) -> Vote:
    """Close ``vote`` if its time has passed (the first view after closing).

    A refusal is shown to the signed-in manager (``request``) or left to the periodic task,
    which retries; the page then shows the vote as it is.
    """
    with shows_domain_error(request=request):
        return vote_close_if_due(vote)
    return vote
