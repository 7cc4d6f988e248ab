"""Closing a vote: counting it under its rule, or cancelling it uncounted.

Closing also breaks the last physical link between ballots and voters (see ``vote_close``)
and moves the procedure on, per kind of vote: an adopted agreement completes step 4, any other
result reopens 1-3; a higher app registers what closing its own kind of vote does
(``register_on_close``).
"""

import dataclasses
from collections import Counter
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep
from processes.services import (
    decision_record,
    in_school_language,
    process_lock,
    require_perm,
    step_complete_by_system,
    step_reopen_by_system,
)
from werkdruk.anonymity import rows_rewrite_shuffled, table_rewrite_after_commit
from werkdruk.exceptions import DomainError

from .. import sealing, selectors
from ..models import Ballot, PaperBatch, Participation, Vote
from ..tally import tally
from . import custody, measures
from .common import AGREEMENT_STEP, lock_vote
from .vote import rule_content


def _write_counted_ballots(vote, contents) -> None:
    """Replace the vote's sealed ballots by ``contents`` in the clear, and write the
    participations again, each unlinked (``werkdruk.anonymity``)."""
    rows_rewrite_shuffled(
        Ballot.objects.filter(vote=vote),
        (
            Ballot(
                vote=vote,
                choice=c["c"],
                appreciation=c.get("a") or {},
                selection=c.get("s") or [],
                receipt_hash=c.get("r"),
            )
            for c in contents
        ),
    )
    # The participations too: a counted paper batch wrote its voters' participations in the
    # transaction that stored its ballots.
    participations = Participation.objects.filter(voter__vote=vote)
    rows_rewrite_shuffled(
        participations,
        (Participation(voter_id=v) for v in participations.values_list("voter", flat=True)),
    )


def _opened_ballots(vote, private) -> list[dict]:
    """Every ballot of the vote opened with its key: {"c": choice, "a": answers, "r": hash}."""
    contents = [
        sealing.unseal(private, sealed)
        for sealed in Ballot.objects.filter(vote=vote).values_list("sealed", flat=True)
    ]
    if any(c.get("c") not in Ballot.Choice.values for c in contents):
        raise DomainError(_("A ballot holds no valid choice; the vote cannot be counted."))
    return contents


