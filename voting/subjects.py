"""What a ballot shows of what is voted on, for kinds of vote other than the agreement.

The agreement's frozen text is voting's own. A higher app registers, from its
``AppConfig.ready()``, a template and a function giving that template's context for a vote
of its kind (plans: the unit's plan as it is put to the vote).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BallotSubject:
    template: str
    context: Callable[[object], dict]  # (Vote) -> the template's context


_subjects: dict[str, BallotSubject] = {}


def register_ballot_subject(kind, *, template: str, context: Callable[[object], dict]) -> None:
    """Show ``template`` with ``context(vote)`` on the ballot of every vote of ``kind``."""
    _subjects[kind] = BallotSubject(template, context)


def ballot_subject(vote) -> dict | None:
    """The registered template and its context for ``vote``'s ballot, if its kind has one."""
    subject = _subjects.get(vote.kind)
    if subject is None:
        return None
    return {"template": subject.template, **subject.context(vote)}
