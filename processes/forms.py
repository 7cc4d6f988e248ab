from django import forms
from django.utils.translation import gettext_lazy as _

from werkdruk.forms import DutchDateField

from .models import Process, ProcessStep, SignOff


class ProcessCreateForm(forms.Form):
    school_year = forms.ModelChoiceField(label=_("School year"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label=_("Kind of procedure"),
        choices=Process.Kind.choices,
        initial=Process.Kind.FULL,
        help_text=_("A light procedure may skip steps 5 to 7, with recorded grounds."),
    )
    reminder_lead_days = forms.IntegerField(
        label=_("Send reminders this many days before a planned date"),
        min_value=0,
        max_value=60,
        initial=7,
    )
    copy_previous = forms.BooleanField(
        label=_("Start from last year's process (its set-up and planning)"), required=False
    )

    def __init__(self, *args, school_years, has_previous, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].queryset = school_years
        if not has_previous:
            del self.fields["copy_previous"]


class SignOffForm(forms.Form):
    side = forms.ChoiceField(label=_("Sign off as"), choices=SignOff.Side.choices)
    grounds = forms.CharField(
        label=_("Remarks (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sides=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].choices = [c for c in SignOff.Side.choices if c[0] in sides]
        if len(sides) == 1:
            self.fields["side"].initial = sides[0]
            self.fields["side"].widget = forms.HiddenInput()


class StepCompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StepActorForm(forms.Form):
    agreed_actor = forms.ChoiceField(
        label=_("Carried out by"), choices=ProcessStep.AgreedActor.choices
    )
    detail = forms.CharField(
        label=_("Name of the facilitator or group (optional)"), required=False, max_length=200
    )


class StepActorAgreeForm(forms.Form):
    """The other side's agreement to the waiting proposal of who carries out a step."""

    proposal = forms.IntegerField(widget=forms.HiddenInput())
    grounds = forms.CharField(
        label=_("Remarks (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class StepActorRejectForm(forms.Form):
    """The other side's rejection of the waiting proposal, with reasons."""

    proposal = forms.IntegerField(widget=forms.HiddenInput())
    grounds = forms.CharField(
        label=_("Reasons for rejecting"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class StepPlanForm(forms.Form):
    planned_date = DutchDateField(label=_("Planned date"))


class GroundsForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
