"""The form of the unit's approval vote on its plan: when it closes and its rule."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from voting.forms.manage import BASE_HELP, FRACTIONS, HALF, TWO_THIRDS
from voting.models import Vote
from werkdruk.forms import DutchDateTimeField


class PlanVoteForm(forms.Form):
    """When the unit's vote closes and its rule; it opens at once. Times in Europe/Amsterdam."""

    closes_at = DutchDateTimeField(label=gettext_lazy("Voting closes at"))
    base = forms.ChoiceField(
        label=gettext_lazy("What counts as 100%"),
        choices=Vote.Base.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    majority = forms.ChoiceField(
        label=gettext_lazy("Majority needed"),
        choices=[
            (HALF, gettext_lazy("more than half")),
            (TWO_THIRDS, gettext_lazy("more than two thirds")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    quorum_percentage = forms.IntegerField(
        label=gettext_lazy("Quorum (minimum turnout, %)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("Optional. Leave empty for no quorum."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    @staticmethod
    def initial_default(now=None) -> dict:
        """Closes in a week at 17:00; more than half of the yes and no votes; no quorum."""
        now = timezone.localtime(now or timezone.now())
        closes = (now + datetime.timedelta(days=7)).replace(
            hour=17, minute=0, second=0, microsecond=0
        )
        return {"closes_at": closes, "base": Vote.Base.YES_NO, "majority": HALF}

    def base_options(self) -> list:
        """Each choice of what counts as 100%, with what it means."""
        return [(radio, BASE_HELP[radio.data["value"]]) for radio in self["base"]]

    def service_kwargs(self) -> dict:
        numerator, denominator = FRACTIONS[self.cleaned_data["majority"]]
        return {
            "closes_at": self.cleaned_data["closes_at"],
            "base": self.cleaned_data["base"],
            "numerator": numerator,
            "denominator": denominator,
            "quorum_percentage": self.cleaned_data["quorum_percentage"],
        }
