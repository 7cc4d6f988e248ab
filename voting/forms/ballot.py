"""Forms of the ballot pages: typing a personal code, the ballot itself, checking a receipt.

The forms only read what was typed or ticked; whether a ballot may be cast is decided by
``voting.services.casting.ballot_cast``.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from werkdruk.exceptions import DomainError

from ..models import Ballot, Vote
from ..services.measures import clean_selection

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

    def __init__(self, *args, questions=(), kind=Vote.Kind.AGREEMENT, vote=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vote = vote
        self.options = []
        if kind == Vote.Kind.UNIT_PLAN:
            self.fields["choice"].label = gettext_lazy("Do you approve this plan?")
        if kind == Vote.Kind.UNIT_MEASURES:
            # A choice of measures: the options ticked (choice "yes") or an abstention.
            self.options = list(vote.options.all()) if vote is not None else []
            choice = self.fields["choice"]
            choice.label = gettext_lazy("Your choice")
            choice.choices = [
                (Ballot.Choice.YES, gettext_lazy("I choose the measures I ticked")),
                (Ballot.Choice.ABSTAIN, gettext_lazy("I abstain")),
            ]
            choice.error_messages["required"] = gettext_lazy(
                "Choose measures that fit the budget, or abstain."
            )
            self.fields["selection"] = forms.TypedMultipleChoiceField(
                label=gettext_lazy("Measures"),
                choices=[(o.position, o.title) for o in self.options],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": gettext_lazy("The ballot has no such option.")},
            )
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

    def clean(self):
        cleaned = super().clean()
        if self.vote is not None and self.vote.kind == Vote.Kind.UNIT_MEASURES:
            choice = cleaned.get("choice")
            if choice and "selection" not in self.errors:
                # The service's own check (over budget, nothing ticked), shown before casting.
                try:
                    cleaned["selection"] = clean_selection(
                        self.vote, choice, cleaned.get("selection") or []
                    )
                except DomainError as error:
                    self.add_error(None, error.message)
        return cleaned

    def option_rows(self):
        """(option, ticked) per option, in order, for the ballot and the review page."""
        ticked = {str(p) for p in (self["selection"].value() or [])} if self.options else set()
        return [(o, str(o.position) in ticked) for o in self.options]

    def selection(self) -> list[int]:
        return list(self.cleaned_data.get("selection") or [])

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
        chosen = set(self.selection())
        options = [o for o in self.options if o.position in chosen]
        return {
            "choice": Ballot.Choice(self.cleaned_data["choice"]),
            "answers": rows,
            "options": options,
            "total": sum((o.cost for o in options), Decimal("0.00")),
        }


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
