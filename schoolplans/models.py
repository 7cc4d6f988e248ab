"""Steps 9-11: the school plan merged from the units' plans, its frozen versions, the
publication, the evaluation agreement and the ratification.

The working copy (``SchoolPlan`` with ``SchoolPlanMeasure``) is what the merging group edits;
every school-plan measure keeps its trace to the unit measures it came from
(``MeasureSource``, with a snapshot of each unit measure as it was merged, so the trace survives
a unit plan that changes later). Marking the plan final freezes a ``SchoolPlanVersion``
(immutable, with its SHA-256): that version is published and ratified or refused.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

AMOUNT = {"max_digits": 12, "decimal_places": 2}


class SchoolPlan(models.Model):
    """Step 9's working copy: one per process, created from the submitted unit plans."""

    process = models.OneToOneField(
        "processes.Process", on_delete=models.CASCADE, related_name="school_plan"
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("The merging group's notes for the whole plan."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school plan")
        verbose_name_plural = _("school plans")

    def __str__(self):
        return str(self.process)


class SchoolPlanMeasure(models.Model):
    """One measure of the school plan: taken over from one unit measure, or combining several.

    ``unit`` is the unit the measure belongs to (None when it combines measures of several units
    or is school-wide). Amounts are stored per school year, as the units' measures store them;
    any difference from the sources is shown as a change.
    """

    school_plan = models.ForeignKey(SchoolPlan, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    unit = models.ForeignKey(
        "units.OrganisationalUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        "plans.MeasureCategory", on_delete=models.PROTECT, related_name="+"
    )
    first_year = models.PositiveSmallIntegerField(_("first school year"))
    last_year = models.PositiveSmallIntegerField(_("last school year"))
    structural = models.BooleanField(_("structural"), default=False)
    benefit_share = models.DecimalField(
        _("share of the unit that benefits (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    changes_task_policy = models.BooleanField(_("changes the task policy"), default=False)
    cost_per_year = models.JSONField(_("cost per school year"), default=dict, blank=True)
    total_cost = models.DecimalField(_("total cost"), default=0, **AMOUNT)
    annotation = models.TextField(
        _("note of the merging group"),
        blank=True,
        help_text=_("Why the measure was combined or changed; shown with the measure."),
    )
    sources = models.ManyToManyField(
        "plans.Measure", through="MeasureSource", related_name="+", verbose_name=_("sources")
    )

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school plan measure")
        verbose_name_plural = _("school plan measures")
        ordering = ["school_plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="school_measure_years_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(total_cost__gte=0), name="school_measure_cost_gte_0"
            ),
        ]

    def __str__(self):
        return self.title


class MeasureSource(models.Model):
    """The trace from a school-plan measure to one unit measure, with that unit measure as it
    was when merged (unit, plan version, title, description, category, cost)."""

    school_measure = models.ForeignKey(
        SchoolPlanMeasure, on_delete=models.CASCADE, related_name="source_links"
    )
    # SET_NULL: a unit plan returned and changed later keeps its trace through the snapshot.
    unit_measure = models.ForeignKey(
        "plans.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "units.OrganisationalUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_name = models.CharField(_("unit"), max_length=100)
    plan_revision = models.PositiveIntegerField(_("version of the unit plan"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category_code = models.CharField(_("category"), max_length=40)
    first_year = models.PositiveSmallIntegerField(_("first school year"))
    last_year = models.PositiveSmallIntegerField(_("last school year"))
    structural = models.BooleanField(_("structural"), default=False)
    cost_per_year = models.JSONField(_("cost per school year"), default=dict, blank=True)
    total_cost = models.DecimalField(_("total cost"), **AMOUNT)
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)

    class Meta:
        verbose_name = _("source of a school plan measure")
        verbose_name_plural = _("sources of school plan measures")
        ordering = ["school_measure", "unit_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_measure", "unit_measure"],
                condition=models.Q(unit_measure__isnull=False),
                name="measure_source_once",
            ),
        ]

    def __str__(self):
        return f"{self.unit_name}: {self.title}"


class SchoolPlanVersion(models.Model):
    """A frozen version of the school plan, marked final (step 9): the content as JSON with
    its SHA-256 (canonical JSON, as the agreement's). Immutable; what happens to it afterwards
    (publication, ratification or refusal) is recorded in rows of its own."""

    school_plan = models.ForeignKey(SchoolPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("marked final at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("school plan version")
        verbose_name_plural = _("school plan versions")
        ordering = ["school_plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_plan", "number"], name="school_plan_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.school_plan} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A final version of the school plan cannot be changed."))
        super().save(*args, **kwargs)


class Publication(models.Model):
    """Step 10: a final version made known to all staff (page, PDF, e-mail), with an optional
    period in which staff may comment."""

    version = models.OneToOneField(
        SchoolPlanVersion, on_delete=models.PROTECT, related_name="publication"
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    comments_until = models.DateField(_("comments until"), null=True, blank=True)
    notified = models.JSONField(_("staff members notified"), default=list, blank=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return str(self.version)


class PublicationComment(models.Model):
    """A staff member's comment on the published plan, during the comment period."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=200)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on the published plan")
        verbose_name_plural = _("comments on the published plan")
        ordering = ["publication", "created_at", "pk"]

    def __str__(self):
        return f"{self.author_name}: {self.text[:40]}"


class EvaluationAgreement(models.Model):
    """What the director and the PMR agree about evaluating the plan; required before step 11
    can be signed off. ``follow_up`` is carried to next year's process."""

    process = models.OneToOneField(
        "processes.Process", on_delete=models.CASCADE, related_name="evaluation_agreement"
    )
    what = models.TextField(_("what is measured"))
    indicators = models.TextField(_("indicators"))
    when = models.TextField(_("when"))
    responsible = models.TextField(_("by whom"))
    sharing = models.TextField(_("how the results are shared"))
    follow_up = models.TextField(_("follow-up next year"), blank=True)
    recorded_at = models.DateTimeField(_("first recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation agreement")
        verbose_name_plural = _("evaluation agreements")

    def __str__(self):
        return str(self.process)


class PmrDecision(models.Model):
    """Step 11: the PMR's decision on a published version, taken at one of its meetings:
    consent, or a refusal with its reasons (sending the plan back to step 9, or to step 8 for
    the units named)."""

    class Outcome(models.TextChoices):
        CONSENT = "consent", _("consent")
        REFUSAL = "refusal", _("refusal")

    version = models.ForeignKey(
        SchoolPlanVersion, on_delete=models.PROTECT, related_name="pmr_decisions"
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    meeting_date = models.DateField(_("date of the PMR meeting"))
    reasons = models.TextField(_("reasons"), blank=True)
    units_to_revise = models.ManyToManyField(
        "units.OrganisationalUnit", blank=True, related_name="+", verbose_name=_("units to revise")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("PMR decision")
        verbose_name_plural = _("PMR decisions")
        ordering = ["version", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.version}: {self.get_outcome_display()}"


class RatificationRecord(models.Model):
    """Written when step 11 is done: the ratified version and the decision list as it stood,
    frozen with its SHA-256, so neither changes afterwards."""

    version = models.OneToOneField(
        SchoolPlanVersion, on_delete=models.PROTECT, related_name="ratification"
    )
    ratified_at = models.DateTimeField(_("ratified at"), default=timezone.now)
    decision_list = models.JSONField(_("decision list"))
    decision_list_hash = models.CharField(_("SHA-256 of the decision list"), max_length=64)

    class Meta:
        verbose_name = _("ratification record")
        verbose_name_plural = _("ratification records")

    def __str__(self):
        return str(self.version)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A ratification record cannot be changed."))
        super().save(*args, **kwargs)


class TaskPolicyConsent(models.Model):
    """The PMR's separate decision (consent or refusal) on one measure of the school plan that
    changes the task policy (taakbeleid), which the Wms leaves to the PMR's consent.

    It is given on a final version and bound to the measure's content in that version
    (``measure_hash``, see ``selectors.task_policy.measure_hash``): a later version counts it
    only while the measure with the same key is unchanged. Rows are never changed; a new
    decision on the same measure is a new row, and the latest one counts."""

    class Outcome(models.TextChoices):
        CONSENT = "consent", _("consent")
        REFUSAL = "refusal", _("refusal")

    version = models.ForeignKey(
        SchoolPlanVersion, on_delete=models.PROTECT, related_name="task_policy_consents"
    )
    measure_key = models.CharField(_("measure"), max_length=20)
    measure_title = models.CharField(_("title"), max_length=200)
    measure_hash = models.CharField(_("SHA-256 of the measure"), max_length=64)
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    meeting_date = models.DateField(_("date of the PMR meeting"))
    reasons = models.TextField(_("reasons"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("PMR decision on the task policy")
        verbose_name_plural = _("PMR decisions on the task policy")
        ordering = ["version", "measure_key", "recorded_at", "pk"]
        indexes = [models.Index(fields=["measure_key", "measure_hash"])]

    def __str__(self):
        return f"{self.version}: {self.measure_title} ({self.get_outcome_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A recorded PMR decision cannot be changed."))
        super().save(*args, **kwargs)


class Factsheet(models.Model):
    """Before step 1: what the director, with the PMR, writes down about workload at the
    school so that nobody starts the procedure blank (the guide's "factsheet"): key figures
    of the staff survey (MTO) and absence, entered by hand with their source and date, the
    recent workload and task policy, how earlier workload funds were used and evaluated, and
    last year's lessons. The texts are prefilled once, on creation, from the school's process
    of the year before (``reporting.selectors.factsheet``)."""

    process = models.OneToOneField(
        "processes.Process", on_delete=models.CASCADE, related_name="factsheet"
    )
    mto_workload_score = models.DecimalField(
        _("workload score in the staff survey (MTO)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    mto_response_rate = models.DecimalField(
        _("response rate of the staff survey (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    absence_percentage = models.DecimalField(
        _("absence percentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    absence_frequency = models.DecimalField(
        _("absence frequency (reports per employee per year)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    figures_source = models.CharField(_("source of the figures"), max_length=300, blank=True)
    figures_date = models.DateField(_("date of the figures"), null=True, blank=True)
    policy_history = models.TextField(_("recent workload and task policy"), blank=True)
    funds_use = models.TextField(
        _("how earlier workload funds were used and evaluated"), blank=True
    )
    lessons = models.TextField(_("last year's lessons"), blank=True)
    prefilled_from = models.ForeignKey(
        "processes.Process",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prefilled from"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    changed_at = models.DateTimeField(_("last changed at"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("factsheet")
        verbose_name_plural = _("factsheets")

    def __str__(self):
        return str(self.process)


class Concern(models.Model):
    """A report to the meldpunt: a staff member says that an agreement (a measure of the
    ratified school plan, the evaluation agreement, the procedure, or something else) is not
    being carried out. The director and the PMR read it and answer it on record.

    Who reported is stored in one of two ways (see ``services.concerns``):

    - the reporter gave their name: ``reporter`` and ``reporter_name`` are set, and the
      director and the PMR see the name;
    - the reporter did not: ``reporter`` stays empty and ``reporter_digest`` is a keyed hash
      (HMAC with the site's secret key) of the reporter's account and this row's random
      ``salt``. Only the reporter, signed in, is recognised by it (to read their report and its
      answer); nobody reading the pages or the table can tell who it was.

    The answer is written once (text, who, when) and never changed. ``shared``: the reporter
    agreed that the report and its answer may be shown to all staff, without their name."""

    class About(models.TextChoices):
        MEASURE = "measure", _("a measure of the ratified school plan")
        EVALUATION = "evaluation", _("the evaluation agreement")
        PROCEDURE = "procedure", _("the procedure")
        OTHER = "other", _("something else")

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="concerns"
    )
    number = models.PositiveIntegerField(_("number"))
    about = models.CharField(_("about"), max_length=12, choices=About.choices)
    measure_key = models.CharField(_("measure"), max_length=20, blank=True)
    measure_title = models.CharField(_("title of the measure"), max_length=200, blank=True)
    text = models.TextField(_("what is not being carried out"))
    shared = models.BooleanField(_("may be shown to colleagues without the reporter's name"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporter"),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    salt = models.CharField(max_length=32, blank=True, editable=False)
    reporter_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_by_name = models.CharField(_("answered by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("report to the meldpunt")
        verbose_name_plural = _("reports to the meldpunt")
        ordering = ["process", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="concern_number_unique"),
            models.CheckConstraint(
                condition=models.Q(reporter__isnull=True) | models.Q(reporter_digest=""),
                name="concern_named_or_anonymous",
            ),
        ]

    def __str__(self):
        return f"{self.process} #{self.number}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_named(self) -> bool:
        return bool(self.reporter_name)


class EvaluationMoment(models.Model):
    """A dated moment of the evaluation agreement (issue 18: the evaluation is kept, not only
    agreed). Whoever is responsible is reminded once before the date (``reminded_at``, set by
    a conditional update so two workers never both send; a new date re-arms it). At the moment
    the director and the PMR record an outcome per measure of the ratified plan
    (``EvaluationOutcome``); with one for every measure the moment is recorded
    (``recorded_at``), and then it may be shared with the staff (``shared_at``, once)."""

    class Responsible(models.TextChoices):
        DIRECTOR = "director", _("the director")
        PMR = "pmr", _("the PMR")
        BOTH = "both", _("the director and the PMR")

    agreement = models.ForeignKey(
        EvaluationAgreement, on_delete=models.CASCADE, related_name="moments"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    responsible = models.CharField(
        _("responsible"), max_length=10, choices=Responsible.choices, default=Responsible.BOTH
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("outcomes recorded at"), null=True, blank=True)
    shared_at = models.DateTimeField(_("shared with the staff at"), null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified = models.JSONField(_("staff members notified"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    # Counted up at each change of the moment or its outcomes made through a form: a form
    # loaded at an older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)

    class Meta:
        verbose_name = _("evaluation moment")
        verbose_name_plural = _("evaluation moments")
        ordering = ["agreement", "date", "pk"]

    def __str__(self):
        return f"{self.title} ({self.date})"

    @property
    def process(self):
        return self.agreement.process

    @property
    def held(self) -> bool:
        """Outcomes have been recorded at this moment (all or some)."""
        return self.recorded_at is not None or self.outcomes.exists()


class EvaluationOutcome(models.Model):
    """The outcome of one measure of the ratified school plan at one evaluation moment:
    continue, adjust or stop, with the reasons and the results against the goal the unit plan
    named. ``measure_key`` is the measure's key in the ratified version (the
    ``SchoolPlanMeasure``'s pk); the title is kept as it was ratified."""

    class Verdict(models.TextChoices):
        CONTINUE = "continue", _("continue")
        ADJUST = "adjust", _("adjust")
        STOP = "stop", _("stop")

    moment = models.ForeignKey(EvaluationMoment, on_delete=models.CASCADE, related_name="outcomes")
    measure_key = models.CharField(_("measure"), max_length=20)
    measure_title = models.CharField(_("title"), max_length=200)
    verdict = models.CharField(_("outcome"), max_length=10, choices=Verdict.choices)
    reasons = models.TextField(_("reasons"))
    results = models.TextField(_("indicators and results against the goal"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation outcome")
        verbose_name_plural = _("evaluation outcomes")
        ordering = ["moment", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["moment", "measure_key"], name="evaluation_outcome_once_per_measure"
            ),
        ]

    def __str__(self):
        return f"{self.measure_title}: {self.get_verdict_display()}"


class MeasureCarryOver(models.Model):
    """A unit measure of next year's plan carried over from a measure of last year's ratified
    plan, with the verdict of last year's evaluation (continue or adjust) it rests on."""

    unit_measure = models.OneToOneField(
        "plans.Measure", on_delete=models.CASCADE, related_name="carried_over"
    )
    outcome = models.ForeignKey(
        EvaluationOutcome, on_delete=models.PROTECT, related_name="carry_overs"
    )
    from_school_year = models.CharField(_("from school year"), max_length=20)
    from_title = models.CharField(_("measure last year"), max_length=200)
    verdict = models.CharField(
        _("outcome last year"), max_length=10, choices=EvaluationOutcome.Verdict.choices
    )
    carried_at = models.DateTimeField(_("carried over at"), default=timezone.now)
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("measure carried over")
        verbose_name_plural = _("measures carried over")

    def __str__(self):
        return f"{self.from_title} ({self.from_school_year})"
