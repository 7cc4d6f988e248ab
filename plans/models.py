from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class MeasureCategory(models.Model):
    """A category of measures (extra staff, task relief, ...): reference data, seeded by a
    migration and editable by the administrator."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    costs_money = models.BooleanField(_("usually costs money"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("measure category")
        verbose_name_plural = _("measure categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class FrameworkRule(models.Model):
    """A condition given to the units with their budget (step 3), optionally machine-checked.

    Checks are phrased as warnings rather than prohibitions unless the severity is "must".
    """

    class Kind(models.TextChoices):
        FINANCIAL = "financial", _("financial")
        ORGANISATIONAL = "organisational", _("organisational")
        PEDAGOGICAL = "pedagogical", _("pedagogical")
        PROCEDURAL = "procedural", _("procedural")

    class Severity(models.TextChoices):
        MUST = "must", _("must")
        WARNING = "warning", _("warning")
        INFORMATION = "information", _("information")

    class Check(models.TextChoices):
        NONE = "", _("no machine check")
        MAX_COST_PER_MEASURE = "max_cost_per_measure", _("maximum cost per measure")
        MAX_STRUCTURAL_SHARE = "max_structural_share", _("maximum share of structural commitments")
        CATEGORIES_NOT_ALLOWED = "categories_not_allowed", _("categories not allowed")
        WITHIN_UNIT_BUDGET = "within_unit_budget", _("stay within the unit budget")
        SPEND_BY_DATE = "spend_by_date", _("spend by a date")
        MAJORITY_BENEFIT = "majority_benefit", _("a majority of the unit must benefit")

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="framework_rules"
    )
    text = models.TextField(_("rule"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.WARNING
    )
    machine_check = models.CharField(
        _("machine check"), max_length=30, choices=Check.choices, blank=True, default=""
    )
    max_amount = models.DecimalField(_("maximum amount"), null=True, blank=True, **AMOUNT)
    max_percentage = models.DecimalField(
        _("maximum percentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    deadline = models.DateField(_("spend by"), null=True, blank=True)
    categories = models.ManyToManyField(
        MeasureCategory, blank=True, related_name="+", verbose_name=_("categories")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[categories])

    class Meta:
        verbose_name = _("framework rule")
        verbose_name_plural = _("framework rules")
        ordering = ["process", "order", "pk"]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        needs = {
            self.Check.MAX_COST_PER_MEASURE: ("max_amount", _("Give the maximum amount.")),
            self.Check.MAX_STRUCTURAL_SHARE: ("max_percentage", _("Give the maximum percentage.")),
            self.Check.SPEND_BY_DATE: ("deadline", _("Give the date.")),
        }
        if self.machine_check in needs:
            field, message = needs[self.machine_check]
            if getattr(self, field) is None:
                raise ValidationError({field: message})


class UnitAnnouncement(models.Model):
    """Step 6: what a unit was told: its amount, the frameworks, the deadline for its plan and
    what the plan must contain, as announced (a snapshot, not the live data).

    Announcing again adds a new row and marks it current; earlier rows stay as history.
    ``notified`` lists the staff members (pks) e-mailed about this announcement, so each is
    told at most once.
    """

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="unit_announcements"
    )
    unit = models.ForeignKey(
        "units.OrganisationalUnit", on_delete=models.CASCADE, related_name="announcements"
    )
    current = models.BooleanField(_("current"), default=True)
    step_revision = models.PositiveIntegerField(_("revision of step 6"), default=1)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **AMOUNT)
    deadline = models.DateField(_("deadline for the unit plan"))
    requirements = models.TextField(_("what a plan must contain"))
    frameworks = models.JSONField(_("frameworks as announced"), default=list, blank=True)
    announced_at = models.DateTimeField(_("announced at"))
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("announced by"),
    )
    announced_by_name = models.CharField(_("announced by (name)"), max_length=200, blank=True)
    notified = models.JSONField(_("staff members notified"), default=list, blank=True)

    class Meta:
        verbose_name = _("unit announcement")
        verbose_name_plural = _("unit announcements")
        ordering = ["unit", "-announced_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(current=True),
                name="one_current_announcement_per_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) | models.Q(amount__isnull=True),
                name="unit_announcement_amount_gte_0",
            ),
        ]

    def __str__(self):
        return f"{self.unit}: {self.announced_at:%Y-%m-%d}"


class FunctionCostQuerySet(models.QuerySet):
    def for_school(self, school) -> "FunctionCostQuerySet":
        """The rows that count for ``school``: the defaults (no school) and its own rows. With
        ``school`` None: the defaults only."""
        if school is None:
            return self.filter(school__isnull=True)
        return self.filter(models.Q(school__isnull=True) | models.Q(school=school))

    def table(self, function: str, school=None) -> dict:
        """The row of ``function`` per school year, keyed by start year: the school's own row
        where it has one, otherwise the default."""
        rows = self.for_school(school).filter(function=function).select_related("school_year")
        table = {}
        for row in sorted(rows, key=lambda row: row.school_id is not None):
            table[row.school_year.start_year] = row  # the school's own row comes last and wins
        return table

    def yearly_costs(self, function: str, school=None) -> dict:
        """The yearly cost of 1.0 fte of ``function`` per school year, keyed by start year: the
        ``rates`` that ``plans.costs.cost_per_school_year`` takes for an fte measure. For
        ``school``, its own figures override the defaults year by year."""
        return {year: row.yearly_cost for year, row in self.table(function, school).items()}

    def hourly_costs(self, function: str, school=None) -> dict:
        """The hourly cost of ``function`` per school year (stored, or derived from the yearly
        cost), keyed by start year: the ``rates`` for an hours measure."""
        return {
            year: row.effective_hourly_cost for year, row in self.table(function, school).items()
        }


class FunctionCost(models.Model):
    """The yearly cost of one function (teaching assistant, teacher LB, ...) at 1.0 fte in one
    school year, used to cost personnel measures: the defaults for every school (no school;
    seeded as examples) and a school's own rows, kept by its director or its board, which
    replace the default of that function and school year for that school.

    The hourly cost is stored only when the administrator gives one; left empty, it is derived
    from the yearly cost over the CAO VO norm year of 1659 hours for 1.0 fte
    (``effective_hourly_cost``), so it never drifts from a changed yearly cost.
    Rows marked as examples were seeded with made-up values and must be replaced.
    """

    school_year = models.ForeignKey(
        "processes.SchoolYear",
        on_delete=models.PROTECT,
        related_name="function_costs",
        verbose_name=_("school year"),
    )
    school = models.ForeignKey(
        "processes.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="function_costs",
        verbose_name=_("school"),
        help_text=_(
            "Empty: the default for every school. A school's own row replaces the default of "
            "that function and school year for that school."
        ),
    )
    function = models.CharField(_("function"), max_length=100)
    yearly_cost = models.DecimalField(
        _("yearly cost of 1.0 fte"),
        validators=[MinValueValidator(0)],
        help_text=_("Total employer's cost of one full-time job for a school year, in euros."),
        **AMOUNT,
    )
    hourly_cost = models.DecimalField(
        _("hourly cost"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty to use the yearly cost divided by the norm year of 1659 hours."),
        **AMOUNT,
    )
    is_example = models.BooleanField(
        _("example value"),
        default=False,
        help_text=_("An example value, not a real cost: replace it with your own."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    objects = FunctionCostQuerySet.as_manager()

    class Meta:
        verbose_name = _("function cost")
        verbose_name_plural = _("function costs")
        ordering = ["school_year", "order", "function"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "function"],
                condition=models.Q(school__isnull=True),
                name="plans_functioncost_unique_per_year",
            ),
            models.UniqueConstraint(
                fields=["school", "school_year", "function"],
                condition=models.Q(school__isnull=False),
                name="plans_functioncost_unique_per_school_year",
            ),
        ]

    def __str__(self):
        if self.school_id:
            return f"{self.function} ({self.school_year}, {self.school})"
        return f"{self.function} ({self.school_year})"

    @property
    def effective_hourly_cost(self):
        """The stored hourly cost, or the yearly cost over the norm year, half up to the cent."""
        from .costs import hourly_cost_from_yearly

        if self.hourly_cost is not None:
            return self.hourly_cost
        return hourly_cost_from_yearly(self.yearly_cost)


# --- Step 8: the units' plans -----------------------------------------------------------------


class WorkloadCause(models.Model):
    """A cause of workload a unit can recognise and a measure can address (reference data,
    seeded by a migration from the list in the evaluation guide, editable by the administrator).
    """

    class Theme(models.TextChoices):
        PUPILS = "pupils", _("pupils")
        TEACHING = "teaching", _("teaching load")
        ORGANISATION = "organisation", _("organisation")
        PEOPLE = "people", _("colleagues and staffing")
        CONTACTS = "contacts", _("contacts")
        FACILITIES = "facilities", _("facilities")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("workload cause")
        verbose_name_plural = _("workload causes")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class UnitPlan(models.Model):
    """Step 8: one unit's plan, drafted together by its members and submitted by its coordinator.

    ``revision`` counts the versions handed in: returning a plan for revision bumps it, so a
    vote or an acknowledgement names the version it was about. Every change is kept in the
    history (django-simple-history), and submissions and returns are recorded as decisions.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("being written")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for revision")

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="unit_plans"
    )
    unit = models.OneToOneField(
        "units.OrganisationalUnit",
        on_delete=models.CASCADE,
        related_name="plan",
        verbose_name=_("unit"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(_("version"), default=1)
    causes = models.ManyToManyField(
        WorkloadCause, blank=True, related_name="+", verbose_name=_("causes recognised")
    )
    other_causes = models.TextField(_("other causes"), blank=True)
    analysis = models.TextField(
        _("analysis"),
        blank=True,
        help_text=_("What makes the work heavy in this unit, for whom and when."),
    )
    expected_effects = models.TextField(_("expected effects"), blank=True)
    success_indicators = models.TextField(
        _("how we will know it worked"),
        blank=True,
        help_text=_("What you will look at, and when, to see whether the measures helped."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # The unit's own approval by a vote (when its working method says it decides by vote):
    # the adopted vote and the plan version it approved.
    approval_vote = models.ForeignKey(
        "voting.Vote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval vote"),
    )
    approved_revision = models.PositiveIntegerField(_("version approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[causes])

    class Meta:
        verbose_name = _("unit plan")
        verbose_name_plural = _("unit plans")
        ordering = ["process", "unit__name"]

    def __str__(self):
        return str(self.unit)

    @property
    def is_editable(self) -> bool:
        return self.state != self.State.SUBMITTED


class Measure(models.Model):
    """One measure of a unit plan. Its cost per school year is computed by ``plans.costs`` when
    it is saved (through the services) and stored with the rates used, so the amounts shown are
    the amounts stored, also after the administrator changes a function's yearly cost."""

    class CostType(models.TextChoices):
        FIXED = "fixed", _("a fixed amount")
        FTE = "fte", _("fte of a function")
        HOURS = "hours", _("hours")
        NONE = "none", _("no cost")

    plan = models.ForeignKey(UnitPlan, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        MeasureCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    cost_type = models.CharField(
        _("cost"), max_length=10, choices=CostType.choices, default=CostType.FIXED
    )
    amount = models.DecimalField(
        _("amount per school year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **AMOUNT,
    )
    fte = models.DecimalField(
        _("fte"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    hours = models.DecimalField(
        _("hours per school year"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    function = models.CharField(
        _("function"),
        max_length=100,
        blank=True,
        help_text=_("Whose yearly or hourly cost applies (from the function costs)."),
    )
    hourly_rate = models.DecimalField(
        _("hourly cost"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For hours without a function: the cost of one hour."),
        **AMOUNT,
    )
    first_year = models.PositiveSmallIntegerField(_("first school year"))
    last_year = models.PositiveSmallIntegerField(_("last school year"))
    structural = models.BooleanField(
        _("structural"),
        default=False,
        help_text=_("A lasting commitment, such as a permanent hire, rather than a one-off."),
    )
    benefit_share = models.DecimalField(
        _("share of the unit that benefits (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    beneficiaries = models.CharField(_("who benefits"), max_length=200, blank=True)
    causes = models.ManyToManyField(
        WorkloadCause, blank=True, related_name="+", verbose_name=_("causes addressed")
    )
    expected_effect = models.TextField(_("expected effect"), blank=True)
    feasibility = models.TextField(_("feasibility"), blank=True)
    changes_task_policy = models.BooleanField(
        _("changes the task policy"),
        default=False,
        help_text=_("Changes to the task policy (taakbeleid) need the PMR's separate consent."),
    )
    when_money_ends = models.TextField(
        _("when the money ends"),
        blank=True,
        help_text=_("For measures paid from one-off money: what happens when it runs out."),
    )
    # Computed by the services from plans.costs when the measure is saved.
    # The unit's choice of measures within its budget (voting's unit_measures) that chose this
    # measure, once the unit took the result into its plan (``services.measure_votes``).
    chosen_in_vote = models.ForeignKey(
        "voting.Vote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen in the unit's vote"),
    )
    cost_per_year = models.JSONField(_("cost per school year"), default=dict, blank=True)
    total_cost = models.DecimalField(_("total cost"), default=0, **AMOUNT)
    rates = models.JSONField(_("rates used"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[causes])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="measure_years_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(total_cost__gte=0), name="measure_cost_gte_0"
            ),
        ]

    def __str__(self):
        return self.title


class MeasureComment(models.Model):
    """A comment on a measure by a unit member, the director or the PMR."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=200)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["measure", "created_at", "pk"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:40]}"


class WarningAcknowledgement(models.Model):
    """A unit's reasoned answer to a framework warning its plan triggers (for the whole plan,
    or for one measure). Warnings never block submission; the reason travels with the plan to
    the merge (step 9)."""

    plan = models.ForeignKey(UnitPlan, on_delete=models.CASCADE, related_name="acknowledgements")
    rule = models.ForeignKey(FrameworkRule, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="acknowledgements"
    )
    reason = models.TextField(_("reason"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_by_name = models.CharField(_("acknowledged by"), max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acknowledged warning")
        verbose_name_plural = _("acknowledged warnings")
        ordering = ["plan", "rule", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "rule", "measure"],
                condition=models.Q(measure__isnull=False),
                name="one_acknowledgement_per_measure_rule",
            ),
            models.UniqueConstraint(
                fields=["plan", "rule"],
                condition=models.Q(measure__isnull=True),
                name="one_acknowledgement_per_plan_rule",
            ),
        ]

    def __str__(self):
        return f"{self.plan}: {self.rule}"


class IdeasRound(models.Model):
    """An optional round before the unit plans (steps 7 and 8) in which every staff member of
    the school puts forward what the money should go to. The director or the PMR opens it with
    an opening and a closing date; ideas are put forward, supported and withdrawn only between
    the two (both included)."""

    process = models.OneToOneField(
        "processes.Process", on_delete=models.CASCADE, related_name="ideas_round"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ideas round")
        verbose_name_plural = _("ideas rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="ideas_round_closes_after_opening",
            ),
        ]

    def __str__(self):
        return str(self.process)

    def is_open(self, today) -> bool:
        return self.opens_on <= today <= self.closes_on


class Idea(models.Model):
    """What a staff member thinks the money should go to. Shown to others without the
    author's name; the author may withdraw it (delete it) while the round is open."""

    round = models.ForeignKey(IdeasRound, on_delete=models.CASCADE, related_name="ideas")
    # SET_NULL: the idea stays when its author's data is removed.
    author = models.ForeignKey(
        "units.StaffMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    text = models.TextField(_("idea"))
    category = models.ForeignKey(
        MeasureCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    created_at = models.DateTimeField(_("put forward at"))

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class IdeaSupport(models.Model):
    """A staff member supports an idea ("+1"), once. Who supported is shown to nobody; the
    count is shown."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    staff_member = models.ForeignKey(
        "units.StaffMember", on_delete=models.CASCADE, related_name="idea_supports"
    )
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support for an idea")
        verbose_name_plural = _("support for ideas")
        constraints = [
            models.UniqueConstraint(fields=["idea", "staff_member"], name="idea_support_once"),
        ]

    def __str__(self):
        return f"{self.idea} +1"


class IdeaTakeUp(models.Model):
    """A unit writing its plan took an idea up in one of its measures."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="take_ups")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="ideas_taken_up")
    marked_at = models.DateTimeField(_("marked at"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("idea taken up")
        verbose_name_plural = _("ideas taken up")
        constraints = [
            models.UniqueConstraint(fields=["idea", "measure"], name="idea_take_up_once"),
        ]

    def __str__(self):
        return f"{self.idea} → {self.measure}"
