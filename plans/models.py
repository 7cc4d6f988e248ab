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
