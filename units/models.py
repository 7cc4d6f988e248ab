from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

FTE_MIN = Decimal("0.0001")
FTE_MAX = Decimal("1.2")


class StaffCategory(models.TextChoices):
    OP = "OP", _("teaching staff (OP)")
    OOP = "OOP", _("support staff (OOP)")
    MT = "MT", _("management (MT)")


class StaffMember(models.Model):
    """A person employed at one school. Someone working at two schools has two rows."""

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
        super().save(*args, **kwargs)
