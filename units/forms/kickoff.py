"""Forms of the kick-off pages (step 5). The services check everything again."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from werkdruk.forms import DutchDateField, DutchTimeField, LocalDecimalField

from ..models import KickoffSession
from ..services.kickoff import SESSION_FIELDS


class KickoffSessionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional, e.g. “Session A” when there are several."),
    )
    date = DutchDateField(label=_("Date"))
    starts_at = DutchTimeField(label=_("Start time"))
    ends_at = DutchTimeField(label=_("End time"))
    place = forms.CharField(label=pgettext_lazy("location", "Place"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=KickoffSession.Format.choices,
        initial=KickoffSession.Format.PLENARY_THEN_SESSIONS,
    )
    in_working_time = forms.BooleanField(label=_("In working time"), required=False, initial=True)
    meal_offered = forms.BooleanField(label=_("A meal is offered"), required=False)
    hours_credited = LocalDecimalField(
        label=_("Hours credited"),
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("0"),
        help_text=_("Hours of the annual task that attending counts for."),
    )
    uses_sign_up = forms.BooleanField(label=_("Staff sign up for this session"), required=False)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        required=False,
        help_text=_("The most people who can sign up; leave empty for no limit."),
    )

    CSS = {
        "title": "form-control",
        "date": "form-control",
        "starts_at": "form-control",
        "ends_at": "form-control",
        "place": "form-control",
        "agenda": "form-control",
        "format": "form-select",
        "hours_credited": "form-control",
        "capacity": "form-control",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, css in self.CSS.items():
            self.fields[name].widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.CSS:
                self.fields[name].widget.attrs["class"] = f"{self.CSS[name]} is-invalid"

    @classmethod
    def initial_for(cls, session) -> dict:
        return {name: getattr(session, name) for name in SESSION_FIELDS}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in SESSION_FIELDS}


class AttendanceCountForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of people present"),
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class AttendancePerPersonForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, staff_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(pk, pk) for pk in staff_ids]


class HeldForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
