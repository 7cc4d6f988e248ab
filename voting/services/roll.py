"""Changes to the voters' roll after it was frozen: each one a recorded decision of the PMR."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import decision_record, require_perm
from units.models import UnitMembership
from werkdruk.exceptions import DomainError

from ..models import Participation, Vote, Voter
from .common import AGREEMENT_STEP, lock_vote


def _require_open(vote):
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("The roll can only change while the vote is open."))


def _require_grounds(grounds) -> str:
    grounds = (grounds or "").strip()
    if not grounds:
        raise DomainError(_("Give the reason for this change to the roll."))
    return grounds


@transaction.atomic
def voter_add(*, vote, staff_member, actor, grounds) -> Voter:
    """Put a staff member of the school on the roll of an open vote (e.g. started this week)."""
    vote = lock_vote(vote)
    require_perm(actor, "voting.manage_vote", vote)
    _require_open(vote)
    grounds = _require_grounds(grounds)
    if staff_member.school_id != vote.process.school_id:
        raise DomainError(_("Only staff of this school can be on the roll."))
    if Voter.objects.filter(vote=vote, staff_member=staff_member).exists():
        raise DomainError(_("%(name)s is already on the roll.") % {"name": staff_member.name})
    unit = (
        UnitMembership.objects.filter(process=vote.process, staff_member=staff_member)
        .values_list("unit__name", flat=True)
        .first()
    )
    voter = Voter.objects.create(
        vote=vote, staff_member=staff_member, category=staff_member.category, unit_name=unit or ""
    )
    decision_record(
        process=vote.process,
        step_number=AGREEMENT_STEP,
        action="voting.roll.added",
        summary=gettext_noop("%(name)s added to the voters' roll of round %(round)s."),
        params={"name": staff_member.name, "round": vote.round},
        actor=actor,
        grounds=grounds,
        content={"staff_member": staff_member.pk, "round": vote.round},
    )
    from ..tasks import vote_messages_send  # the tasks module imports the services

    # Robust: if the broker is down, the periodic task sends them a few minutes later.
    transaction.on_commit(lambda: vote_messages_send.delay(vote.pk), robust=True)
    return voter


@transaction.atomic
def voter_remove(*, voter, actor, grounds) -> None:
    """Take someone off the roll of an open vote (e.g. left the school); not after they voted."""
    vote = lock_vote(voter.vote)
    require_perm(actor, "voting.manage_vote", vote)
    _require_open(vote)
    grounds = _require_grounds(grounds)
    voter = Voter.objects.select_for_update().select_related("staff_member").get(pk=voter.pk)
    if Participation.objects.filter(voter=voter).exists():
        raise DomainError(
            _("%(name)s has already voted; a cast vote cannot be taken back.")
            % {"name": voter.staff_member.name}
        )
    name = voter.staff_member.name
    staff_id = voter.staff_member_id
    voter.delete()
    decision_record(
        process=vote.process,
        step_number=AGREEMENT_STEP,
        action="voting.roll.removed",
        summary=gettext_noop("%(name)s taken off the voters' roll of round %(round)s."),
        params={"name": name, "round": vote.round},
        actor=actor,
        grounds=grounds,
        content={"staff_member": staff_id, "round": vote.round},
    )
