"""Forms of the ideas round. They validate input; ``plans.services.ideas`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from werkdruk.forms import DutchDateField

from ..models import MeasureCategory
from ..services.ideas import IDEA_MAX


class IdeasRoundForm(forms.Form):
    opens_on = DutchDateField(label=_("Opens on"))
    closes_on = DutchDateField(
        label=_("Closes on"),
        help_text=_("Ideas can be put forward up to and including this day."),
    )

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        return data


class IdeaForm(forms.Form):
    text = forms.CharField(
        label=_("Your idea"),
        max_length=IDEA_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What should the money go to? Others see your idea without your name."),
        error_messages={"required": _("Write your idea.")},
    )
    category = forms.ModelChoiceField(
        label=_("Category (optional)"),
        queryset=MeasureCategory.objects.all(),
        required=False,
    )


class TakeUpForm(forms.Form):
    measure = forms.TypedChoiceField(
        label=_("Taken up in the measure"),
        coerce=int,
        error_messages={"required": _("Choose one of the unit's measures.")},
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "---------")] + [
            (measure.pk, measure.title) for measure in measures
        ]
