"""The workload survey: a questionnaire per school year, sent in rounds, answered anonymously.

Anonymity by construction, as for the secret vote (``voting.models``): that someone answered
(SurveyParticipation, linked to a person on the round's roll) and what they answered
(SurveyResponse) are written in one transaction but share no key, timestamp or ordering column.
A response carries a random id, its round, the coarse background the respondent chose (staff
category, unit, fte band) and the answers; nothing else. ``services.rounds.round_close``
rewrites the responses with new random ids in one shuffled batch (the PostgreSQL ``xmin``
argument of ``voting.services.closing.vote_close``).

The questionnaire's content is data (JSON, see ``content.py``): the default shipped by
migration 0002 as a SurveyTemplate, copied into each year's Questionnaire, frozen into each
SurveyRound when the round is sent.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyTemplate(models.Model):
    """Reference data: the default questionnaire a school year starts from (editable in admin)."""

    key = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")

    def __str__(self):
        return self.name


class Questionnaire(models.Model):
    """The questionnaire of one school year (process); editable until its first round is sent."""

    process = models.OneToOneField(
        "processes.Process",
        on_delete=models.PROTECT,
        related_name="questionnaire",
        verbose_name=_("process"),
    )
    content = models.JSONField(_("content"))
    # Which questionnaire it started from: the template's key or last year's (for the record).
    based_on = models.CharField(_("based on"), max_length=100, blank=True)
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return str(self.process)


class SurveyRound(models.Model):
    """One sending of the questionnaire: the baseline or the follow-up of a school year.

    ``content`` and ``measures`` are frozen when the round is sent (what it asked, exactly).
    """

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("baseline")
        FOLLOW_UP = "follow_up", _("follow-up")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds"
    )
    kind = models.CharField(_("round"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    content = models.JSONField(_("questionnaire as sent"))
    content_hash = models.CharField(_("SHA-256"), max_length=64)
    # The ratified plan's measures asked about: [{"key": "12", "title": "..."}].
    measures = models.JSONField(_("measures asked about"), default=list, blank=True)
    units = models.JSONField(_("units offered"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The key that seals the responses while the round is open (as a vote's ballots: only the
    # public half here, the private half in the key folder until the round closes).
    key_id = models.UUIDField(null=True, blank=True, editable=False)
    public_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["questionnaire", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "kind"], name="survey_round_once"),
        ]

    def __str__(self):
        return f"{self.questionnaire} – {self.get_kind_display()}"

    @property
    def process(self):
        return self.questionnaire.process


class Invitee(models.Model):
    """One line of the round's roll (every active staff member when it was sent)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="invitees")
    staff_member = models.ForeignKey(
        "units.StaffMember", on_delete=models.PROTECT, related_name="survey_invitations"
    )

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        constraints = [
            models.UniqueConstraint(fields=["round", "staff_member"], name="invitee_once"),
        ]

    def __str__(self):
        return str(self.staff_member)


class SurveyToken(models.Model):
    """A personal link's code; only its SHA-256 is stored.

    E-mailed codes add up (the invitation's and the reminder's). A printed sheet replaces every
    earlier code of the invitee, so only the sheet works from then on; the sheet's row is the
    record that a sheet was printed (never the code itself).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SHEET = "sheet", _("printed sheet")

    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(
        _("sent by"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )

    class Meta:
        verbose_name = _("personal survey code")
        verbose_name_plural = _("personal survey codes")

    def __str__(self):
        return str(self.invitee)


class SurveyReminder(models.Model):
    """That a reminder went to an invitee: at most once per invitee and occasion.

    Written before the e-mail goes out; the unique constraint stops a second send when the task
    is retried or runs twice at the same time. No time is stored.
    """

    invitee = models.ForeignKey(Invitee, on_delete=models.CASCADE, related_name="reminders")
    occasion = models.CharField(_("occasion"), max_length=30)  # "reminder-3"

    class Meta:
        verbose_name = _("survey reminder")
        verbose_name_plural = _("survey reminders")
        constraints = [
            models.UniqueConstraint(fields=["invitee", "occasion"], name="survey_reminder_once"),
        ]

    def __str__(self):
        return f"{self.invitee}: {self.occasion}"


class SurveyParticipation(models.Model):
    """That an invitee has answered: nothing else (no time, no order, a random id)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invitee = models.OneToOneField(Invitee, on_delete=models.CASCADE, related_name="participation")

    class Meta:
        verbose_name = _("survey participation")
        verbose_name_plural = _("survey participations")

    def __str__(self):
        return str(self.invitee)


class FteBand(models.TextChoices):
    SMALL = "lt05", _("less than 0.5 fte")
    MEDIUM = "05_08", _("0.5 to 0.8 fte")
    LARGE = "gt08", _("more than 0.8 fte")


class SurveyResponse(models.Model):
    """What was answered, and nothing that leads to who answered it.

    A random id, the round, the background the respondent chose (blank: not stated) and the
    answers (see ``content.py``). No time, no person, no token, no participation. While the
    round is open only ``sealed`` holds them (``{"b": background, "a": answers}``, sealed to the
    round's key); closing writes every response again in the clear.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    category = models.CharField(_("staff category"), max_length=3, blank=True)
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    fte_band = models.CharField(_("fte band"), max_length=5, choices=FteBand.choices, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    sealed = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["id"]
        constraints = [
            # Sealed: nothing readable beside it.
            models.CheckConstraint(
                condition=models.Q(sealed__isnull=True)
                | models.Q(category="", unit_name="", fte_band=""),
                name="survey_response_sealed_or_open",
            ),
        ]

    def __str__(self):
        return str(self.round)
