"""The dashboard's to-dos: staff on the roll of an open vote who have not voted yet, the key
holders of a vote whose key is split over people, and what step 4 asks of the PMR.

Registered with ``processes.registry`` from ``VotingConfig.ready()``.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from processes.models import AgreementVersion
from processes.predicates import user_roles
from processes.todos import Todo, school_roles

from .models import KeyHolder, Vote, Voter
from .selectors import is_due_for_counting


def agreement_vote_todos(user, steps) -> dict[int, list[Todo]]:
    """Step 4 for the PMR, who runs the vote: freeze the agreement, prepare the vote, open
    it. Nothing while it is open: it closes and is counted at its closing time (the key
    holders have their own to-do). Two queries for a PMR member, none for anyone else."""
    steps = [step for step in steps if "pmr" in school_roles(user, step.process.school_id)]
    if not steps:
        return {}
    ids = [step.process_id for step in steps]
    frozen = set(
        AgreementVersion.objects.filter(process_id__in=ids).values_list("process_id", flat=True)
    )
    latest = {
        vote.process_id: vote
        for vote in Vote.objects.filter(process_id__in=ids, kind=Vote.Kind.AGREEMENT)
        .only("process_id", "state", "round")
        .order_by("round")
    }
    todos: dict[int, list[Todo]] = {}
    for step in steps:
        vote = latest.get(step.process_id)
        if step.process_id not in frozen:
            text = _("Freeze the agreement of steps 1-3 that the staff will vote on")
            url = reverse("processes:agreement", args=[step.process_id])
        elif vote is None or vote.state == Vote.State.CLOSED:
            # A cancelled or void round leaves step 4 open: a new round is prepared.
            text = _("Prepare the staff vote on the agreement")
            url = reverse("voting:vote-manage", args=[step.process_id])
        elif vote.state == Vote.State.DRAFT:
            text = _("Check the prepared staff vote and open it")
            url = reverse("voting:vote-manage", args=[step.process_id])
        else:
            continue
        todos[step.process_id] = [Todo(text, url, step, step.is_overdue)]
    return todos


def _label(vote, closes) -> str:
    if vote.kind == Vote.Kind.UNIT_MEASURES:
        return _("Choose the measures of %(unit)s (closes on %(date)s)") % {
            "unit": vote.unit.name,
            "date": closes,
        }
    if vote.kind == Vote.Kind.UNIT_PLAN:
        return _("Vote on the plan of %(unit)s (closes on %(date)s)") % {
            "unit": vote.unit.name,
            "date": closes,
        }
    return _("Vote on the agreement (closes on %(date)s)") % {"date": closes}


def vote_todos(user, processes) -> dict[int, list[Todo]]:
    """ "Vote on the agreement" (or on a unit's plan) per process where ``user`` is on the roll
    of an open vote that takes ballots now and has not voted. No query for users who are
    nobody's staff, one else. The dashboard uses ``vote_and_key_todos``, which reads the open
    votes once for this and the key holders' to-dos.
    """
    staff = {p.pk for p in processes if p.school_id in user_roles(user)["staff"]}
    if not staff:
        return {}
    return _ballot_todos(_open_votes(user, sorted(staff), holders=False), staff, timezone.now())


def _open_votes(user, process_ids, *, holders=True) -> list[Vote]:
    """The open votes of ``process_ids``, in their order, each with whether ``user`` is on its
    roll and has not voted (``ballot_due``) and, for a key holder, whether they took over and
    typed in their share (``holder_collected``, ``holder_entered``: None for anyone else; not
    read without ``holders``): one query."""
    holder = KeyHolder.objects.filter(vote=OuterRef("pk"), user=user)
    votes = (
        Vote.objects.filter(process_id__in=process_ids, state=Vote.State.OPEN)
        .select_related("unit")
        .only(
            "process", "kind", "round", "state", "keys_ready", "opens_at", "closes_at", "unit__name"
        )
        .annotate(
            ballot_due=Exists(
                Voter.objects.filter(
                    vote=OuterRef("pk"), staff_member__user=user, participation__isnull=True
                )
            ),
        )
    )
    if not holders:  # not a school's director or PMR member: no key holder (cheaper query)
        return list(votes)
    return list(
        votes.annotate(
            holder_collected=Subquery(holder.values("collected")[:1]),
            holder_entered=Subquery(holder.values("share_entered")[:1]),
        )
    )


def _ballot_todos(votes, staff, now) -> dict[int, list[Todo]]:
    """The ballots ``user`` still has to cast among ``votes`` of the processes ``staff``,
    soonest closing first."""
    ballots = [
        vote
        for vote in votes
        if vote.process_id in staff
        and vote.ballot_due
        and vote.keys_ready
        and vote.opens_at <= now < vote.closes_at
    ]
    todos: dict[int, list[Todo]] = {}
    for vote in sorted(ballots, key=lambda vote: vote.closes_at):
        closes = formats.date_format(timezone.localtime(vote.closes_at), "j F Y H:i")
        todos.setdefault(vote.process_id, []).append(
            Todo(_label(vote, closes), reverse("voting:ballot", args=[vote.pk]))
        )
    return todos


def _key_todos(votes, holding, now, todos) -> None:
    """For a key holder of an open vote of the processes ``holding``: take over the key
    share, or type it in to count; added to ``todos``."""
    for vote in votes:
        if vote.process_id not in holding or getattr(vote, "holder_collected", None) is None:
            continue
        if not vote.holder_collected:
            label = _("Take over your key share of the staff vote (round %(round)s)")
        elif vote.keys_ready and not vote.holder_entered and is_due_for_counting(vote, now):
            label = _("Type in your key share to count the staff vote (round %(round)s)")
        else:
            continue
        todos.setdefault(vote.process_id, []).append(
            Todo(label % {"round": vote.round}, reverse("voting:key-share", args=[vote.pk]))
        )


def vote_and_key_todos(user, processes) -> dict[int, list[Todo]]:
    """The ballots to cast (``vote_todos``) and then the key holders' to-dos from one read of
    the open votes: one query for the school's staff, its PMR members and its director, none
    for anyone else (the provider registered)."""
    roles = user_roles(user)
    staff = {p.pk for p in processes if p.school_id in roles["staff"]}
    holding = {p.pk for p in processes if roles["schools"].get(p.school_id)}
    if not staff and not holding:
        return {}
    now = timezone.now()
    votes = _open_votes(user, sorted(staff | holding), holders=bool(holding))
    todos = _ballot_todos(votes, staff, now)
    _key_todos(votes, holding, now, todos)
    return todos
