"""Secret votes: the rule, the voters' roll, who has voted, and the ballots.

Secrecy by construction: a Participation (that someone voted) and a Ballot (what was chosen)
are written in one transaction but share no key, timestamp or ordering column. Ballots carry
a random id and only the vote's id. While the vote is open a ballot holds nothing readable: its
content is sealed to the vote's own key, whose private half is never in the database
(``voting.sealing``, ``voting.keys``). Closing opens the ballots, counts them and writes them
again, shuffled, in the clear (``services.closing.vote_close``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Vote(models.Model):
    """One vote (a round) under a rule that is fixed before it opens. Changed only by services."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("vote on the agreement (step 4)")
        UNIT_PLAN = "unit_plan", _("a unit's vote on its plan (step 8)")
        UNIT_MEASURES = "unit_measures", _("a unit's choice of measures within its budget (step 8)")

    class State(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Base(models.TextChoices):
        VOTES_CAST = "votes_cast", _("votes cast (yes, no and abstain)")
        YES_NO = "yes_no", _("yes and no votes only")
        ELIGIBLE = "eligible", _("everyone on the voters' roll")

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("rejected")
        INVALID = "invalid", _("invalid: quorum not met")
        CANCELLED = "cancelled", _("cancelled before closing")
        VOID = "void", _("void: the ballots could not be counted")

    class KeyCustody(models.TextChoices):
        SERVER = "server", _("kept by the server outside the database")
        HOLDERS = "holders", _("split over key holders")

    process = models.ForeignKey(
        "processes.Process",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("process"),
    )
    agreement = models.ForeignKey(
        "processes.AgreementVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("frozen agreement"),
    )
    # A unit's own vote (on its plan): the unit, whose active members form the roll, and the
    # version of what it votes on (the plan's revision), so a later version is not covered.
    unit = models.ForeignKey(
        "units.OrganisationalUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("unit"),
    )
    subject_revision = models.PositiveIntegerField(_("version voted on"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGREEMENT)
    round = models.PositiveIntegerField(_("round"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))

    # The rule, fixed before the vote opens.
    base = models.CharField(_("what counts as 100%"), max_length=20, choices=Base.choices)
    majority_numerator = models.PositiveSmallIntegerField(_("majority: more than (numerator)"))
    majority_denominator = models.PositiveSmallIntegerField(_("majority: denominator"))
    quorum_percentage = models.PositiveSmallIntegerField(
        _("quorum (minimum turnout, %)"), null=True, blank=True
    )
    # Days before closing on which voters who have not voted get a reminder, e.g. [3, 1].
    reminder_days = models.JSONField(_("reminders (days before closing)"), default=list, blank=True)

    # The key that seals the ballots (``voting.sealing``): chosen with the rule, made at opening.
    # Only the public half is here; ``key_id`` names the files of the private half (or of the
    # shares on their way to and from the key holders) outside the database.
    key_custody = models.CharField(
        _("key to count the vote"),
        max_length=10,
        choices=KeyCustody.choices,
        default=KeyCustody.SERVER,
    )
    key_id = models.UUIDField(null=True, blank=True, editable=False)
    public_key = models.CharField(max_length=64, blank=True, editable=False)
    # Ballots are taken only when the key is in place: at opening when the server keeps it,
    # once every key holder has collected their share otherwise.
    keys_ready = models.BooleanField(default=False, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # The result, stored at closing and final.
    eligible_count = models.PositiveIntegerField(_("eligible"), null=True, blank=True)
    cast_count = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)
    yes_count = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    no_count = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    abstain_count = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Per appreciation question (by position): {"average": "3.4", "distribution": [n1..n5], "n": n}
    appreciation_result = models.JSONField(_("appreciation results"), default=dict, blank=True)

    # A unit's choice of measures (kind unit_measures): the unit's budget, fixed at opening,
    # which every ballot's selection must fit; and at closing the chosen set
    # (``tally.measures_tally``): {"votes": {position: n}, "chosen": [positions], "total": "…"}.
    budget = models.DecimalField(
        _("budget"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    measures_result = models.JSONField(_("chosen measures"), default=dict, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["process", "kind", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "kind", "round"],
                condition=models.Q(unit__isnull=True),
                name="vote_round_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "kind", "round"],
                condition=models.Q(unit__isnull=False),
                name="vote_unit_round_unique",
            ),
            # The agreement is the whole school's vote; every other kind is a unit's own.
            models.CheckConstraint(
                condition=models.Q(kind="agreement", unit__isnull=True)
                | (~models.Q(kind="agreement") & models.Q(unit__isnull=False)),
                name="vote_unit_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(majority_numerator__gt=0)
                & models.Q(majority_numerator__lt=models.F("majority_denominator")),
                name="vote_majority_fraction",
            ),
            models.CheckConstraint(
                condition=models.Q(quorum_percentage__isnull=True)
                | models.Q(quorum_percentage__gte=0, quorum_percentage__lte=100),
                name="vote_quorum_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="vote_window_order"
            ),
        ]

    def __str__(self):
        if self.unit_id:
            return f"{self.process} – {self.unit} – {self.get_kind_display()} ({self.round})"
        return f"{self.process} – {self.get_kind_display()} ({self.round})"

    @property
    def step_number(self) -> int:
        """The procedure's step this vote belongs to (its decisions are recorded there)."""
        return KIND_STEPS[self.kind]

    @property
    def rule(self) -> dict:
        """The rule as JSON-ready data (recorded in decisions, shown on the ballot)."""
        return {
            "base": self.base,
            "majority": [self.majority_numerator, self.majority_denominator],
            "quorum_percentage": self.quorum_percentage,
        }


# The step of the procedure each kind of vote belongs to.
KIND_STEPS = {Vote.Kind.AGREEMENT: 4, Vote.Kind.UNIT_PLAN: 8, Vote.Kind.UNIT_MEASURES: 8}


class VoteOption(models.Model):
    """One candidate measure with its cost, in a unit's choice of measures within its budget.

    Fixed when the vote opens (a snapshot: a later change of the plan's measure does not
    change what was voted on). ``measure_id`` names the unit plan's measure it was taken from
    (a plain number, as voting sits below plans), or is empty for one entered on the set-up
    page.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2)
    measure_id = models.PositiveIntegerField(_("measure of the plan"), null=True, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["vote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="option_position_unique"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="option_cost_gte_0"),
        ]

    def __str__(self):
        return self.title


class Voter(models.Model):
    """One line of the voters' roll, frozen when the vote opens.

    ``category`` and ``unit_name`` are snapshots at opening (for turnout per unit).
    Personal links are VoterTokens.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="voters")
    staff_member = models.ForeignKey(
        "units.StaffMember", on_delete=models.PROTECT, related_name="voters"
    )
    category = models.CharField(_("staff category"), max_length=3)
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters' roll")
        ordering = ["vote", "staff_member__name"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "staff_member"], name="voter_once_per_vote"),
        ]

    def __str__(self):
        return str(self.staff_member)


