"""Forms of the annual report pages."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import ReportJob


class ReportJobForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("File type"),
        choices=ReportJob.Format.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
