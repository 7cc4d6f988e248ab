"""Forms of the function cost pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from werkdruk.forms import AmountField


class FunctionCostFiguresForm(forms.Form):
    yearly_cost = AmountField(
        label=_("Yearly cost of 1.0 fte (€)"),
        help_text=_("Total employer's cost of one full-time job for a school year."),
    )
    hourly_cost = AmountField(
        label=_("Hourly cost (€)"),
        required=False,
        help_text=_("Leave empty to use the yearly cost divided by the norm year of 1659 hours."),
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class FunctionCostForm(FunctionCostFiguresForm):
    start_year = forms.TypedChoiceField(label=_("School year"), coerce=int, choices=())
    function = forms.CharField(
        label=_("Function"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "known-functions"}),
    )

    field_order = ["start_year", "function", "yearly_cost", "hourly_cost", "source"]

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_year"].choices = years
