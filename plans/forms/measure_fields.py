"""The school years and amounts of a measure, as both measure forms ask them: the unit-plan
measure (step 8, ``plans.forms.unit_plans``) and the school-plan measure (step 9,
``schoolplans.forms.merge``). Same fields, same choices, same check."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkdruk.forms import AmountField

from ..services.measure_costs import school_year_label

YEARS_SHOWN = 5  # school years offered from the process's own, more if a measure runs longer


def school_years(process, *, through: int | None = None) -> list[int]:
    """The start years a measure may run in: the process's school year and the ones after it,
    YEARS_SHOWN in all, or up to ``through`` (a measure's last year) when that is later."""
    start = process.school_year.start_year
    end = start + YEARS_SHOWN if through is None else max(start + YEARS_SHOWN, through + 1)
    return list(range(start, end))


def _school_year_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )


def first_year_field() -> forms.TypedChoiceField:
    return _school_year_field(gettext_lazy("First school year"))


def last_year_field() -> forms.TypedChoiceField:
    return _school_year_field(gettext_lazy("Last school year"))


def amount_field(label, *, help_text="") -> AmountField:
    """An optional amount in euros, typed in a text box (decimal comma or point)."""
    return AmountField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class SchoolYearsMixin:
    """For a form whose fields ``first_year`` and ``last_year`` are first_year_field() and
    last_year_field(): offers the school years and checks their order."""

    def set_school_years(self, years) -> None:
        choices = [(year, school_year_label(year)) for year in years]
        self.fields["first_year"].choices = choices
        self.fields["last_year"].choices = choices

    def school_years_in_order(self, data) -> bool:
        """True when the first and the last school year are both chosen and in order; an
        error on ``last_year`` when the last comes before the first."""
        first, last = data.get("first_year"), data.get("last_year")
        if first is None or last is None:
            return False
        if first > last:
            self.add_error("last_year", _("The last school year cannot come before the first."))
            return False
        return True