class VoterToken(models.Model):
    """A personal code for one voter in one vote; only its SHA-256 is stored.

    A voter may hold several: the invitation and each reminder carry a fresh link, and a
    printed sheet another (printing again replaces the earlier sheet). All expire when the
    vote closes; after voting they open nothing but the "you have voted" page.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SHEET = "sheet", _("printed sheet")

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("sent by"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("personal code")
        verbose_name_plural = _("personal codes")

    def __str__(self):
        return f"{self.voter} ({self.get_channel_display()})"


class VoterMessage(models.Model):
    """That an invitation or reminder was sent to a voter: at most once per occasion.

    The row is written before the e-mail goes out; the unique constraint stops a second send
    when the task is retried or runs twice at the same time.
    """

    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="messages")
    occasion = models.CharField(_("occasion"), max_length=30)  # "invitation", "reminder-3"

    class Meta:
        verbose_name = _("message to a voter")
        verbose_name_plural = _("messages to voters")
        constraints = [
            models.UniqueConstraint(fields=["voter", "occasion"], name="voter_message_once"),
        ]

    def __str__(self):
        return f"{self.voter}: {self.occasion}"


class AppreciationQuestion(models.Model):
    """An optional question on the ballot: appreciation (1-5) of a part of the agreement.

    Fixed with the rule when the vote opens. Answers live on the ballot, by ``position``.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        verbose_name = _("appreciation question")
        verbose_name_plural = _("appreciation questions")
        ordering = ["vote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="question_position_unique"),
        ]

    def __str__(self):
        return self.text


