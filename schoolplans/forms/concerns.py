"""The meldpunt's forms: a report and its answer. They validate input;
``schoolplans.services.concerns`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Concern
from ..services.concerns import TEXT_MAX

About = Concern.About
MEASURE_PREFIX = "measure:"


class ConcernForm(forms.Form):
    subject = forms.ChoiceField(label=_("What is your report about?"))
    text = forms.CharField(
        label=_("Which agreement is not being carried out, and what do you notice?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    give_name = forms.BooleanField(
        label=_("Show my name to the director and the PMR"),
        required=False,
        help_text=_(
            "Without your name nobody at school sees who made the report; "
            "you still read the answer here."
        ),
    )
    shared = forms.BooleanField(
        label=_("My report and its answer may be shown to colleagues, without my name"),
        required=False,
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------")]
        if measures:
            choices.append(
                (
                    _("A measure of the ratified school plan"),
                    [(f"{MEASURE_PREFIX}{m['key']}", m["title"]) for m in measures],
                )
            )
        choices += [
            (About.EVALUATION.value, About.EVALUATION.label),
            (About.PROCEDURE.value, About.PROCEDURE.label),
            (About.OTHER.value, About.OTHER.label),
        ]
        self.fields["subject"].choices = choices

    def clean(self):
        data = super().clean()
        subject = data.get("subject") or ""
        if subject.startswith(MEASURE_PREFIX):
            data["about"], data["measure_key"] = About.MEASURE, subject[len(MEASURE_PREFIX) :]
        else:
            data["about"], data["measure_key"] = subject, ""
        return data


class ConcernAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (on record: the reporter reads it, with your name and the date)"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
