"""The set-up form of a unit's choice of measures within its budget: the options (the plan's
measures ticked, and options typed in with a cost), when the vote closes, and a quorum."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from werkdruk.forms import AmountField, DutchDateTimeField

EXTRA_ROWS = 5  # options typed in on the set-up page


def title_name(i) -> str:
    return f"title_{i}"


def cost_name(i) -> str:
    return f"cost_{i}"


class MeasuresVoteForm(forms.Form):
    closes_at = DutchDateTimeField(label=gettext_lazy("Voting closes at"))
    quorum_percentage = forms.IntegerField(
        label=gettext_lazy("Quorum (minimum turnout, %)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("Optional. Leave empty for no quorum."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    measures = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Measures of the plan as options"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Each with its title and its total cost as they are now."),
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_measures = list(measures)
        self.fields["measures"].choices = [(m.pk, m.title) for m in self.plan_measures]
        for i in range(1, EXTRA_ROWS + 1):
            self.fields[title_name(i)] = forms.CharField(
                label=gettext_lazy("Option %(number)s: title") % {"number": i},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[cost_name(i)] = AmountField(
                label=gettext_lazy("Option %(number)s: cost (€)") % {"number": i},
                required=False,
            )

    @staticmethod
    def initial_default(measures=(), now=None) -> dict:
        """Closes in a week at 17:00; every measure of the plan ticked; no quorum."""
        now = timezone.localtime(now or timezone.now())
        closes = (now + datetime.timedelta(days=7)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        return {"closes_at": closes, "measures": [m.pk for m in measures]}

    def extra_rows(self):
        """(title field, cost field) per row typed in, for the template."""
        return [(self[title_name(i)], self[cost_name(i)]) for i in range(1, EXTRA_ROWS + 1)]

    def measure_rows(self):
        """(measure, ticked) per measure of the plan, for the template."""
        ticked = {str(v) for v in (self["measures"].value() or [])}
        return [(m, str(m.pk) in ticked) for m in self.plan_measures]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        extra = [
            {"title": data.get(title_name(i)), "cost": data.get(cost_name(i))}
            for i in range(1, EXTRA_ROWS + 1)
            if data.get(title_name(i)) or data.get(cost_name(i)) is not None
        ]
        return {
            "closes_at": data["closes_at"],
            "quorum_percentage": data["quorum_percentage"],
            "measure_ids": data["measures"],
            "extra_options": extra,
        }