class Participation(models.Model):
    """That a voter has voted: nothing else (no time, no order, a random id).

    The one-to-one makes a second participation of the same voter impossible.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    voter = models.OneToOneField(Voter, on_delete=models.CASCADE, related_name="participation")

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self):
        return str(self.voter)


class Ballot(models.Model):
    """What was chosen, and nothing that leads to who chose it.

    A random id, the vote, and while the vote is open only ``sealed``: the choice, the
    selection (in a choice of measures: the positions of the options chosen, choice "yes";
    an abstention selects nothing), the appreciation answers ({"1": 4, ...} by question
    position) and the hash of the receipt code shown once to the voter (none for a paper
    ballot), encrypted to the vote's key. Closing writes every ballot again with those in the
    clear and ``sealed`` empty. No time, no voter, no participation.
    """

    class Choice(models.TextChoices):
        YES = "yes", pgettext_lazy("vote choice", "yes")
        NO = "no", pgettext_lazy("vote choice", "no")
        ABSTAIN = "abstain", pgettext_lazy("vote choice", "abstain")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices, blank=True)
    appreciation = models.JSONField(_("appreciation"), default=dict, blank=True)
    selection = models.JSONField(_("options chosen"), default=list, blank=True)
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    sealed = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["id"]
        constraints = [
            # Sealed (nothing readable beside it) or counted (a choice, nothing sealed).
            models.CheckConstraint(
                condition=models.Q(sealed__isnull=False, choice="", receipt_hash__isnull=True)
                | (models.Q(sealed__isnull=True) & ~models.Q(choice="")),
                name="ballot_sealed_or_counted",
            ),
        ]

    def __str__(self):
        return str(self.get_choice_display()) if self.choice else "…"


class KeyHolder(models.Model):
    """One of the people who hold a share of a vote's private key (``Vote.KeyCustody.HOLDERS``).

    Chosen with the rule. At opening each gets a share (``position`` is its number); the
    server keeps a copy only until the holder has taken it over, typing it back to show it was
    stored correctly. To count, any two holders type their shares in again. ``share_hash``
    recognises a share (which holder's it is) and cannot restore it.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="key_holders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("key holder"),
    )
    position = models.PositiveSmallIntegerField(_("share number"))
    share_hash = models.CharField(max_length=64, blank=True, editable=False)
    collected = models.BooleanField(_("share taken over"), default=False)
    # Typed in to count (the share itself waits in the key folder, never here). Only a share
    # whose entry committed counts; the second share is never stored: it counts at once.
    share_entered = models.BooleanField(_("share typed in"), default=False)

    class Meta:
        verbose_name = _("key holder")
        verbose_name_plural = _("key holders")
        ordering = ["vote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "user"], name="key_holder_once_per_vote"),
            models.UniqueConstraint(fields=["vote", "position"], name="key_holder_position"),
        ]

    def __str__(self):
        return str(self.user)


class PaperBatch(models.Model):
    """Paper ballots from a meeting, entered by two PMR tellers.

    The first teller lists who handed in a ballot and the counts; the second teller, another
    PMR member, types the counts again without seeing them. Only when both agree are the
    voters marked as voted and the ballots added, sealed like any other (without receipts).
    The first teller's counts are never stored as such: only a keyed hash (``counts_mac``,
    its key outside the database with the vote's) to compare the second teller's with, so a
    small unanimous batch waiting for its second teller does not show how its people voted.
    The list of names is cleared once counted.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the second teller")
        CONFIRMED = "confirmed", _("counted")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="paper_batches")
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    description = models.CharField(_("meeting"), max_length=200, blank=True)
    voters = models.ManyToManyField(Voter, blank=True, related_name="+")
    ballot_count = models.PositiveIntegerField(_("ballots"))
    counts_mac = models.CharField(max_length=100, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first teller"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("second teller"),
    )

    class Meta:
        verbose_name = _("paper ballots")
        verbose_name_plural = _("paper ballots")
        ordering = ["vote", "pk"]

    def __str__(self):
        return f"{self.vote}: {self.ballot_count}"
