import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import BOARD_STEP, STEPS


class Board(models.Model):
    """A school board (schoolbestuur): the legal employer of one or more schools."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    sender_name = models.CharField(
        _("sender name for e-mails"),
        max_length=100,
        blank=True,
        help_text=_("Shown as the sender of the e-mails to this board's staff."),
    )
    reply_to = models.EmailField(
        _("reply-to address"),
        blank=True,
        help_text=_("Where replies to the e-mails to this board's staff go."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep staff data for (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "Staff of processes that ended longer ago than this are removed (pseudonymised). "
            "Empty: kept until removed by hand."
        ),
    )

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchoolYearQuerySet(models.QuerySet):
    def for_date(self, day: datetime.date) -> "SchoolYear":
        start = day.year if day.month >= 8 else day.year - 1
        return self.get_or_create(start_year=start)[0]

    def current(self) -> "SchoolYear":
        return self.for_date(timezone.localdate())


class SchoolYear(models.Model):
    """A school year, 1 August to 31 July, written "2025-2026"."""

    start_year = models.PositiveSmallIntegerField(
        _("first calendar year"), unique=True, validators=[MinValueValidator(2000)]
    )

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["start_year"]

    def __str__(self):
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.start_year, 8, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 7, 31)

    @property
    def reference_date(self) -> datetime.date:
        """Pupil counts are taken on 1 October."""
        return datetime.date(self.start_year, 10, 1)

    def previous(self) -> "SchoolYear":
        return SchoolYear.objects.get_or_create(start_year=self.start_year - 1)[0]

    def next(self) -> "SchoolYear":
        return SchoolYear.objects.get_or_create(start_year=self.start_year + 1)[0]


brin_validator = RegexValidator(
    r"^[0-9]{2}[A-Z]{2}([0-9]{2})?$",
    _("A BRIN code is two digits and two capital letters, optionally followed by two digits."),
)


class School(models.Model):
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="schools", verbose_name=_("board")
    )
    name = models.CharField(_("name"), max_length=200)
    brin = models.CharField(_("BRIN code"), max_length=6, unique=True, validators=[brin_validator])
    city = models.CharField(_("city"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("The language of the school's documents and decision list."),
    )

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PupilCount(models.Model):
    """The number of pupils of a school on the reference date of a school year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupil_counts")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    pupil_count = models.PositiveIntegerField(_("pupil count"))

    class Meta:
        verbose_name = _("pupil count")
        verbose_name_plural = _("pupil counts")
        ordering = ["school", "school_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="pupil_count_unique"),
        ]

    def __str__(self):
        return f"{self.school} {self.school_year}: {self.pupil_count}"


class BoardAdministrator(models.Model):
    """A user who administers a board: distributes its funds, follows its schools."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_roles"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="administrators")

    class Meta:
        verbose_name = _("board administrator")
        verbose_name_plural = _("board administrators")
        ordering = ["board", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="board_admin_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.board})"


class GmrMember(models.Model):
    """A member of the board's participation council (GMR): reads the board's step 0."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gmr_roles"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="gmr_members")

    class Meta:
        verbose_name = _("GMR member")
        verbose_name_plural = _("GMR members")
        ordering = ["board", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="gmr_member_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.board})"


class SchoolRole(models.Model):
    """A role a user holds at one school."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("director")
        PMR = "pmr", _("PMR member")
        STEERING = "steering", _("steering group member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_roles"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("school role")
        verbose_name_plural = _("school roles")
        ordering = ["school", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="school_role_unique"),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} ({self.school})"


class BoardProcess(models.Model):
    """The board's step 0 for one school year: distributing its funds over the schools."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="processes")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("board process")
        verbose_name_plural = _("board processes")
        ordering = ["board", "school_year"]
        constraints = [
            models.UniqueConstraint(fields=["board", "school_year"], name="board_process_unique"),
        ]

    def __str__(self):
        return f"{self.board} {self.school_year}"

    @property
    def definition(self):
        return BOARD_STEP


class Process(models.Model):
    """One school's run of the procedure (steps 1-11) for one school year."""

    class Kind(models.TextChoices):
        FULL = "full", _("full procedure")
        LIGHT = "light", _("light procedure (in the spirit of the CAO)")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="processes")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FULL)
    reminder_lead_days = models.PositiveSmallIntegerField(
        _("reminder lead time (days)"),
        default=7,
        help_text=_("How many days before a step's planned date its actors get a reminder."),
    )
    created_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["school", "-school_year__start_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="process_unique"),
        ]

    def __str__(self):
        return f"{self.school} {self.school_year}"

    @property
    def is_light(self) -> bool:
        return self.kind == self.Kind.LIGHT


