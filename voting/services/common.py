"""Helpers shared by the voting services: hashing, codes, locking."""

import hashlib
import secrets

from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

from ..models import Vote


class VoteClosed(DomainError):
    """The vote has closed: its codes no longer work."""


class AlreadyVoted(DomainError):
    """The voter has a participation already."""


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed back
CODE_GROUP_LENGTH = 4
RECEIPT_GROUPS = 4  # 80 bits
TOKEN_GROUPS = 5  # 100 bits
AGREEMENT_STEP = 4


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_code(groups: int) -> str:
    """A random code such as ``K7QM-2XPA-...`` of ``groups`` groups of four characters."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(groups)
    )


def normalise_code(code: str) -> str:
    """The canonical form of a typed code: upper case, grouped by four, spaces ignored."""
    letters = "".join(c for c in (code or "").upper() if c.isalnum())
    n = CODE_GROUP_LENGTH
    return "-".join(letters[i : i + n] for i in range(0, len(letters), n))


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
