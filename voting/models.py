"""Secret votes: the rule, the voters' roll, who has voted, and the ballots.

Secrecy by construction: a Participation (that someone voted) and a Ballot (what was chosen)
are written in one transaction but share no key, timestamp or ordering column. Ballots carry
a random id and only the vote's id; see ``services.vote_close`` for the PostgreSQL ``xmin``.
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

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # The result, stored at closing and final.
    eligible_count = models.PositiveIntegerField(_("eligible"), null=True, blank=True)
    cast_count = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)
    yes_count = models.PositiveIntegerField(_("yes"), null=True, blank=True)
    no_count = models.PositiveIntegerField(_("no"), null=True, blank=True)
    abstain_count = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["process", "kind", "round"]
        constraints = [
            models.UniqueConstraint(fields=["process", "kind", "round"], name="vote_round_unique"),
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
        return f"{self.process} – {self.get_kind_display()} ({self.round})"

    @property
    def rule(self) -> dict:
        """The rule as JSON-ready data (recorded in decisions, shown on the ballot)."""
        return {
            "base": self.base,
            "majority": [self.majority_numerator, self.majority_denominator],
            "quorum_percentage": self.quorum_percentage,
        }


class Voter(models.Model):
    """One line of the voters' roll, frozen when the vote opens.

    ``category`` and ``unit_name`` are snapshots at opening (for turnout per unit).
    Only the SHA-256 of the personal token is stored.
    """

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="voters")
    staff_member = models.ForeignKey(
        "units.StaffMember", on_delete=models.PROTECT, related_name="voters"
    )
    category = models.CharField(_("staff category"), max_length=3)
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters' roll")
        ordering = ["vote", "staff_member__name"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "staff_member"], name="voter_once_per_vote"),
        ]

    def __str__(self):
        return str(self.staff_member)


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

    A random id, the vote, the choice and the hash of the receipt code shown once to the
    voter. No time, no voter, no participation.
    """

    class Choice(models.TextChoices):
        YES = "yes", pgettext_lazy("vote choice", "yes")
        NO = "no", pgettext_lazy("vote choice", "no")
        ABSTAIN = "abstain", pgettext_lazy("vote choice", "abstain")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["id"]

    def __str__(self):
        return str(self.get_choice_display())