class ProcessStep(models.Model):
    """The state of one step of a process. Changed only by `processes.services`."""

    class State(models.TextChoices):
        LOCKED = "locked", _("waiting for earlier steps")
        OPEN = "open", _("open")
        DONE = "done", _("done")
        SKIPPED = "skipped", _("skipped")

    class AgreedActor(models.TextChoices):
        """Who does a step for which the CAO names no actor."""

        DIRECTOR = "director", _("director")
        PMR = "pmr", _("PMR")
        BOTH = "both", _("director and PMR jointly")
        STEERING = "steering", _("steering group")
        EXTERNAL = "external", _("external facilitator")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.LOCKED)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    agreed_actor = models.CharField(
        _("agreed actor"), max_length=10, choices=AgreedActor.choices, blank=True
    )
    agreed_actor_detail = models.CharField(
        _("name of the facilitator or group"), max_length=200, blank=True
    )
    # A proposal of who carries out the step, by one side (director or PMR), waiting for the
    # other side's agreement. ``agreed_actor`` above is only what both sides agreed.
    proposed_actor = models.CharField(
        _("proposed actor"), max_length=10, choices=AgreedActor.choices, blank=True
    )
    proposed_actor_detail = models.CharField(
        _("proposed name of the facilitator or group"), max_length=200, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_side = models.CharField(_("proposed on behalf of"), max_length=10, blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    # Bumped on every proposal: an agreement or rejection names the proposal it answers.
    proposal_number = models.PositiveIntegerField(default=0)
    # Bumped on every reopening: sign-offs of an earlier revision no longer count.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="process_step_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=11), name="process_step_number_range"
            ),
        ]

    def __str__(self):
        return f"{self.process}: {self.number}. {self.definition.label}"

    @property
    def definition(self):
        return STEPS[self.number]

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.SKIPPED)

    @property
    def is_overdue(self) -> bool:
        return (
            self.state == self.State.OPEN
            and self.planned_date is not None
            and self.planned_date < timezone.localdate()
        )


class SignOff(models.Model):
    """One side's confirmation of a joint (PMR+D) step, for one revision of that step."""

    class Side(models.TextChoices):
        DIRECTOR = "director", _("director")
        PMR = "pmr", _("PMR")

    step = models.ForeignKey(ProcessStep, on_delete=models.CASCADE, related_name="sign_offs")
    revision = models.PositiveIntegerField()
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["step", "revision", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["step", "revision", "side"], name="sign_off_unique"),
        ]

    def __str__(self):
        return f"{self.step} – {self.get_side_display()} ({self.user})"


class Decision(models.Model):
    """A recorded decision: who, when, what (the content as it was) and on what grounds.

    Never edited or deleted after it is written; corrections are new decisions.
    """

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="decisions")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    step_number = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=100)
    summary = models.CharField(_("decision"), max_length=500)
    content = models.JSONField(_("content"), default=dict, blank=True)
    grounds = models.TextField(_("grounds"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=200, blank=True)
    actor_role = models.CharField(_("as"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["process", "created_at"])]

    def __str__(self):
        return self.summary

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A recorded decision cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A recorded decision cannot be deleted."))


class StepReminder(models.Model):
    """Written before a reminder is sent, so a retried or duplicated task never sends twice."""

    step = models.ForeignKey(ProcessStep, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(max_length=50)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("step reminder")
        verbose_name_plural = _("step reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "user", "occasion"], name="step_reminder_once_per_occasion"
            ),
        ]

    def __str__(self):
        return f"{self.step} – {self.user} ({self.occasion})"


class AgreementVersion(models.Model):
    """The content of steps 1-3 frozen for the staff vote (step 4), with its SHA-256 hash.

    Staff vote on exactly one version; changing units, split or frameworks afterwards and
    preparing the vote again makes a new version.
    """

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="agreements")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("frozen at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("frozen agreement")
        verbose_name_plural = _("frozen agreements")
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="agreement_version_unique"),
        ]

    def __str__(self):
        return f"{self.process} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A frozen agreement cannot be changed."))
        super().save(*args, **kwargs)
