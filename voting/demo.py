"""The demo's vote: the PMR has signed step 3 and opened the staff vote; about two thirds of
the staff have voted. The demo teacher (docent@) has not, so the vote can be tried."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from processes import agreement
from processes import services as process_services
from processes.models import ProcessStep

from .models import Vote, VoterMessage
from .services.casting import ballot_cast
from .services.vote import vote_create, vote_open

DEMO_QUESTIONS = [
    "Hoe tevreden ben je over de indeling in eenheden?",
    "Hoe tevreden ben je over de verdeling van het budget over de eenheden?",
    "Hoe tevreden ben je over de kaders voor de plannen?",
]
# Demo accounts that have not voted yet, so they can try the ballot.
NOT_YET_VOTED = {"docent", "pmr", "pmr2", "directeur", "stuurgroep"}


@transaction.atomic
def demo_vote(process, users) -> Vote | None:
    """Open the demo vote with ballots already cast (idempotent: once per process)."""
    votes = process.votes.filter(kind=Vote.Kind.AGREEMENT)
    if votes.exists():
        return votes.order_by("-round").first()
    step3 = process.steps.get(number=3)
    if step3.state != ProcessStep.State.OPEN:
        return None
    pmr = users["pmr"]
    process_services.step_sign_off(step=step3, actor=pmr, grounds="Kaders besproken in de PMR.")
    agreement.agreement_freeze(process=process, actor=pmr)
    now = timezone.now()
    vote = vote_create(
        process=process,
        actor=pmr,
        opens_at=now - datetime.timedelta(days=2),
        closes_at=(now + datetime.timedelta(days=5)).replace(
            hour=16, minute=0, second=0, microsecond=0
        ),
        base=Vote.Base.VOTES_CAST,
        quorum_percentage=50,
        reminder_days=[3, 1],
        questions=DEMO_QUESTIONS,
    )
    vote = vote_open(vote=vote, actor=pmr)
    demo_emails = {u.email for local, u in users.items() if local in NOT_YET_VOTED}
    voters = list(vote.voters.select_related("staff_member").order_by("pk"))
    # The invitations went out two days ago, except the demo teacher's: the worker sends it now.
    VoterMessage.objects.bulk_create(
        VoterMessage(voter=v, occasion="invitation")
        for v in voters
        if v.staff_member.email != users["docent"].email
    )
    rng = random.Random(4)  # noqa: S311 - demo data, not security
    for voter in voters:
        if voter.staff_member.email in demo_emails or rng.random() > 0.68:
            continue
        choice = rng.choices(["yes", "no", "abstain"], weights=[7, 2, 1])[0]
        appreciation = {
            str(p): rng.choice([2, 3, 4, 4, 5]) for p in (1, 2, 3) if rng.random() < 0.8
        }
        ballot_cast(vote=vote, voter=voter, choice=choice, appreciation=appreciation)
    return vote
