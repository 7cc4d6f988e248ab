"""Every change to a vote goes through these functions.

The PMR prepares a vote on the frozen agreement (step 4), fixes its rule, and opens it; the
roll is frozen at opening and the rule can no longer change. Staff cast a ballot with their
personal link or signed in; the fact that they voted and their ballot are written in one
transaction with nothing that links them. Closing counts the ballots under the rule, breaks
the last physical link (see ``vote_close``) and completes or reopens the procedure's steps.
"""

import hashlib
import random
import secrets

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from processes.models import AgreementVersion, ProcessStep
from processes.services import (
    decision_record,
    in_school_language,
    process_lock,
    require_perm,
    step_complete_by_system,
    step_reopen_by_system,
)
from units.models import StaffMember, UnitMembership
from werkdruk.exceptions import DomainError

from .models import Ballot, Participation, Vote, Voter
from .tally import tally

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed back
RECEIPT_GROUPS = 4
RECEIPT_GROUP_LENGTH = 4
AGREEMENT_STEP = 4


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lock_vote(vote) -> Vote:
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("process__school__board", "agreement")
        .get(pk=vote.pk)
    )


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


def _rule_content(vote) -> dict:
    return {
        "round": vote.round,
        "agreement_version": vote.agreement.number if vote.agreement else None,
        "agreement_sha256": vote.agreement.content_hash if vote.agreement else None,
        "opens_at": vote.opens_at.isoformat(),
        "closes_at": vote.closes_at.isoformat(),
        **vote.rule,
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
    agreement = AgreementVersion.objects.filter(process=process).order_by("-number").first()
    if agreement is None:
        raise DomainError(_("Freeze the agreement first: staff vote on a frozen version."))
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
        created_by=actor,
    )
    vote.full_clean()
    vote.save()
    decision_record(
        process=process,
        step_number=AGREEMENT_STEP,
        action="voting.vote.created",
        summary=gettext_noop("Vote round %(round)s prepared on agreement version %(version)s."),
        params={"round": vote.round, "version": agreement.number},
        actor=actor,
        content=_rule_content(vote),
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
) -> Vote:
    """Change the rule or the times of a vote, only while it is being prepared."""
    vote = _lock_vote(vote)
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
    vote.full_clean()
    vote.save()
    decision_record(
        process=vote.process,
        step_number=AGREEMENT_STEP,
        action="voting.vote.rule_changed",
        summary=gettext_noop("Rule of vote round %(round)s changed before opening."),
        params={"round": vote.round},
        actor=actor,
        content=_rule_content(vote),
    )
    return vote


@transaction.atomic
def vote_open(*, vote, actor) -> Vote:
    """Open the vote: freeze the roll (every active staff member of the school now) and the rule.

    Each voter's staff category and unit are copied onto the roll, so turnout per unit can be
    shown later without following changes to the units.
    """
    vote = _lock_vote(vote)
    require_perm(actor, "voting.manage_vote", vote)
    if vote.state != Vote.State.DRAFT:
        raise DomainError(_("This vote has already been opened."))
    if vote.closes_at <= timezone.now():
        raise DomainError(_("The closing time has passed; set a later one first."))
    process = vote.process
    if process.steps.get(number=AGREEMENT_STEP).state != ProcessStep.State.OPEN:
        raise DomainError(_("The vote can only be opened while step 4 is open."))
    latest = AgreementVersion.objects.filter(process=process).order_by("-number").first()
    if latest is None or latest.pk != vote.agreement_id:
        raise DomainError(_("The agreement has changed since this vote was prepared."))
    staff = list(
        StaffMember.objects.select_for_update()
        .filter(school=process.school, active=True)
        .order_by("pk")
    )
    if not staff:
        raise DomainError(_("The school has no active staff to vote."))
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
    decision_record(
        process=process,
        step_number=AGREEMENT_STEP,
        action="voting.vote.opened",
        summary=gettext_noop("Vote round %(round)s opened with %(count)s voters on the roll."),
        params={"round": vote.round, "count": len(staff)},
        actor=actor,
        content={**_rule_content(vote), "eligible": len(staff)},
    )
    return vote


# --- tokens -----------------------------------------------------------------------------


@transaction.atomic
def voter_token_issue(*, voter) -> str:
    """A new personal token for ``voter``; returns the plaintext once, stores only its SHA-256.

    Issuing again replaces the earlier token (a lost e-mail or sheet).
    """
    voter = Voter.objects.select_for_update(of=("self",)).select_related("vote").get(pk=voter.pk)
    if voter.vote.state == Vote.State.CLOSED:
        raise DomainError(_("This vote is closed."))
    token = secrets.token_urlsafe(32)
    voter.token_hash = sha256(token)
    voter.save(update_fields=["token_hash"])
    return token


