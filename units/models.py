import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

FTE_MIN = Decimal("0.0001")
FTE_MAX = Decimal("1.2")


class StaffCategory(models.TextChoices):
    OP = "OP", _("teaching staff (OP)")
    OOP = "OOP", _("support staff (OOP)")
    MT = "MT", _("management (MT)")


class EmailUnusable(models.TextChoices):
    NO_ADDRESS = "no_address", _("no e-mail address")
    REFUSED = "refused", _("refused by the mail server")
    MARKED = "marked", _("marked by hand")


class StaffMember(models.Model):
    """A person employed at one school. Someone working at two schools has two rows.

    The "address unusable" mark says that e-mail does not reach this person, so the pages
    that print personal code sheets offer them first. It belongs to the address: a member
    without one always has it, and a changed address clears it (``save``).
    """

    school = models.ForeignKey(
        "processes.School",
        on_delete=models.CASCADE,
        related_name="staff_members",
        verbose_name=_("school"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    category = models.CharField(_("staff category"), max_length=3, choices=StaffCategory.choices)
    function = models.CharField(_("function"), max_length=100, blank=True)
    department = models.CharField(
        _("department or team"),
        max_length=100,
        blank=True,
        help_text=_("Section, department or team as in the school's own staff list."),
    )
    fte = models.DecimalField(
        _("fte"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(FTE_MIN), MaxValueValidator(FTE_MAX)],
        help_text=_("Part-time factor (werktijdfactor); 1.0 is full time."),
    )
    active = models.BooleanField(_("active"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_memberships",
        verbose_name=_("user account"),
    )

    email_unusable_since = models.DateTimeField(
        _("e-mail address unusable since"), null=True, blank=True
    )
    email_unusable_reason = models.CharField(
        _("why the e-mail address is unusable"),
        max_length=10,
        choices=EmailUnusable.choices,
        blank=True,
    )
    pseudonymised_at = models.DateTimeField(
        _("personal data removed at"),
        null=True,
        blank=True,
        help_text=_("Set when the person's data was removed; the row stays as a placeholder."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(
                "school", Lower("email"), name="staff_member_email_unique_per_school"
            ),
            models.CheckConstraint(
                condition=models.Q(fte__gt=0, fte__lte=FTE_MAX), name="staff_member_fte_range"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        if self._email_mark_follows_address() and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "email_unusable_since",
                "email_unusable_reason",
            }
        super().save(*args, **kwargs)
        self._loaded_email = self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        member = super().from_db(db, field_names, values)
        if "email" in field_names:
            member._loaded_email = values[field_names.index("email")]
        return member

    @property
    def email_unusable(self) -> bool:
        return self.email_unusable_since is not None

    def _email_mark_follows_address(self) -> bool:
        """Clear the mark when the address changed (a new address may work); mark a member
        without an address. True when the mark changed."""
        loaded = getattr(self, "_loaded_email", None)
        changed = False
        if loaded is not None and loaded != self.email and self.email_unusable:
            self.email_unusable_since, self.email_unusable_reason = None, ""
            changed = True
        if not self.email and not self.email_unusable:
            self.email_unusable_since = timezone.now()
            self.email_unusable_reason = EmailUnusable.NO_ADDRESS
            changed = True
        return changed


class StaffImportJob(models.Model):
    """A confirmed staff import too large for one request, run by the background worker.

    The board report's job pattern, in small: the page polls the job's state and progress and
    shows the result or every row error. The import itself stays one transaction (all or
    nothing), so a lost worker leaves the staff list as it was. ``token`` is the signed
    preview (the rows as read, names and addresses included): it is cleared when the job
    finishes. ``row_errors`` keeps a refused import's messages for the page until the job is
    deleted, 7 days after it finished (``units.services.staff.JOB_KEEP_DAYS``, by the nightly
    ``staff_import_jobs_clean``).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        FAILED = "failed", _("not imported")

    school = models.ForeignKey(
        "processes.School", on_delete=models.CASCADE, related_name="staff_import_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    token = models.TextField(blank=True)
    choices = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # The counts of a done import (StaffImportResult's fields).
    result = models.JSONField(default=dict, blank=True)
    # A refused import: [[row number or None, [message, ...]], ...], in the requester's language.
    row_errors = models.JSONField(default=list, blank=True)
    # Any other failure: a msgid (English), translated when shown.
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff import job")
        verbose_name_plural = _("staff import jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.school} {self.created_at:%Y-%m-%d %H:%M} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return round(100 * self.progress_done / self.progress_total)


class FunctionCategory(models.Model):
    """A school's confirmed mapping from a function name in its HR export to a staff category,
    for staff lists without a category column. Kept for next year's import."""

    school = models.ForeignKey(
        "processes.School",
        on_delete=models.CASCADE,
        related_name="function_categories",
        verbose_name=_("school"),
    )
    function = models.CharField(_("function"), max_length=100)
    category = models.CharField(_("staff category"), max_length=3, choices=StaffCategory.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("function category")
        verbose_name_plural = _("function categories")
        ordering = ["school", "function"]
        constraints = [
            models.UniqueConstraint(
                "school", Lower("function"), name="function_category_unique_per_school"
            ),
        ]

    def __str__(self):
        return f"{self.function}: {self.category}"


AMOUNT = {"max_digits": 12, "decimal_places": 2}


class BoardAllocation(models.Model):
    """Step 0: the board's workload funds for a school year, divided over its schools.

    The shares are stored as shown. The board administrator fixes the proposal and submits it
    to the GMR (``submitted_at``), asking for its consent or its advice (``gmr_kind``); a GMR
    member records the GMR's decision. ``fixed_at`` is set (the distribution is final) only when
    the GMR consents or has given its advice; a refusal sends it back to the administrator.
    """

    class GmrKind(models.TextChoices):
        CONSENT = "consent", _("consent")
        ADVICE = "advice", _("advice")

    class GmrDecision(models.TextChoices):
        CONSENT = "consent", _("consent given")
        REFUSED = "refused", _("consent refused")
        ADVICE = "advice", _("advice given")

    board = models.ForeignKey(
        "processes.Board", on_delete=models.PROTECT, related_name="allocations"
    )
    school_year = models.ForeignKey(
        "processes.SchoolYear", on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField(_("total for the board"), **AMOUNT)
    board_office_fte = models.DecimalField(
        _("fte of the board office"),
        max_digits=8,
        decimal_places=4,
        default=Decimal("0"),
        help_text=_("When the board office keeps a share, it is sized by its share of all fte."),
    )
    board_office_amount = models.DecimalField(_("reserved for the board office"), **AMOUNT)
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted to the GMR at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gmr_kind = models.CharField(
        _("asked of the GMR"), max_length=10, choices=GmrKind.choices, blank=True
    )
    gmr_decision = models.CharField(
        _("decision of the GMR"), max_length=10, choices=GmrDecision.choices, blank=True
    )
    gmr_meeting_date = models.DateField(_("date of the GMR meeting"), null=True, blank=True)
    gmr_reasons = models.TextField(_("reasons of the GMR"), blank=True)
    gmr_recorded_at = models.DateTimeField(_("GMR decision recorded at"), null=True, blank=True)
    gmr_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("board allocation")
        verbose_name_plural = _("board allocations")
        ordering = ["board", "school_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "school_year"], name="board_allocation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="board_allocation_total_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.board} {self.school_year}"

    @property
    def awaiting_gmr(self) -> bool:
        """Submitted to the GMR, whose decision is not recorded yet."""
        return self.submitted_at is not None and self.fixed_at is None

    @property
    def refused(self) -> bool:
        """Sent back by the GMR (consent refused) and not submitted again."""
        return self.gmr_decision == self.GmrDecision.REFUSED and self.submitted_at is None


class SchoolAllocation(models.Model):
    """One school's share of a board allocation, by its pupil count on the reference date."""

    allocation = models.ForeignKey(BoardAllocation, on_delete=models.CASCADE, related_name="shares")
    school = models.ForeignKey(
        "processes.School", on_delete=models.PROTECT, related_name="allocations"
    )
    pupil_count = models.PositiveIntegerField(_("pupil count"))
    amount = models.DecimalField(_("amount"), **AMOUNT)

    class Meta:
        verbose_name = _("school allocation")
        verbose_name_plural = _("school allocations")
        ordering = ["allocation", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "school"], name="school_allocation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.school}: {self.amount}"


class BudgetLine(models.Model):
    """One line of a school's budget for a process; the school budget is their sum."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("this year's allocation")
        CARRY_OVER = "carry_over", _("carry-over from earlier years")
        EXTRA_TRANCHE = "extra_tranche", _("extra tranche")

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="budget_lines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    source = models.ForeignKey(
        SchoolAllocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        help_text=_("The board allocation this line comes from, if any."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["process", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_line_amount_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"


class OrganisationalUnit(models.Model):
    """A group of staff that gets a budget and writes one plan (step 1)."""

    class Kind(models.TextChoices):
        FUNCTION_GROUP = "function_group", _("function group")
        DEPARTMENT = "department", _("department or cluster of subjects")
        THEME = "theme", _("theme")
        SHARED_SITUATION = "shared_situation", _("staff sharing a situation")

    process = models.ForeignKey("processes.Process", on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.FUNCTION_GROUP
    )
    # Step 2: what the split method uses for this unit, and what it gave.
    weight = models.DecimalField(
        _("weight"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Relative weight when the budget is split by weights."),
    )
    fixed_amount = models.DecimalField(_("fixed amount"), null=True, blank=True, **AMOUNT)
    amount = models.DecimalField(_("budget"), null=True, blank=True, **AMOUNT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["process", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "name"], name="unit_name_unique_per_process"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(amount__isnull=True),
                name="unit_amount_gte_0",
            ),
        ]

    def __str__(self):
        return self.name


class ConversationGroup(models.Model):
    """A group that actually meets and talks. Either it lies within one unit (``unit`` set),
    or it belongs to the process and has members from several units (``unit`` empty,
    ``process`` set): the guide lets several units form one conversation group."""

    unit = models.ForeignKey(
        OrganisationalUnit, on_delete=models.CASCADE, related_name="groups", null=True, blank=True
    )
    process = models.ForeignKey(
        "processes.Process",
        on_delete=models.CASCADE,
        related_name="conversation_groups",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("conversation group")
        verbose_name_plural = _("conversation groups")
        ordering = ["unit", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="group_name_unique_per_unit"),
            models.UniqueConstraint(
                fields=["process", "name"],
                condition=models.Q(unit__isnull=True),
                name="cross_unit_group_name_unique_per_process",
            ),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(process__isnull=False),
                name="group_has_unit_or_process",
            ),
        ]

    def __str__(self):
        return self.name


class UnitMembership(models.Model):
    """A staff member's place in a unit. One per staff member per process, by constraint."""

    process = models.ForeignKey("processes.Process", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        OrganisationalUnit, on_delete=models.CASCADE, related_name="memberships"
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    group = models.ForeignKey(
        ConversationGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )

    # Who placed whom, and when (step 1 edits before a sign-off are not decisions).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        ordering = ["unit", "staff_member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "staff_member"], name="one_unit_per_staff_member_per_process"
            ),
        ]

    def __str__(self):
        return f"{self.staff_member} – {self.unit}"


class BudgetSplit(models.Model):
    """Step 2: how the school budget is divided over the units."""

    class Method(models.TextChoices):
        FTE = "fte", _("by fte")
        HEADCOUNT = "headcount", _("by headcount")
        WEIGHTS = "weights", _("by weights per unit")
        FIXED = "fixed", _("fixed amounts")
        DEFERRED = "deferred", _("deferred: amounts after the school plan")

    class Reserve(models.TextChoices):
        NONE = "none", _("no central reserve")
        PERCENTAGE = "percentage", _("a percentage")
        AMOUNT = "amount", _("a fixed amount")

    process = models.OneToOneField(
        "processes.Process", on_delete=models.CASCADE, related_name="budget_split"
    )
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.FTE
    )
    reserve_kind = models.CharField(
        _("central reserve"), max_length=20, choices=Reserve.choices, default=Reserve.NONE
    )
    reserve_value = models.DecimalField(
        _("reserve (percentage or amount)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    school_total = models.DecimalField(_("school budget"), **AMOUNT)
    reserve_amount = models.DecimalField(_("central reserve"), **AMOUNT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget split")
        verbose_name_plural = _("budget splits")

    def __str__(self):
        return f"{self.process}: {self.get_method_display()}"


# --- step 5: the collective kick-off --------------------------------------------------


class KickoffSession(models.Model):
    """One meeting of a process's collective kick-off (step 5); a kick-off has one or more.

    Times are wall-clock times in the school's time zone (Europe/Amsterdam). ``sequence`` goes
    up on every change that matters to a calendar, so invitations are sent again for the new
    version and calendars replace the old one (iCalendar SEQUENCE).
    """

    class Format(models.TextChoices):
        PLENARY_THEN_SESSIONS = "plenary_then_sessions", _("plenary opening, then group sessions")
        PLENARY = "plenary", _("plenary only")
        GROUPS = "groups", _("in groups")

    class AttendanceMode(models.TextChoices):
        PER_PERSON = "per_person", _("per person")
        COUNTED = "counted", _("counted")

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="kickoff_sessions"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"))
    ends_at = models.TimeField(_("end time"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    format = models.CharField(
        _("format"), max_length=30, choices=Format.choices, default=Format.PLENARY_THEN_SESSIONS
    )
    in_working_time = models.BooleanField(_("in working time"), default=True)
    meal_offered = models.BooleanField(_("meal offered"), default=False)
    hours_credited = models.DecimalField(
        _("hours credited"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Hours of the annual task that attending counts for."),
    )
    uses_sign_up = models.BooleanField(_("staff sign up"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("The most people who can sign up; empty for no limit."),
    )
    sequence = models.PositiveIntegerField(default=0)
    attendance_mode = models.CharField(
        _("attendance recorded"), max_length=10, choices=AttendanceMode.choices, blank=True
    )
    attendance_count = models.PositiveIntegerField(_("attended"), null=True, blank=True)
    held_at = models.DateTimeField(_("recorded as held at"), null=True, blank=True)
    held_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded as held by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("kick-off session")
        verbose_name_plural = _("kick-off sessions")
        ordering = ["process", "date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="kickoff_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_credited__gte=0),
                name="kickoff_session_hours_gte_0",
            ),
        ]

    def __str__(self):
        return f"{self.process}: {self.title or self.place} {self.date}"

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    @property
    def starts(self) -> datetime.datetime:
        """When the session starts, in the school's time zone."""
        return timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts


class KickoffSignUp(models.Model):
    """A staff member's sign-up for a kick-off session (when the session uses sign-up)."""

    session = models.ForeignKey(KickoffSession, on_delete=models.CASCADE, related_name="sign_ups")
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="kickoff_sign_ups"
    )
    signed_up_at = models.DateTimeField(_("signed up at"), default=timezone.now)

    class Meta:
        verbose_name = _("kick-off sign-up")
        verbose_name_plural = _("kick-off sign-ups")
        ordering = ["session", "signed_up_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "staff_member"], name="kickoff_sign_up_unique"
            ),
        ]

    def __str__(self):
        return f"{self.session} – {self.staff_member}"


class KickoffAttendance(models.Model):
    """Whether one staff member attended a session (attendance recorded per person)."""

    session = models.ForeignKey(
        KickoffSession, on_delete=models.CASCADE, related_name="attendances"
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="kickoff_attendances"
    )
    attended = models.BooleanField(_("attended"))

    class Meta:
        verbose_name = _("kick-off attendance")
        verbose_name_plural = _("kick-off attendances")
        ordering = ["session", "staff_member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "staff_member"], name="kickoff_attendance_unique"
            ),
        ]

    def __str__(self):
        return f"{self.session} – {self.staff_member}: {self.attended}"


class KickoffInvitation(models.Model):
    """Written before an invitation is sent: one per staff member per version of a session,
    so a repeated or concurrent send never mails anyone twice for the same version."""

    session = models.ForeignKey(
        KickoffSession, on_delete=models.CASCADE, related_name="invitations"
    )
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="kickoff_invitations"
    )
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kick-off invitation")
        verbose_name_plural = _("kick-off invitations")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "staff_member", "sequence"],
                name="kickoff_invitation_once_per_version",
            ),
        ]

    def __str__(self):
        return f"{self.session} – {self.staff_member} (v{self.sequence})"


class WorkingMethod(models.Model):
    """Step 7: how a unit works towards its plan. One per unit (so one per unit per process).

    The conversation leader becomes the unit's coordinator, who later submits the unit's plan.
    How the unit decides is only chosen here; a vote itself is run with the plan (step 8).
    """

    class DecisionMode(models.TextChoices):
        CONSENSUS = "consensus", _("by consensus")
        VOTE = "vote", _("by a vote in this application")

    class Participation(models.TextChoices):
        VOLUNTARY = "voluntary", _("voluntary")
        COMPULSORY = "compulsory", _("compulsory")

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="working_methods"
    )
    unit = models.OneToOneField(
        OrganisationalUnit,
        on_delete=models.CASCADE,
        related_name="working_method",
        verbose_name=_("unit"),
    )
    # SET_NULL: a person's data can be deleted (GDPR); the unit then names a new leader.
    leader = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_working_methods",
        verbose_name=_("conversation leader"),
    )
    decision_mode = models.CharField(
        _("how the unit decides"), max_length=20, choices=DecisionMode.choices
    )
    participation = models.CharField(
        _("taking part is"), max_length=20, choices=Participation.choices
    )
    facilitation = models.TextField(_("facilitation"), blank=True)
    hours_credited = models.DecimalField(
        _("hours credited"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    recorded_at = models.DateTimeField(_("first recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("last changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working method")
        verbose_name_plural = _("working methods")
        ordering = ["process", "unit__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_credited__gte=0) | models.Q(hours_credited__isnull=True),
                name="working_method_hours_gte_0",
            ),
        ]

    def __str__(self):
        return str(self.unit)


class UnitMeeting(models.Model):
    """One meeting date of a unit's working method."""

    working_method = models.ForeignKey(
        WorkingMethod, on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit meeting")
        verbose_name_plural = _("unit meetings")
        ordering = ["working_method", "date", "starts_at", "pk"]

    def __str__(self):
        return f"{self.working_method}: {self.date:%Y-%m-%d}"


class MeetingMinutes(models.Model):
    """The minutes of one unit meeting, recorded on or after its date by whoever runs the
    unit's meetings (its conversation leader, or a member when it has none; the director and
    the PMR on the unit's behalf). The unit's members read them; who attended is kept apart
    (``MeetingAttendance``)."""

    meeting = models.OneToOneField(
        UnitMeeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    text = models.TextField(_("minutes"))
    recorded_at = models.DateTimeField(_("first recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("last changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes of a unit meeting")
        verbose_name_plural = _("minutes of unit meetings")
        ordering = ["meeting"]

    def __str__(self):
        return str(self.meeting)


class MeetingAttendance(models.Model):
    """A member of the unit was present at one of its meetings. Personal data: only whoever
    records the minutes, the director and the PMR see who attended; the members see the
    count."""

    meeting = models.ForeignKey(UnitMeeting, on_delete=models.CASCADE, related_name="attendances")
    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="meeting_attendances"
    )

    class Meta:
        verbose_name = _("attendance at a unit meeting")
        verbose_name_plural = _("attendance at unit meetings")
        ordering = ["meeting", "staff_member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "staff_member"], name="meeting_attendance_once"
            ),
        ]

    def __str__(self):
        return f"{self.meeting} – {self.staff_member}"


class PmrNote(models.Model):
    """The PMR's own record of the conversations (the guide advises the PMR to keep one): a
    note on one unit meeting or on one step of the process. Only the school's PMR members see
    these notes, not the director."""

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="pmr_notes"
    )
    meeting = models.ForeignKey(
        UnitMeeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pmr_notes",
        verbose_name=_("unit meeting"),
    )
    step_number = models.PositiveSmallIntegerField(
        _("step"), null=True, blank=True, validators=[MaxValueValidator(11)]
    )
    text = models.TextField(_("text of the note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("PMR note")
        verbose_name_plural = _("PMR notes")
        ordering = ["-written_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(meeting__isnull=False, step_number__isnull=True)
                    | models.Q(meeting__isnull=True, step_number__isnull=False)
                ),
                name="pmr_note_on_meeting_or_step",
            ),
        ]

    def __str__(self):
        return f"{self.process}: {self.written_at:%Y-%m-%d}"
