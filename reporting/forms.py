"""Forms of the annual report pages."""

from django import forms
from django.utils.translation import gettext_lazy

from werkdruk.edit_conflicts import VersionField
from werkdruk.forms import DutchDateField, LocalDecimalField

from .models import ReportJob


class ReportJobForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("File type"),
        choices=ReportJob.Format.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class FactsheetForm(forms.Form):
    """The factsheet before step 1; ``reporting.factsheet.factsheet_save`` decides."""

    version = VersionField()
    mto_workload_score = LocalDecimalField(
        label=gettext_lazy("Workload score in the staff survey (MTO)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
    )
    mto_response_rate = LocalDecimalField(
        label=gettext_lazy("Response rate of the staff survey (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    absence_percentage = LocalDecimalField(
        label=gettext_lazy("Absence percentage"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    absence_frequency = LocalDecimalField(
        label=gettext_lazy("Absence frequency (reports per employee per year)"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )
    figures_source = forms.CharField(
        label=gettext_lazy("Source of the figures"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("For example: MTO 2025 by the survey bureau, absence report."),
    )
    figures_date = DutchDateField(label=gettext_lazy("Date of the figures"), required=False)
    policy_history = forms.CharField(
        label=gettext_lazy("Recent workload and task policy"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    funds_use = forms.CharField(
        label=gettext_lazy("How earlier workload funds were used and evaluated"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lessons = forms.CharField(
        label=gettext_lazy("Last year's lessons"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @staticmethod
    def initial_for(factsheet) -> dict:
        if factsheet is None:
            return {"version": 0}
        names = [name for name in FactsheetForm.base_fields if name != "version"]
        return {"version": factsheet.version, **{n: getattr(factsheet, n) for n in names}}
