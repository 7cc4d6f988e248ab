"""Paper ballots from a meeting, entered by two PMR tellers together (four eyes).

The first teller records who handed in a ballot and the counts. The second teller, another
PMR member, types the counts again without seeing the first entry; only when both agree are
the voters marked as voted and the ballots added, sealed, in one transaction. The first
teller's counts are kept only as a keyed hash (see ``PaperBatch``). A person can be on one
waiting entry only, so a form sent twice does not enter the same ballots twice.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.mail import board_message
from processes.services import decision_record, require_perm
from werkdruk import outbox
from werkdruk.exceptions import DomainError

from ..models import Ballot, PaperBatch, Participation, Vote, Voter
from ..sealing import seal
from . import custody
from .common import AGREEMENT_STEP, ensure_accepting, lock_vote


def _counts(yes, no, abstain) -> tuple[int, int, int]:
    try:
        counts = tuple(int(n) for n in (yes, no, abstain))
    except (TypeError, ValueError):
        raise DomainError(_("Enter the number of yes, no and abstain ballots.")) from None
    if min(counts) < 0:
        raise DomainError(_("A number of ballots cannot be negative."))
    return counts


def _names_already_voted(voters) -> list[str]:
    return sorted(
        Voter.objects.filter(
            pk__in=[v.pk for v in voters], participation__isnull=False
        ).values_list("staff_member__name", flat=True)
    )


@transaction.atomic
def paper_batch_enter(*, vote, actor, voters, yes, no, abstain, description="") -> PaperBatch:
    """The first teller's entry: who handed in a paper ballot and how many yes/no/abstain."""
    vote = lock_vote(vote)
    require_perm(actor, "voting.manage_vote", vote)
    ensure_accepting(vote)
    if vote.kind == Vote.Kind.UNIT_MEASURES:
        raise DomainError(_("A choice of measures is cast online only: paper counts no options."))
    yes, no, abstain = _counts(yes, no, abstain)
    voters = list(Voter.objects.filter(vote=vote, pk__in=[v.pk for v in voters]))
    if not voters:
        raise DomainError(_("Tick the voters who handed in a paper ballot."))
    if yes + no + abstain != len(voters):
        raise DomainError(
            _("Ballots counted: %(ballots)s; voters ticked: %(voters)s. The numbers must match.")
            % {"ballots": yes + no + abstain, "voters": len(voters)}
        )
    already = _names_already_voted(voters)
    if already:
        raise DomainError(
            _("Already voted, so they cannot hand in a paper ballot:"), details=already
        )
    waiting = sorted(
        PaperBatch.voters.through.objects.filter(
            voter__in=voters, paperbatch__state=PaperBatch.State.PENDING
        ).values_list("voter__staff_member__name", flat=True)
    )
    if waiting:
        raise DomainError(
            _("Already on an entry waiting for the second teller (entered twice?):"),
            details=waiting,
        )
    batch = PaperBatch.objects.create(
        vote=vote,
        description=description.strip(),
        ballot_count=len(voters),
        counts_mac=custody.counts_mac(vote, (yes, no, abstain)),
        entered_by=actor,
    )
    batch.voters.set(voters)
    return batch


@transaction.atomic
def paper_batch_confirm(*, batch, actor, yes, no, abstain) -> PaperBatch:
    """The second teller's entry: the counts typed again; equal counts add the ballots."""
    batch = PaperBatch.objects.select_for_update().get(pk=batch.pk)
    vote = lock_vote(batch.vote)
    require_perm(actor, "voting.manage_vote", vote)
    ensure_accepting(vote)
    if batch.state != PaperBatch.State.PENDING:
        raise DomainError(_("These paper ballots have already been counted."))
    if batch.entered_by_id == actor.pk:
        raise DomainError(_("The second teller must be a different PMR member from the first."))
    yes, no, abstain = _counts(yes, no, abstain)
    if not custody.counts_match(vote, (yes, no, abstain), batch.counts_mac):
        raise DomainError(
            _("Your counts differ from the first teller's. Count the ballots again together.")
        )
    voters = list(batch.voters.select_for_update(of=("self",)).select_related("staff_member"))
    already = _names_already_voted(voters)
    if already:
        raise DomainError(
            _("Voted online in the meantime; discard this entry and enter it again without:"),
            details=already,
        )
    try:
        with transaction.atomic():
            Participation.objects.bulk_create(Participation(voter=v) for v in voters)
    except IntegrityError:
        raise DomainError(_("Someone on this list has voted in the meantime.")) from None
    Choice = Ballot.Choice
    choices = [Choice.YES] * yes + [Choice.NO] * no + [Choice.ABSTAIN] * abstain
    Ballot.objects.bulk_create(
        Ballot(vote=vote, sealed=seal(vote.public_key, {"c": c, "a": {}, "r": None}))
        for c in choices
    )
    batch.state = PaperBatch.State.CONFIRMED
    batch.confirmed_by = actor
    batch.counts_mac = ""  # compared; kept, it could still be tried against the few counts
    batch.save(update_fields=["state", "confirmed_by", "counts_mac"])
    batch.voters.clear()  # the counts stay; the names need not (see PaperBatch)
    recipients = [(v.staff_member.name, v.staff_member.email) for v in voters]
    _paper_voters_notify(vote, batch.description, recipients)  # outbox, this transaction
    decision_record(
        process=vote.process,
        step_number=AGREEMENT_STEP,
        action="voting.paper.counted",
        summary=gettext_noop(
            "Paper ballots of round %(round)s counted by %(first)s and %(second)s: %(count)s."
        ),
        params={
            "count": batch.ballot_count,
            "round": vote.round,
            "first": str(batch.entered_by),
            "second": str(actor),
        },
        actor=actor,
        content={"batch": batch.pk, "ballots": batch.ballot_count, "round": vote.round},
    )
    return batch


def _paper_voters_notify(vote, meeting, recipients):
    """Tell each paper voter that a paper ballot was counted in their name.

    Whoever did not hand one in can then say so: two tellers cannot quietly vote for absent
    colleagues. The e-mail says nothing about any choice.
    """
    with translation.override(settings.LANGUAGE_CODE):
        context = {"school": vote.process.school.name, "round": vote.round, "meeting": meeting}
        subject = (
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + _("Your paper ballot was counted: %(school)s") % context
        )
        messages = [
            board_message(
                vote.process.school.board,
                subject,
                render_to_string("voting/email/paper_counted.txt", {**context, "name": name}),
                email,
                cause="voting.paper_counted",
                cause_id=vote.pk,
            )
            for name, email in recipients
        ]
    outbox.enqueue_many(messages)


@transaction.atomic
def paper_batch_discard(*, batch, actor) -> None:
    """Throw away an entry that the second teller has not confirmed (a mistake, a recount)."""
    batch = PaperBatch.objects.select_for_update().select_related("vote").get(pk=batch.pk)
    vote = batch.vote
    require_perm(actor, "voting.manage_vote", vote)
    if batch.state != PaperBatch.State.PENDING:
        raise DomainError(_("Counted paper ballots cannot be discarded."))
    decision_record(
        process=vote.process,
        step_number=AGREEMENT_STEP,
        action="voting.paper.discarded",
        summary=gettext_noop(
            "An entry of %(count)s paper ballots of round %(round)s by %(first)s was discarded."
        ),
        params={"count": batch.ballot_count, "round": vote.round, "first": str(batch.entered_by)},
        actor=actor,
        content={"batch": batch.pk, "ballots": batch.ballot_count, "round": vote.round},
    )
    batch.delete()