def _ensure_accepting(vote):
    if vote.state != Vote.State.OPEN or timezone.now() >= vote.closes_at:
        raise DomainError(_("This vote is not open."))


def voter_for_token(*, vote, token) -> Voter:
    """The voter whose personal link this is, for this vote while it is open.

    Unknown tokens and tokens of another vote get the same answer.
    """
    _ensure_accepting(vote)
    voter = (
        Voter.objects.select_related("staff_member")
        .filter(token_hash=sha256(token or ""), vote=vote)
        .first()
    )
    if voter is None:
        raise DomainError(_("This link is not valid for this vote."))
    return voter


# --- casting ----------------------------------------------------------------------------


def _receipt_code() -> str:
    return "-".join(
        "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_GROUP_LENGTH))
        for _ in range(RECEIPT_GROUPS)
    )


def _normalise_receipt(code: str) -> str:
    letters = "".join(c for c in (code or "").upper() if c.isalnum())
    n = RECEIPT_GROUP_LENGTH
    return "-".join(letters[i : i + n] for i in range(0, len(letters), n))


def _vote_for_casting(vote) -> Vote:
    """The vote read again under a shared lock: closing waits for ballots being cast.

    PostgreSQL: FOR SHARE, so ballots do not wait for each other but ``vote_close`` (FOR
    UPDATE) waits for them, and a ballot started after closing sees the vote closed. SQLite
    serialises writing transactions anyway.
    """
    if connection.vendor == "postgresql":
        sql = f"SELECT * FROM {Vote._meta.db_table} WHERE id = %s FOR SHARE"  # noqa: S608
        return list(Vote.objects.raw(sql, [vote.pk]))[0]
    return Vote.objects.get(pk=vote.pk)


ALREADY_VOTED = gettext_noop("You have already voted in this vote.")


@transaction.atomic
def ballot_cast(*, vote, voter, choice) -> str:
    """Cast ``voter``'s ballot; returns the receipt code, shown once (only its hash is kept).

    The participation and the ballot are written in this one transaction, with nothing that
    links them. The voter's row is locked so a second request waits and then finds the
    participation; the one-to-one constraint is the last line if anything slips through.
    """
    vote = _vote_for_casting(vote)
    _ensure_accepting(vote)
    if choice not in Ballot.Choice.values:
        raise DomainError(_("Choose yes, no or abstain."))
    voter = (
        Voter.objects.select_for_update(of=("self",)).filter(pk=voter.pk, vote=vote).order_by("pk")
    ).first()
    if voter is None:
        raise DomainError(_("You are not on the voters' roll of this vote."))
    if Participation.objects.filter(voter=voter).exists():
        raise DomainError(gettext(ALREADY_VOTED))
    try:
        with transaction.atomic():
            Participation.objects.create(voter=voter)
    except IntegrityError:
        raise DomainError(gettext(ALREADY_VOTED)) from None
    code = _receipt_code()
    Ballot.objects.create(vote=vote, choice=choice, receipt_hash=sha256(code))
    return code


def ballot_cast_by_token(*, vote, token, choice) -> str:
    """Cast a ballot with a personal link."""
    return ballot_cast(vote=vote, voter=voter_for_token(vote=vote, token=token), choice=choice)


def ballot_cast_signed_in(*, vote, user, choice) -> str:
    """Cast a ballot as a signed-in staff member on the roll."""
    voter = Voter.objects.filter(vote=vote, staff_member__user=user).first() if user else None
    if voter is None:
        raise DomainError(_("You are not on the voters' roll of this vote."))
    return ballot_cast(vote=vote, voter=voter, choice=choice)


def receipt_check(*, vote, code) -> bool:
    """Whether the ballot with this receipt code was counted; only after the vote closed."""
    if Vote.objects.values_list("state", flat=True).get(pk=vote.pk) != Vote.State.CLOSED:
        raise DomainError(_("Receipts can be checked once the vote has closed."))
    return Ballot.objects.filter(vote=vote, receipt_hash=sha256(_normalise_receipt(code))).exists()


# --- closing ----------------------------------------------------------------------------


def _reshuffle_ballots(vote):
    """Write the vote's ballots again, as new rows with new random ids, in a random order."""
    old = list(Ballot.objects.filter(vote=vote).values_list("choice", "receipt_hash"))
    random.SystemRandom().shuffle(old)
    Ballot.objects.filter(vote=vote).delete()
    Ballot.objects.bulk_create(
        Ballot(vote=vote, choice=choice, receipt_hash=receipt) for choice, receipt in old
    )


