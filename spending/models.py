"""Carrying out the ratified school plan: what was spent on each of its measures.

One ``MeasureSpending`` row per measure of the ratified plan and school year (the period is the
school year, as the plan plans its costs per school year). The planned amount is not stored
here: it is the ratified version's ``cost_per_year`` for that year, frozen with the plan. A
measure without a row is "planned" with nothing spent yet. Every change is kept in the row's
history (django-simple-history, with the person who made it).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

AMOUNT = {"max_digits": 12, "decimal_places": 2}
FTE_MAX = 99


class MeasureSpending(models.Model):
    """Actual spending, status and fte hired of one ratified measure in one school year."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        STARTED = "started", _("started")
        DONE = "done", pgettext_lazy("spending status", "done")
        CANCELLED = "cancelled", _("cancelled")

    process = models.ForeignKey(
        "processes.Process", on_delete=models.CASCADE, related_name="spending"
    )
    measure = models.ForeignKey(
        "schoolplans.SchoolPlanMeasure",
        on_delete=models.PROTECT,
        related_name="spending",
        verbose_name=_("measure"),
    )
    start_year = models.PositiveSmallIntegerField(_("school year"))
    actual = models.DecimalField(
        _("actual spending"), default=0, validators=[MinValueValidator(0)], **AMOUNT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    fte_hired = models.DecimalField(
        _("fte actually hired"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(FTE_MAX)],
    )
    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(_("last changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Counted up by the services at each change made through a form: a form loaded at an
    # older version is refused instead of overwriting (werkdruk.edit_conflicts).
    version = models.PositiveIntegerField(_("edit version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spending on a measure")
        verbose_name_plural = _("spending on measures")
        ordering = ["process", "start_year", "measure__order", "measure_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "start_year"], name="measure_spending_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(actual__gte=0), name="measure_spending_actual_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.measure_id} {self.start_year}: {self.actual}"