def _appreciation_result(vote, contents) -> dict:
    """Per question position: how many answered, the average (two decimals) and 1-5 counts."""
    counters = {str(q.position): Counter() for q in vote.questions.all()}
    for content in contents:
        for position, score in (content.get("a") or {}).items():
            if position in counters:
                counters[position][int(score)] += 1
    result = {}
    for position, counter in counters.items():
        n = sum(counter.values())
        total = sum(score * count for score, count in counter.items())
        average = (
            str((Decimal(total) / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            if n
            else None
        )
        result[position] = {
            "n": n,
            "average": average,
            "distribution": [counter.get(score, 0) for score in range(1, 6)],
        }
    return result


def _label_in_school_language(label) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


@transaction.atomic
def vote_close(*, vote, actor=None) -> Vote:
    """Close the vote, count it under its rule, store the result and move the procedure on.

    For the PMR (``actor``) and for a scheduled task (no actor). Closing a closed vote returns
    it unchanged. Before the closing time only when everyone on the roll has voted. A vote
    whose key is split over key holders is counted when two of them type in their shares
    (``custody.key_share_enter``); closing it otherwise raises ``custody.SharesNeeded``.
    """
    process_lock(vote.process_id)
    vote = lock_vote(vote)
    if vote.state == Vote.State.CLOSED:
        return vote
    if actor is not None:
        require_perm(actor, "voting.manage_vote", vote)
    return count_vote(vote=vote, actor=actor)


def count_vote(*, vote, actor=None, private: bytes | None = None) -> Vote:
    """Count a vote that the caller has locked (``lock_vote``) and may count, with its key
    (``private``, or the one ``custody.private_key`` finds).

    Secrecy: while the vote was open its ballots were sealed to its key, so the link that the
    database's bookkeeping keeps between a ballot and the participation written in the same
    transaction (PostgreSQL's ``xmin``, SQLite's row ids, their physical order) leads to
    nothing readable. Here the ballots are opened with the key and written again in the
    clear in ONE shuffled batch with new random ids, the sealed originals deleted; the key is
    destroyed once this transaction commits. After the commit, ``VACUUM FULL`` rewrites the
    ballot table's file without the deleted originals (PostgreSQL). A copy of the database
    from while the vote was open therefore stays unreadable, and the counted ballots link to
    no one (docs/security.md).

    Paper ballots still waiting for the second teller are not counted: a PMR member closing by
    hand is asked to confirm or discard them first; the scheduled close discards them (their
    names are not kept) and records how many there were.

    What follows depends on the kind of vote (``ON_CLOSE``): for the agreement, adopted
    completes step 4; rejected or invalid reopens step 1, which sends steps 2-4 back to waiting,
    recorded as done by the system; the next vote is round 2.
    """
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("This vote has not been opened."))
    pending_paper = vote.paper_batches.filter(state=PaperBatch.State.PENDING).count()
    if actor is not None and pending_paper:
        raise DomainError(
            _("Paper ballots are waiting for the second teller: confirm or discard them first.")
        )
    eligible = vote.voters.count()
    participations = Participation.objects.filter(voter__vote=vote).count()
    if timezone.now() < vote.closes_at and participations < eligible:
        raise DomainError(_("The vote is still open until its closing time."))
    contents = _opened_ballots(vote, private or custody.private_key(vote))
    vote.paper_batches.filter(state=PaperBatch.State.PENDING).delete()
    counts = Counter(c["c"] for c in contents)
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
    chosen = None
    if vote.kind == Vote.Kind.UNIT_MEASURES:
        # The options counted and the chosen set within the budget; the outcome says whether
        # anything was chosen (the rule's majority does not apply to a choice).
        chosen = measures.count(vote, contents)
        result = dataclasses.replace(
            result, outcome=measures.outcome(chosen, quorum_met=result.quorum_met)
        )
        vote.measures_result = measures.result_json(chosen)
    vote.state = Vote.State.CLOSED
    vote.eligible_count = result.eligible
    vote.cast_count = result.cast
    vote.yes_count = result.yes
    vote.no_count = result.no
    vote.abstain_count = result.abstain
    vote.outcome = result.outcome
    vote.closed_at = timezone.now()
    vote.appreciation_result = _appreciation_result(vote, contents)
    vote.save()
    _write_counted_ballots(vote, contents)
    custody.keys_destroy_after_commit(vote)
    table_rewrite_after_commit(Ballot)

    content = {
        **rule_content(vote),
        "eligible": result.eligible,
        "cast": result.cast,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "base_total": result.base_total,
        "quorum_met": result.quorum_met,
        "outcome": result.outcome,
        "appreciation": vote.appreciation_result,
        "uncounted_paper_batches": pending_paper,
    }
    if chosen is not None:
        content["measures"] = vote.measures_result
    params = {
        "round": vote.round,
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "eligible": result.eligible,
        "outcome": _label_in_school_language(Vote.Outcome(result.outcome).label),
    }
    if vote.agreement_id:
        params["version"] = vote.agreement.number
    if vote.unit_id:
        params["unit"] = vote.unit.name
    if chosen is not None:
        params.update(
            {"chosen": len(chosen.chosen), "total": str(chosen.total), "budget": str(vote.budget)}
        )
    decision_record(
        process=vote.process,
        step_number=vote.step_number,
        action="voting.vote.closed",
        summary=(
            gettext_noop(
                "Choice of measures, round %(round)s of %(unit)s, closed: %(outcome)s "
                "(%(chosen)s measures chosen, € %(total)s of the budget of € %(budget)s; "
                "%(abstain)s abstentions, of %(eligible)s eligible)."
            )
            if chosen is not None
            else gettext_noop(
                "Vote round %(round)s of %(unit)s closed: %(outcome)s (yes %(yes)s, no %(no)s, "
                "abstain %(abstain)s, of %(eligible)s eligible)."
            )
            if vote.unit_id
            else gettext_noop(
                "Vote round %(round)s closed: %(outcome)s (yes %(yes)s, no %(no)s, "
                "abstain %(abstain)s, of %(eligible)s eligible)."
            )
        ),
        params=params,
        actor=actor,
        content=content,
    )
    on_close = ON_CLOSE.get(vote.kind)
    if on_close is not None:
        on_close(vote, result, content, params, actor)
    return vote


def _agreement_vote_closed(vote, result, content, params, actor):
    """Step 4: adopted completes it; otherwise steps 1-3 reopen for the next round.

    Left alone if step 4 is no longer open (it cannot be reopened during the vote, so only
    if something went wrong before).
    """
    process = vote.process
    step4 = process.steps.get(number=AGREEMENT_STEP)
    if step4.state != ProcessStep.State.OPEN:
        return
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


# (vote, tally result, decision content, decision params, actor or None) -> None
OnClose = Callable[[Vote, object, dict, dict, object], None]

# What closing a vote does to the procedure, per kind of vote. The agreement's is here; a
# higher app adds the one of its own kind with ``register_on_close`` (plans: a unit's plan).
ON_CLOSE: dict[str, OnClose] = {Vote.Kind.AGREEMENT: _agreement_vote_closed}


def register_on_close(kind, fn: OnClose) -> None:
    """Let ``fn`` react, in the closing transaction, when a vote of ``kind`` is counted.

    Called from the higher app's ``AppConfig.ready()``. One reaction per kind; the agreement's
    own cannot be replaced. Not called for a cancelled vote (nothing was counted).
    """
    if kind == Vote.Kind.AGREEMENT:
        raise ValueError("The agreement vote's reaction is voting's own.")
    if kind not in Vote.Kind.values:
        raise ValueError(f"Unknown kind of vote: {kind!r}")
    ON_CLOSE[kind] = fn


def _stop_uncounted(vote, *, actor, grounds, outcome, action, summary) -> Vote:
    """End an open, locked vote without counting it; the ballots and the key are destroyed.

    The numbers of eligible voters and of votes cast are kept for the record. The procedure
    does not move: for the agreement step 4 stays open, the agreement is frozen again and the
    next round prepared; a unit's plan can be edited again and put to a new vote.
    """
    vote.state = Vote.State.CLOSED
    vote.outcome = outcome
    vote.eligible_count = vote.voters.count()
    vote.cast_count = Ballot.objects.filter(vote=vote).count()
    vote.closed_at = timezone.now()
    vote.save()
    vote.paper_batches.filter(state=PaperBatch.State.PENDING).delete()
    # Sealed and never to be counted: nothing to keep, and the key goes too.
    Ballot.objects.filter(vote=vote).delete()
    custody.keys_destroy_after_commit(vote)
    table_rewrite_after_commit(Ballot)
    decision_record(
        process=vote.process,
        step_number=vote.step_number,
        action=action,
        summary=summary,
        params={"round": vote.round, "unit": vote.unit.name if vote.unit_id else ""},
        actor=actor,
        grounds=grounds,
        content={
            **rule_content(vote),
            "eligible": vote.eligible_count,
            "cast": vote.cast_count,
            "outcome": vote.outcome,
        },
    )
    return vote


@transaction.atomic
def vote_cancel(*, vote, actor, grounds) -> Vote:
    """Stop an open vote without counting it (what it is about must change first)."""
    process_lock(vote.process_id)
    vote = lock_vote(vote)
    require_perm(actor, "voting.manage_vote", vote)
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("Only an open vote can be cancelled."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise DomainError(_("Give the grounds for cancelling the vote."))
    return _stop_uncounted(
        vote,
        actor=actor,
        grounds=grounds,
        outcome=Vote.Outcome.CANCELLED,
        action="voting.vote.cancelled",
        summary=(
            gettext_noop("Vote round %(round)s of %(unit)s cancelled before closing; not counted.")
            if vote.unit_id
            else gettext_noop("Vote round %(round)s cancelled before closing; not counted.")
        ),
    )


@transaction.atomic
def vote_void(*, vote, actor, grounds) -> Vote:
    """Declare a vote void because its key is lost: its ballots can never be counted.

    When the server's copy of the key is missing, at any time; with key holders, once the vote
    is due for counting (the holders say their shares are lost). Recorded with the grounds;
    the vote is then held again, as after a cancelled one.
    """
    process_lock(vote.process_id)
    vote = lock_vote(vote)
    require_perm(actor, "voting.manage_vote", vote)
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("Only an open vote can be declared void."))
    status = selectors.key_status(vote)
    if status not in (selectors.KEY_LOST, selectors.KEY_SHARES_NEEDED):
        raise DomainError(
            _("The key of this vote is not lost: the vote can be counted, or cancelled.")
        )
    grounds = (grounds or "").strip()
    if not grounds:
        raise DomainError(_("Say what happened to the key: the grounds are recorded."))
    return _stop_uncounted(
        vote,
        actor=actor,
        grounds=grounds,
        outcome=Vote.Outcome.VOID,
        action="voting.vote.void",
        summary=(
            gettext_noop(
                "Vote round %(round)s of %(unit)s declared void: its key was lost, so the "
                "ballots could not be counted. The vote is held again."
            )
            if vote.unit_id
            else gettext_noop(
                "Vote round %(round)s declared void: its key was lost, so the ballots could "
                "not be counted. The vote is held again."
            )
        ),
    )


def vote_close_if_due(vote) -> Vote:
    """Close ``vote`` if it is open and its closing time has passed (first view, or the task).

    A vote whose key holders have not yet typed in their shares waits for them, unchanged.
    """
    if vote.state == Vote.State.OPEN and timezone.now() >= vote.closes_at:
        try:
            return vote_close(vote=vote)
        except custody.SharesNeeded:
            return vote
    return vote
