"""Forms of step 9: a school-plan measure, combining measures, the introduction. They read
input; ``schoolplans.services.merge`` decides."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.forms.measure_fields import (
    SchoolYearsMixin,
    amount_field,
    first_year_field,
    last_year_field,
    school_years,
)
from plans.models import MeasureCategory
from plans.services.measure_costs import school_year_label
from werkdruk.edit_conflicts import VersionField

TEXT_MAX = 10000


def _textarea(label, *, rows=3, required=False, max_length=TEXT_MAX, help_text=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


def _title_field():
    return forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def _annotation_field():
    return _textarea(
        gettext_lazy("Note of the merging group"),
        help_text=gettext_lazy("Why the measure was combined or changed; shown with it."),
    )


class SchoolMeasureForm(SchoolYearsMixin, forms.Form):
    """A school-plan measure: text, category, school years, structural, the amount in each
    school year (fields ``cost_<year>``) and the merging group's note."""

    title = _title_field()
    description = _textarea(gettext_lazy("Description"), rows=4)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=MeasureCategory.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    first_year = first_year_field()
    last_year = last_year_field()
    structural = forms.BooleanField(
        label=gettext_lazy("Structural (a lasting commitment)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    annotation = _annotation_field()
    version = VersionField()

    def __init__(self, *args, measure, categories, **kwargs):
        self.years = school_years(measure.school_plan.process, through=measure.last_year)
        kwargs.setdefault("initial", self.initial_for(measure, years=self.years))
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.set_school_years(self.years)
        for year in self.years:
            self.fields[f"cost_{year}"] = amount_field(school_year_label(year))

    @staticmethod
    def initial_for(measure, *, years) -> dict:
        costs = measure.cost_per_year or {}
        return {
            "title": measure.title,
            "description": measure.description,
            "category": measure.category,
            "first_year": measure.first_year,
            "last_year": measure.last_year,
            "structural": measure.structural,
            "annotation": measure.annotation,
            **{f"cost_{year}": costs.get(str(year)) for year in years},
            "version": measure.version,
        }

    def cost_fields(self) -> list:
        return [self[f"cost_{year}"] for year in self.years]

    def clean(self):
        data = super().clean()
        if not self.school_years_in_order(data):
            return data
        first, last = data["first_year"], data["last_year"]
        for year in self.years:
            amount = data.get(f"cost_{year}")
            if amount and not first <= year <= last:
                self.add_error(
                    f"cost_{year}",
                    _("This school year is outside the measure's school years."),
                )
        data["cost_per_year"] = {
            year: data.get(f"cost_{year}") or Decimal("0.00") for year in range(first, last + 1)
        }
        return data


class CombineForm(forms.Form):
    """Which measures become one, and the combined measure's title, description and note."""

    measures = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Measures to combine"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    title = _title_field()
    description = _textarea(
        gettext_lazy("Description"),
        rows=3,
        help_text=gettext_lazy("Leave empty to take the descriptions of the measures combined."),
    )
    annotation = _annotation_field()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = choices

    def clean_measures(self):
        measures = self.cleaned_data["measures"]
        if len(set(measures)) < 2:
            raise forms.ValidationError(_("Choose at least two measures to combine."))
        return measures


class IntroductionForm(forms.Form):
    introduction = _textarea(
        gettext_lazy("Introduction"),
        rows=5,
        help_text=gettext_lazy("The merging group's notes for the whole plan."),
    )
    version = VersionField()

    @staticmethod
    def initial_for(school_plan) -> dict:
        return {"introduction": school_plan.introduction, "version": school_plan.version}
