"""Forms of the ballot pages: typing a personal code, the ballot itself, checking a receipt.

The forms only read what was typed or ticked; whether a ballot may be cast is decided by
``voting.services.casting.ballot_cast``.
"""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import Ballot, Vote

SCORES = [
    ("", gettext_lazy("no answer")),
    (1, gettext_lazy("1 = very poor")),
    (2, gettext_lazy("2 = poor")),
    (3, gettext_lazy("3 = fair")),
    (4, gettext_lazy("4 = good")),
    (5, gettext_lazy("5 = very good")),
]
CODE_MAX_LENGTH = 60  # a code of five groups of four, typed with spaces or dashes


def question_field_name(position) -> str:
    return f"q{position}"


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Your personal code"),
        max_length=CODE_MAX_LENGTH,
        help_text=gettext_lazy(
            "As in the e-mail or on your voting sheet, for example K7QM-2XPA-9RTB-HW3C-5NDE. "
            "Upper or lower case and spaces do not matter."
        ),
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": gettext_lazy("Type the code from your e-mail or sheet.")},
    )


class BallotForm(forms.Form):
    """Yes / no / abstain, and an optional appreciation (1-5) per question (``q<position>``)."""

    choice = forms.ChoiceField(
        label=gettext_lazy("Do you support this agreement?"),
        choices=Ballot.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose yes, no or abstain."),
            "invalid_choice": gettext_lazy("Choose yes, no or abstain."),
        },
    )

    def __init__(self, *args, questions=(), kind=Vote.Kind.AGREEMENT, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == Vote.Kind.UNIT_PLAN:
            self.fields["choice"].label = gettext_lazy("Do you approve this plan?")
        self.questions = list(questions)
        for question in self.questions:
            self.fields[question_field_name(question.position)] = forms.TypedChoiceField(
                label=question.text,
                choices=SCORES,
                coerce=int,
                empty_value=None,
                required=False,
                initial="",
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": gettext_lazy("An appreciation is a number from 1 to 5.")
                },
            )

    def question_rows(self):
        """(question, bound field) per question, in order, for the template."""
        return [(q, self[question_field_name(q.position)]) for q in self.questions]

    def appreciation(self) -> dict:
        """The answers by question position ({"1": 4}); unanswered questions left out."""
        answers = {}
        for question in self.questions:
            score = self.cleaned_data.get(question_field_name(question.position))
            if score is not None:
                answers[str(question.position)] = score
        return answers

    def summary(self):
        """What was chosen, for the review page: the choice and per question its position,
        text, score and the score's label (both None when not answered)."""
        labels = dict(SCORES)
        answers = self.appreciation()
        rows = []
        for question in self.questions:
            score = answers.get(str(question.position))
            rows.append(
                {
                    "name": question_field_name(question.position),
                    "text": question.text,
                    "score": score,
                    "label": labels[score] if score is not None else None,
                }
            )
        return {"choice": Ballot.Choice(self.cleaned_data["choice"]), "answers": rows}


class ReceiptCheckForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Your receipt code"),
        max_length=CODE_MAX_LENGTH,
        help_text=gettext_lazy("The code shown after you voted, for example 4KX7-Q2MP-ZT9A-H3WD."),
        widget=forms.TextInput(
            attrs={
                "class": "form-control font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
