"""Preparing and opening a vote (closing is in ``closing``).

The PMR prepares a vote on the frozen agreement (step 4), fixes its rule, and opens it; the
roll is frozen at opening and the rule can no longer change.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.agreement import agreement_content, content_hash
from processes.models import AgreementVersion, ProcessStep
from processes.services import (
    decision_record,
    process_lock,
    require_perm,
)
from units.models import StaffMember, UnitMembership
from werkdruk.exceptions import DomainError

from .. import sealing
from ..models import AppreciationQuestion, KeyHolder, Vote, Voter
from ..selectors import key_holder_candidates
from . import custody
from .common import AGREEMENT_STEP, lock_vote

MAX_QUESTIONS = 10
MAX_REMINDER_DAYS = 60


def _validate_rule(*, opens_at, closes_at, base, numerator, denominator, quorum_percentage):
    if base not in Vote.Base.values:
        raise DomainError(_("Choose what counts as 100% of the votes."))
    if not (isinstance(numerator, int) and isinstance(denominator, int)) or not (
        0 < numerator < denominator
    ):
        raise DomainError(_("The majority must be a fraction between 0 and 1, such as 1/2."))
    if numerator * 2 < denominator:
        raise DomainError(_("The majority must be at least half of the votes."))
    if quorum_percentage is not None and not 0 <= quorum_percentage <= 100:
        raise DomainError(_("The quorum is a percentage from 0 to 100."))
    if opens_at >= closes_at:
        raise DomainError(_("The vote must close after it opens."))


def _clean_reminder_days(days) -> list[int]:
    cleaned = sorted({int(d) for d in days or []}, reverse=True)
    if any(not 1 <= d <= MAX_REMINDER_DAYS for d in cleaned):
        raise DomainError(
            _("A reminder is sent 1 to %(max)s days before closing.") % {"max": MAX_REMINDER_DAYS}
        )
    return cleaned


def _clean_questions(questions) -> list[str]:
    cleaned = [q.strip() for q in questions or [] if q and q.strip()]
    if len(cleaned) > MAX_QUESTIONS:
        raise DomainError(
            _("A ballot has at most %(max)s appreciation questions.") % {"max": MAX_QUESTIONS}
        )
    if any(len(q) > 300 for q in cleaned):
        raise DomainError(_("An appreciation question has at most 300 characters."))
    return cleaned


def _questions_save(vote, questions):
    vote.questions.all().delete()
    AppreciationQuestion.objects.bulk_create(
        AppreciationQuestion(vote=vote, position=i, text=text)
        for i, text in enumerate(questions, start=1)
    )


def _current_agreement(process) -> AgreementVersion:
    """The latest frozen version, if it is still what steps 1-3 say now; otherwise refuse."""
    latest = AgreementVersion.objects.filter(process=process).order_by("-number").first()
    if latest is None:
        raise DomainError(_("Freeze the agreement first: staff vote on a frozen version."))
    if latest.content_hash != content_hash(agreement_content(process)):
        raise DomainError(
            _("The agreement has changed since it was frozen: freeze it again before the vote.")
        )
    return latest


def _clean_key_holders(process, key_custody, key_holders) -> list:
    """The key holders chosen with the rule: 2 to 5 PMR members or directors of the school."""
    if key_custody not in Vote.KeyCustody.values:
        raise DomainError(_("Choose who keeps the key that counts the vote."))
    if key_custody == Vote.KeyCustody.SERVER:
        return []
    holders = list(dict.fromkeys(key_holders or []))
    if not sealing.SHARE_THRESHOLD <= len(holders) <= sealing.MAX_KEY_HOLDERS:
        raise DomainError(
            _("Choose %(min)s to %(max)s key holders; any two of them count the vote together.")
            % {"min": sealing.SHARE_THRESHOLD, "max": sealing.MAX_KEY_HOLDERS}
        )
    allowed = set(
        key_holder_candidates(process)
        .filter(pk__in=[user.pk for user in holders])
        .values_list("pk", flat=True)
    )
    outsiders = [str(user) for user in holders if user.pk not in allowed]
    if outsiders:
        raise DomainError(
            _("Key holders must be PMR members or directors of the school:"), details=outsiders
        )
    return holders


def _key_holders_save(vote, holders):
    vote.key_holders.all().delete()
    KeyHolder.objects.bulk_create(
        KeyHolder(vote=vote, user=user, position=i) for i, user in enumerate(holders, start=1)
    )


def rule_content(vote) -> dict:
    # A unit's vote names the unit and the version of what it votes on.
    subject = (
        {
            "kind": vote.kind,
            "unit": vote.unit_id,
            "unit_name": vote.unit.name,
            "revision": vote.subject_revision,
        }
        if vote.unit_id
        else {}
    )
    if vote.kind == Vote.Kind.UNIT_MEASURES:
        subject["budget"] = str(vote.budget)
        subject["options"] = [
            {"position": o.position, "title": o.title, "cost": str(o.cost), "measure": o.measure_id}
            for o in vote.options.all()
        ]
    return {
        "round": vote.round,
        **subject,
        "agreement_version": vote.agreement.number if vote.agreement else None,
        "agreement_sha256": vote.agreement.content_hash if vote.agreement else None,
        "opens_at": vote.opens_at.isoformat(),
        "closes_at": vote.closes_at.isoformat(),
        **vote.rule,
        "reminder_days": vote.reminder_days,
        "questions": [q.text for q in vote.questions.all()],
        "key_custody": vote.key_custody,
        "key_holders": [str(h.user) for h in vote.key_holders.select_related("user")],
    }


@transaction.atomic
def vote_create(
    *,
    process,
    actor,
    opens_at,
    closes_at,
    base,
    numerator=1,
    denominator=2,
    quorum_percentage=None,
    reminder_days=(),
    questions=(),
    key_custody=Vote.KeyCustody.SERVER,
    key_holders=(),
) -> Vote:
    """Prepare the next round of the vote on the latest frozen agreement (a draft).

    Needs step 4 open, a frozen agreement, and no other vote of the process in preparation
    or open. The round is one more than the rounds held before, whose results stay.
    """
    process = process_lock(process)
    require_perm(actor, "voting.manage_vote", process)
    step = process.steps.get(number=AGREEMENT_STEP)
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(_("The vote can only be prepared while step 4 is open."))
    agreement = _current_agreement(process)
    votes = Vote.objects.filter(process=process, kind=Vote.Kind.AGREEMENT)
    if votes.exclude(state=Vote.State.CLOSED).exists():
        raise DomainError(_("A vote on the agreement is already being prepared or open."))
    _validate_rule(
        opens_at=opens_at,
        closes_at=closes_at,
        base=base,
        numerator=numerator,
        denominator=denominator,
        quorum_percentage=quorum_percentage,
    )
    reminder_days = _clean_reminder_days(reminder_days)
    questions = _clean_questions(questions)
    holders = _clean_key_holders(process, key_custody, key_holders)
    vote = Vote(
        process=process,
        agreement=agreement,
        kind=Vote.Kind.AGREEMENT,
        round=votes.count() + 1,
        opens_at=opens_at,
        closes_at=closes_at,
        base=base,
        majority_numerator=numerator,
        majority_denominator=denominator,
        quorum_percentage=quorum_percentage,
        reminder_days=reminder_days,
        key_custody=key_custody,
        created_by=actor,
    )
    vote.full_clean()
    vote.save()
    _questions_save(vote, questions)
    _key_holders_save(vote, holders)
    decision_record(
        process=process,
        step_number=AGREEMENT_STEP,
        action="voting.vote.created",
        summary=gettext_noop("Vote round %(round)s prepared on agreement version %(version)s."),
        params={"round": vote.round, "version": agreement.number},
        actor=actor,
        content=rule_content(vote),
    )
    return vote


@transaction.atomic
def vote_update_rule(
    *,
    vote,
    actor,
    opens_at,
    closes_at,
    base,
    numerator,
    denominator,
    quorum_percentage=None,
    reminder_days=(),
    questions=(),
    key_custody=None,
    key_holders=None,
) -> Vote:
    """Change the rule, times, reminders, questions or key of a vote while it is prepared.

    ``key_custody`` and ``key_holders`` left out (None) keep what the vote has.
    """
    vote = lock_vote(vote)
    require_perm(actor, "voting.manage_vote", vote)
    if vote.state != Vote.State.DRAFT:
        raise DomainError(_("The rule of a vote cannot change once the vote has opened."))
    _validate_rule(
        opens_at=opens_at,
        closes_at=closes_at,
        base=base,
        numerator=numerator,
        denominator=denominator,
        quorum_percentage=quorum_percentage,
    )
    vote.opens_at = opens_at
    vote.closes_at = closes_at
    vote.base = base
    vote.majority_numerator = numerator
    vote.majority_denominator = denominator
    vote.quorum_percentage = quorum_percentage
    vote.reminder_days = _clean_reminder_days(reminder_days)
    questions = _clean_questions(questions)
    if key_custody is None:
        key_custody = vote.key_custody
    if key_holders is None:
        key_holders = [h.user for h in vote.key_holders.order_by("position")]
    holders = _clean_key_holders(vote.process, key_custody, key_holders)
    vote.key_custody = key_custody
    vote.full_clean()
    vote.save()
    _questions_save(vote, questions)
    _key_holders_save(vote, holders)
    decision_record(
        process=vote.process,
        step_number=AGREEMENT_STEP,
        action="voting.vote.rule_changed",
        summary=gettext_noop("Rule of vote round %(round)s changed before opening."),
        params={"round": vote.round},
        actor=actor,
        content=rule_content(vote),
    )
    return vote


@transaction.atomic
def vote_open(*, vote, actor) -> Vote:
    """Open the vote: freeze the roll (every active staff member of the school now) and the rule.

    Each voter's staff category and unit are copied onto the roll, so turnout per unit can be
    shown later without following changes to the units. Ballots are taken from ``opens_at``;
    the invitations go out then (``messages.vote_messages_send``, also run by the periodic
    task). Later changes to the roll are recorded decisions (``roll``).
    """
    process_lock(vote.process_id)
    vote = lock_vote(vote)
    require_perm(actor, "voting.manage_vote", vote)
    if vote.state != Vote.State.DRAFT:
        raise DomainError(_("This vote has already been opened."))
    if vote.closes_at <= timezone.now():
        raise DomainError(_("The closing time has passed; set a later one first."))
    process = vote.process
    step = ProcessStep.objects.select_for_update().get(process=process, number=AGREEMENT_STEP)
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(_("The vote can only be opened while step 4 is open."))
    latest = _current_agreement(process)
    if latest.pk != vote.agreement_id:
        raise DomainError(_("The agreement has changed since this vote was prepared."))
    staff = list(
        StaffMember.objects.select_for_update()
        .filter(school=process.school, active=True)
        .order_by("pk")
    )
    if not staff:
        raise DomainError(_("The school has no active staff to vote."))
    # Still PMR members or directors today (a role may have changed since the draft).
    _clean_key_holders(process, vote.key_custody, [h.user for h in vote.key_holders.all()])
    units = dict(
        UnitMembership.objects.filter(process=process, staff_member__in=staff).values_list(
            "staff_member_id", "unit__name"
        )
    )
    Voter.objects.bulk_create(
        Voter(vote=vote, staff_member=s, category=s.category, unit_name=units.get(s.pk, ""))
        for s in staff
    )
    vote.state = Vote.State.OPEN
    vote.save(update_fields=["state"])
    custody.keys_create(vote)
    from ..tasks import vote_messages_send  # the tasks module imports the services

    # Robust: if the broker is down, the periodic task sends them a few minutes later.
    transaction.on_commit(lambda: vote_messages_send.delay(vote.pk), robust=True)
    decision_record(
        process=process,
        step_number=AGREEMENT_STEP,
        action="voting.vote.opened",
        summary=gettext_noop("Vote round %(round)s opened with %(count)s voters on the roll."),
        params={"round": vote.round, "count": len(staff)},
        actor=actor,
        content={**rule_content(vote), "eligible": len(staff)},
    )
    return vote
