"""Form of the conversation-group generator. The service checks everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..grouping import Kind

SEED_MAX = 10**9


class GroupingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of grouping"),
        choices=Kind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    seed = forms.IntegerField(
        label=_("Draw number"),
        min_value=0,
        max_value=SEED_MAX,
        initial=1,
        help_text=_("The same number gives the same random groups."),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
