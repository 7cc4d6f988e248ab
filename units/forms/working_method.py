"""Forms of step 7. They validate input; ``units.services.working_method`` decides."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from werkdruk.edit_conflicts import VersionField
from werkdruk.forms import DutchDateField, DutchTimeField, LocalDecimalField

from ..models import WorkingMethod
from ..services.working_method import FACILITATION_MAX, TEXT_MAX, MeetingData

# Empty rows offered for new meeting dates (pages work without JavaScript).
EXTRA_MEETINGS = 3


class WorkingMethodForm(forms.Form):
    leader = forms.TypedChoiceField(
        label=_("Conversation leader"),
        coerce=int,
        help_text=_(
            "An active member of the unit. The conversation leader is the unit's coordinator, "
            "who submits the unit's plan."
        ),
        error_messages={"required": _("Choose the conversation leader.")},
    )
    decision_mode = forms.ChoiceField(
        label=_("How the unit decides"),
        choices=WorkingMethod.DecisionMode.choices,
        widget=forms.RadioSelect,
        help_text=_("A vote is held in this application when the unit's plan is ready."),
        error_messages={"required": _("Choose how the unit decides.")},
    )
    participation = forms.ChoiceField(
        label=_("Taking part is"),
        choices=WorkingMethod.Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether taking part is voluntary or compulsory.")},
    )
    facilitation = forms.CharField(
        label=_("Facilitation"),
        required=False,
        max_length=FACILITATION_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("For example: in working time, meetings replace a team meeting, a meal."),
    )
    hours_credited = LocalDecimalField(
        label=_("Hours credited (optional)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("999.99"),
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Hours of the annual task that taking part counts for."),
    )
    version = VersionField()

    @staticmethod
    def initial_for(method) -> dict:
        """The working method's values; version 0 while none is recorded."""
        if method is None:
            return {"version": 0}
        return {
            "leader": method.leader_id,
            "decision_mode": method.decision_mode,
            "participation": method.participation,
            "facilitation": method.facilitation,
            "hours_credited": method.hours_credited,
            "version": method.version,
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", _("choose a member"))] + [
            (member.pk, member.name) for member in members
        ]
        self.fields["leader"].widget.attrs["class"] = "form-select"


class MeetingForm(forms.Form):
    date = DutchDateField(label=_("Date"), required=False)
    starts_at = DutchTimeField(label=_("Time (optional)"), required=False)
    place = forms.CharField(
        label=_("Place (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean(self):
        data = super().clean()
        details = data.get("starts_at") or data.get("place") or data.get("note")
        if details and not data.get("date"):
            self.add_error("date", _("Give the date of this meeting."))
        return data

    def meeting(self) -> MeetingData | None:
        """The meeting entered in this row, or None for an empty row."""
        data = self.cleaned_data
        if not data.get("date") or data.get("DELETE"):
            return None
        return MeetingData(
            date=data["date"],
            starts_at=data.get("starts_at"),
            place=data.get("place", ""),
            note=data.get("note", ""),
        )


MeetingFormSet = forms.formset_factory(
    MeetingForm, extra=EXTRA_MEETINGS, can_delete=True, max_num=50, validate_max=True
)