def _labelin_school_language(label) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


@transaction.atomic
def vote_close(*, vote, actor=None) -> Vote:
    """Close the vote, count it under its rule, store the result and move the procedure on.

    For the PMR (``actor``) and for a scheduled task (no actor). Closing a closed vote returns
    it unchanged. Before the closing time only when everyone on the roll has voted.

    Secrecy: a ballot and its participation were written in one transaction, so on PostgreSQL
    they carry the same ``xmin`` (and the voter row's lock ``xmax``), and their physical order
    matches. Here, in the closing transaction, all ballots are re-written in ONE shuffled batch
    with new random ids and the originals deleted, so after closing the live tables no longer
    link a ballot to a voter. This does not hide anything while the vote is open, and the old
    row versions remain in the table files until vacuumed and in WAL and backups for as long as
    those are kept (see docs/decisions.md).

    Adopted completes step 4. Rejected or invalid reopens step 1, which sends steps 2-4 back to
    waiting; the next vote is round 2. Reopening is a decision of someone who may manage the
    process: ``actor``, or without one (the scheduled task) the PMR member who prepared the
    vote, in whose name the decision is then recorded. The step is left alone if step 4 is no
    longer open (the agreement was reopened during the vote).
    """
    vote = _lock_vote(vote)
    if vote.state == Vote.State.CLOSED:
        return vote
    if actor is not None:
        require_perm(actor, "voting.manage_vote", vote)
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("This vote has not been opened."))
    eligible = vote.voters.count()
    participations = Participation.objects.filter(voter__vote=vote).count()
    if timezone.now() < vote.closes_at and participations < eligible:
        raise DomainError(_("The vote is still open until its closing time."))
    counts = {
        row["choice"]: row["n"]
        for row in Ballot.objects.filter(vote=vote)
        .order_by()
        .values("choice")
        .annotate(n=Count("id"))
    }
    result = tally(
        eligible=eligible,
        yes=counts.get(Ballot.Choice.YES, 0),
        no=counts.get(Ballot.Choice.NO, 0),
        abstain=counts.get(Ballot.Choice.ABSTAIN, 0),
        base=vote.base,
        numerator=vote.majority_numerator,
        denominator=vote.majority_denominator,
        quorum_percentage=vote.quorum_percentage,
    )
    if result.cast != participations:
        raise DomainError(_("The number of ballots does not match the number of voters who voted."))
    vote.state = Vote.State.CLOSED
    vote.eligible_count = result.eligible
    vote.cast_count = result.cast
    vote.yes_count = result.yes
    vote.no_count = result.no
    vote.abstain_count = result.abstain
    vote.outcome = result.outcome
    vote.closed_at = timezone.now()
    vote.save()
    _reshuffle_ballots(vote)

    process = vote.process
    content = {
        **_rule_content(vote),
        "eligible": result.eligible,
        "cast": result.cast,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "base_total": result.base_total,
        "quorum_met": result.quorum_met,
        "outcome": result.outcome,
    }
    params = {
        "round": vote.round,
        "version": vote.agreement.number,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "eligible": result.eligible,
        "outcome": _labelin_school_language(Vote.Outcome(result.outcome).label),
    }
    decision_record(
        process=process,
        step_number=AGREEMENT_STEP,
        action="voting.vote.closed",
        summary=gettext_noop(
            "Vote round %(round)s closed: %(outcome)s (yes %(yes)s, no %(no)s, "
            "abstain %(abstain)s, of %(eligible)s eligible)."
        ),
        params=params,
        actor=actor,
        content=content,
    )
    step4 = process.steps.get(number=AGREEMENT_STEP)
    if step4.state != ProcessStep.State.OPEN:
        return vote
    if result.outcome == Vote.Outcome.ADOPTED:
        step_complete_by_system(
            step=step4,
            summary=gettext_noop(
                "Step %(number)s completed: the staff adopted agreement version %(version)s "
                "in vote round %(round)s."
            ),
            params={"version": vote.agreement.number, "round": vote.round},
            content=content,
            actor=actor,
        )
    else:
        # A failed vote reopens steps 1-3 whoever (or whichever scheduled task) closes it.
        step_reopen_by_system(
            step=process.steps.get(number=1),
            grounds=in_school_language(
                gettext_noop("Vote round %(round)s on the agreement: %(outcome)s."), params
            ),
        )
    return vote
