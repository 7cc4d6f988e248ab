"""Reads for the vote pages: the current round, turnout, results."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from processes.models import SchoolRole

from . import keys
from .models import Vote, Voter
from .tally import TallyResult, tally

MIN_GROUP = 5  # turnout per unit only for units with at least this many voters


@dataclass(frozen=True)
class TurnoutRow:
    label: str
    eligible: int
    voted: int

    @property
    def percentage(self) -> Decimal:
        """Turnout in %, one decimal."""
        if not self.eligible:
            return Decimal("0.0")
        exact = Decimal(self.voted * 100) / self.eligible
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Turnout:
    total: TurnoutRow
    units: list[TurnoutRow]
    hidden_units: int  # units not shown separately (see vote_turnout)


def agreement_votes(process):
    """Every round of the vote on the agreement, oldest first."""
    return list(
        Vote.objects.filter(process=process, kind=Vote.Kind.AGREEMENT)
        .select_related("agreement")
        .prefetch_related("questions", "key_holders__user")
        .order_by("round")
    )


def vote_turnout(vote) -> Turnout:
    """How many on the roll have voted: in total, and per unit for units of at least 5 voters.

    Voters outside any unit and in smaller units count in the total only. If those together
    are fewer than 5, the smallest shown units join them, so that the total minus the units
    shown never gives away the turnout of fewer than 5 people. One query.
    """
    rows = (
        Voter.objects.filter(vote=vote)
        .order_by()
        .values("unit_name")
        .annotate(eligible=Count("pk"), voted=Count("pk", filter=Q(participation__isnull=False)))
    )
    shown = [
        TurnoutRow(r["unit_name"], r["eligible"], r["voted"])
        for r in rows
        if r["unit_name"] and r["eligible"] >= MIN_GROUP
    ]
    total = TurnoutRow("", sum(r["eligible"] for r in rows), sum(r["voted"] for r in rows))
    rest = total.eligible - sum(row.eligible for row in shown)
    shown.sort(key=lambda row: (row.eligible, row.label.lower()))
    while shown and 0 < rest < MIN_GROUP:
        rest += shown.pop(0).eligible
    units_total = len({r["unit_name"] for r in rows if r["unit_name"]})
    shown.sort(key=lambda row: row.label.lower())
    return Turnout(total, shown, units_total - len(shown))


def agreement_lock(process) -> str | None:
    """While staff vote on the agreement, steps 1-4 cannot be reopened or changed."""
    vote = (
        Vote.objects.filter(process=process, kind=Vote.Kind.AGREEMENT, state=Vote.State.OPEN)
        .only("closes_at")
        .first()
    )
    if vote is None:
        return None
    when = formats.date_format(timezone.localtime(vote.closes_at), "DATETIME_FORMAT")
    return _(
        "Staff are voting on this agreement until %(when)s. The PMR can cancel the vote first "
        "if the agreement must change."
    ) % {"when": when}


def vote_counted(vote) -> TallyResult:
    """A closed vote's stored counts under its rule: what its result page shows."""
    return tally(
        eligible=vote.eligible_count,
        yes=vote.yes_count,
        no=vote.no_count,
        abstain=vote.abstain_count,
        base=vote.base,
        numerator=vote.majority_numerator,
        denominator=vote.majority_denominator,
        quorum_percentage=vote.quorum_percentage,
    )


# --- the key that counts the vote (``services.custody``) ---------------------------------------

# What a page says about the key of an open vote (``key_status``).
KEY_READY = "ready"  # ballots are sealed and, when the time comes, can be counted
KEY_HANDOVER = "handover"  # key holders still have to take over their shares
KEY_SHARES_NEEDED = "shares_needed"  # time to count: key holders must type in their shares
KEY_LOST = "lost"  # the server's copy of the key is missing
KEY_UNAVAILABLE = "unavailable"  # the key folder itself is not there on this machine


KEY_HOLDER_ROLES = [SchoolRole.Role.PMR, SchoolRole.Role.DIRECTOR]


def key_holder_candidates(process):
    """Who may hold a share of the key: the school's PMR members and directors."""
    return (
        get_user_model()
        .objects.filter(
            school_roles__school_id=process.school_id,
            school_roles__role__in=KEY_HOLDER_ROLES,
        )
        .distinct()
        .order_by("name", "email")
    )


