"""The form of step 6: to whom, by when, and what a plan must contain."""

from django import forms
from django.utils.translation import gettext_lazy

from werkdruk.forms import DutchDateField


class AnnouncementForm(forms.Form):
    """To whom, by when, and what a plan must contain."""

    units = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Units"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one unit.")},
    )
    deadline = DutchDateField(
        label=gettext_lazy("Deadline for the unit plans"),
        help_text=gettext_lazy("By default the planned date of step 8."),
    )
    text = forms.CharField(
        label=gettext_lazy("What a plan must contain"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12, "class": "form-control"}),
        help_text=gettext_lazy("The standard text; adapt it to your school where needed."),
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(row.unit.pk, row.unit.name) for row in rows]
