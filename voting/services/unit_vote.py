"""A unit's own vote (on its plan, step 8): its coordinator opens it, its members vote.

Voting knows the unit (a lower app) but not what the unit votes on: the higher app passes the
kind and the version of its subject (the plan's revision), and reacts to the result through
``closing.register_on_close``. The secrecy, the ballots and the counting are the agreement
vote's own.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import decision_record, process_lock, require_perm
from units.models import OrganisationalUnit, StaffMember
from werkdruk.exceptions import DomainError

from ..models import Vote, Voter
from . import custody, measures
from .vote import _clean_reminder_days, _validate_rule, rule_content

COORDINATE = "units.coordinate_unit"


@transaction.atomic
def unit_vote_open(
    *,
    unit,
    actor,
    kind,
    subject_revision,
    closes_at,
    opens_at=None,
    base=Vote.Base.VOTES_CAST,
    numerator=1,
    denominator=2,
    quorum_percentage=None,
    reminder_days=(),
    options=None,
) -> Vote:
    """Open a vote of ``unit`` on version ``subject_revision`` of its subject, in one go.

    A choice of measures (kind ``unit_measures``) takes its ``options`` (title, cost and the
    plan's measure if any, ``measures.clean_options``) and fixes the unit's budget now.

    Only the unit's coordinator. The rule is fixed now, and the roll is frozen now: the unit's
    active members (never the whole school). One vote of a kind per unit at a time; earlier
    rounds keep their results. Invitations with a personal link go out from ``opens_at``
    (default: now), as for the agreement. Recorded as a decision of the vote's step.
    """
    process = process_lock(unit.process_id)
    unit = OrganisationalUnit.objects.select_for_update().get(pk=unit.pk, process=process)
    unit.process = process
    require_perm(actor, COORDINATE, unit)
    if kind == Vote.Kind.AGREEMENT or kind not in Vote.Kind.values:
        raise ValueError(f"Not a kind of unit vote: {kind!r}")
    earlier = Vote.objects.filter(unit=unit, kind=kind)
    if earlier.exclude(state=Vote.State.CLOSED).exists():
        raise DomainError(_("A vote of %(unit)s is already open.") % {"unit": unit.name})
    now = timezone.now()
    opens_at = opens_at or now
    _validate_rule(
        opens_at=opens_at,
        closes_at=closes_at,
        base=base,
        numerator=numerator,
        denominator=denominator,
        quorum_percentage=quorum_percentage,
    )
    if closes_at <= now:
        raise DomainError(_("The closing time has passed; set a later one first."))
    reminder_days = _clean_reminder_days(reminder_days)
    budget = None
    if kind == Vote.Kind.UNIT_MEASURES:
        options = measures.clean_options(options)
        budget = measures.unit_budget(unit)
    elif options:
        raise ValueError("Only a choice of measures has options.")
    staff = list(
        StaffMember.objects.select_for_update()
        .filter(unit_memberships__unit=unit, active=True)
        .order_by("pk")
    )
    if not staff:
        raise DomainError(_("%(unit)s has no active members to vote.") % {"unit": unit.name})
    vote = Vote(
        process=process,
        unit=unit,
        kind=kind,
        subject_revision=subject_revision,
        round=earlier.count() + 1,
        state=Vote.State.OPEN,
        opens_at=opens_at,
        closes_at=closes_at,
        base=base,
        majority_numerator=numerator,
        majority_denominator=denominator,
        quorum_percentage=quorum_percentage,
        reminder_days=reminder_days,
        budget=budget,
        created_by=actor,
    )
    vote.full_clean()
    vote.save()
    if kind == Vote.Kind.UNIT_MEASURES:
        measures.options_save(vote, options)
    custody.keys_create(vote)
    Voter.objects.bulk_create(
        Voter(vote=vote, staff_member=s, category=s.category, unit_name=unit.name) for s in staff
    )
    from ..tasks import vote_messages_send  # the tasks module imports the services

    # Robust: if the broker is down, the periodic task sends them a few minutes later.
    transaction.on_commit(lambda: vote_messages_send.delay(vote.pk), robust=True)
    decision_record(
        process=process,
        step_number=vote.step_number,
        action="voting.vote.opened",
        summary=gettext_noop(
            "Vote round %(round)s of %(unit)s opened with %(count)s voters on the roll."
        ),
        params={"round": vote.round, "unit": unit.name, "count": len(staff)},
        actor=actor,
        content={**rule_content(vote), "eligible": len(staff)},
    )
    return vote