def is_due_for_counting(vote, now=None) -> bool:
    """An open vote whose closing time has passed, or in which everyone on the roll voted."""
    now = now or timezone.now()
    if vote.state != Vote.State.OPEN:
        return False
    if now >= vote.closes_at:
        return True
    return not vote.voters.filter(participation__isnull=True).exists()


def entered_positions(vote) -> set[int]:
    """The key shares typed in so far to count ``vote`` (they wait in the key folder)."""
    return {h.position for h in vote.key_holders.all() if h.share_entered}


def key_status(vote) -> str:
    """KEY_READY, KEY_HANDOVER, KEY_SHARES_NEEDED, KEY_LOST or KEY_UNAVAILABLE, for an open
    vote. Lost means the key folder is there and the key is not: only then may a vote be
    declared void; a folder that is not there (not mounted) is a matter for the operator."""
    if vote.key_custody == Vote.KeyCustody.HOLDERS:
        if not vote.keys_ready:
            return KEY_HANDOVER
        return KEY_SHARES_NEEDED if is_due_for_counting(vote) else KEY_READY
    try:
        if vote.key_id and not keys.secret_exists(vote.key_id, keys.PRIVATE):
            return KEY_LOST
    except keys.FolderUnavailable:
        return KEY_UNAVAILABLE
    return KEY_READY


@dataclass(frozen=True)
class KeyPanel:
    """The key of the current vote as its pages show it."""

    custody: str
    status: str | None  # key_status while the vote is open
    holders: list  # KeyHolder rows (user loaded), each with ``entered``
    is_holder: bool  # the viewer holds a share
    entered: int  # shares typed in to count


def vote_key_panel(vote, user) -> KeyPanel:
    """The key of ``vote`` for its pages; uses the holders prefetched by ``agreement_votes``."""
    holders = list(vote.key_holders.all())
    status = key_status(vote) if vote.state == Vote.State.OPEN else None
    entered = entered_positions(vote) if status == KEY_SHARES_NEEDED else set()
    for holder in holders:
        holder.entered = holder.position in entered
    return KeyPanel(
        custody=vote.key_custody,
        status=status,
        holders=holders,
        is_holder=any(h.user_id == user.pk for h in holders),
        entered=len(entered),
    )


# --- the ballot page: what every voter of an open vote sees the same -----------------------

BALLOT_CACHE_SECONDS = 10 * 60


def ballot_cache_key(what, vote) -> str | None:
    """A key for ``what`` of an opened vote (its key id is random: never reused by another
    vote); None for a draft, whose rule and questions may still change."""
    if vote.state == Vote.State.DRAFT or vote.key_id is None:
        return None
    return f"ballot-{what}:{vote.pk}:{vote.key_id}"


def ballot_frame_attach(vote) -> Vote:
    """Give ``vote`` its process (with the school), unit and frozen agreement (its content
    deferred: ``processes.agreement.version_body_html`` caches the text).

    None of them changes while the vote is open (the agreement is frozen, the process and the
    unit are fixed at creation); only a school's or unit's new name would show up to ten
    minutes late on the ballot. Read once per process and vote, then from the cache, so a
    ballot page and a cast do not join them again.
    """
    key = ballot_cache_key("frame", vote)
    frame = cache.get(key) if key else None
    if frame is None:
        row = (
            Vote.objects.select_related("process__school", "agreement", "unit")
            .defer("agreement__content")
            .get(pk=vote.pk)
        )
        frame = (row.process, row.agreement, row.unit)
        if key:
            cache.set(key, frame, BALLOT_CACHE_SECONDS)
    vote.process, vote.agreement, vote.unit = frame
    return vote


def ballot_questions(vote) -> list:
    """The appreciation questions of ``vote`` in order; fixed once it has opened, so cached."""
    key = ballot_cache_key("questions", vote)
    questions = cache.get(key) if key else None
    if questions is None:
        questions = list(vote.questions.all())
        if key:
            cache.set(key, questions, BALLOT_CACHE_SECONDS)
    return questions
