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


class FunctionCostQuerySet(models.QuerySet):
    def yearly_costs(self, function: str) -> dict:
        """The yearly cost of 1.0 fte of ``function`` per school year, keyed by start year: the
        ``rates`` that ``plans.costs.cost_per_school_year`` takes for an fte measure."""
        rows = self.filter(function=function).select_related("school_year")
        return {row.school_year.start_year: row.yearly_cost for row in rows}

    def hourly_costs(self, function: str) -> dict:
        """The hourly cost of ``function`` per school year (stored, or derived from the yearly
        cost), keyed by start year: the ``rates`` for an hours measure."""
        rows = self.filter(function=function).select_related("school_year")
        return {row.school_year.start_year: row.effective_hourly_cost for row in rows}


class FunctionCost(models.Model):
    """The yearly cost of one function (teaching assistant, teacher LB, ...) at 1.0 fte in one
    school year: reference data the administrator keeps, used to cost personnel measures.

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
                fields=["school_year", "function"], name="plans_functioncost_unique_per_year"
            )
        ]

    def __str__(self):
        return f"{self.function} ({self.school_year})"

    @property
    def effective_hourly_cost(self):
        """The stored hourly cost, or the yearly cost over the norm year, half up to the cent."""
        from .costs import hourly_cost_from_yearly

        if self.hourly_cost is not None:
            return self.hourly_cost
        return hourly_cost_from_yearly(self.yearly_cost)
