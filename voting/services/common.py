"""Helpers shared by the voting services: hashing, codes, locking."""

from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

from ..codes import (  # noqa: F401 (re-exported for the services and the survey)
    RECEIPT_GROUPS,
    TOKEN_GROUPS,
    new_code,
    normalise_code,
    sha256,
)
from ..models import Vote


class VoteClosed(DomainError):
    """The vote has closed: its codes no longer work."""


class AlreadyVoted(DomainError):
    """The voter has a participation already."""


AGREEMENT_STEP = 4


def lock_vote(vote) -> Vote:
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("process__school__board", "agreement", "unit")
        .get(pk=vote.pk)
    )


def vote_for_casting(vote) -> Vote:
    """The vote read again under a shared lock: closing waits for ballots being cast.

    PostgreSQL: FOR SHARE, so ballots do not wait for each other but ``vote_close`` (FOR
    UPDATE) waits for them, and a ballot started after closing sees the vote closed. SQLite
    serialises writing transactions anyway.
    """
    if connection.vendor == "postgresql":
        sql = f"SELECT * FROM {Vote._meta.db_table} WHERE id = %s FOR SHARE"  # noqa: S608
        return list(Vote.objects.raw(sql, [vote.pk]))[0]
    return Vote.objects.get(pk=vote.pk)


def ensure_accepting(vote):
    """Refuse unless the vote takes ballots now (opened, between its opening and closing)."""
    now = timezone.now()
    if vote.state == Vote.State.OPEN and now < vote.opens_at:
        when = formats.date_format(timezone.localtime(vote.opens_at), "DATETIME_FORMAT")
        raise DomainError(_("This vote opens on %(when)s.") % {"when": when})
    if vote.state != Vote.State.OPEN or now >= vote.closes_at:
        raise DomainError(_("This vote is not open."))
    if not vote.keys_ready:
        raise DomainError(
            _("This vote starts when every key holder has taken over their key share.")
        )
