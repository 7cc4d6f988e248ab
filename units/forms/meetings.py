"""Forms of the unit meetings: minutes with attendance, and the PMR's note. They validate
input; ``units.services.meetings`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.meetings import MINUTES_MAX, NOTE_MAX


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        max_length=MINUTES_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was discussed and agreed. The unit's members read the minutes."),
        error_messages={"required": _("Write the minutes.")},
    )
    present = forms.TypedMultipleChoiceField(
        label=_("Present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick the members who attended. Members see only the number; you, the director "
            "and the PMR see the names."
        ),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(member.pk, member.name) for member in members]


class PmrNoteForm(forms.Form):
    about = forms.ChoiceField(
        label=_("About"), error_messages={"required": _("Choose a unit meeting or a step.")}
    )
    text = forms.CharField(
        label=_("Your note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the note.")},
    )

    def __init__(self, *args, meetings=(), steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        meeting_choices = [
            (
                f"meeting-{meeting.pk}",
                f"{meeting.working_method.unit.name}: {meeting.date:%d-%m-%Y}",
            )
            for meeting in meetings
        ]
        step_choices = [
            (f"step-{step.number}", f"{step.number}. {step.definition.label}") for step in steps
        ]
        self.fields["about"].choices = [
            ("", "---------"),
            (_("Steps"), step_choices),
            (_("Unit meetings"), meeting_choices),
        ]

    def target(self) -> dict:
        """The service's keyword for what the note is about: ``meeting`` or ``step_number``."""
        kind, _sep, pk = self.cleaned_data["about"].partition("-")
        return {"meeting": int(pk)} if kind == "meeting" else {"step_number": int(pk)}
