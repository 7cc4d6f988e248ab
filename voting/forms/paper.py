"""Forms of the paper-ballot and token-sheet pages. They validate input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Voter

NOT_ON_ROLL = _("Someone ticked is not on the roll or has voted already.")


def not_voted(vote):
    """The voters on the roll of ``vote`` who have not voted yet, by unit and name."""
    return (
        Voter.objects.filter(vote=vote, participation__isnull=True)
        .select_related("staff_member")
        .order_by("unit_name", "staff_member__name", "pk")
    )


def _count_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


class CountsForm(forms.Form):
    """The numbers of yes, no and abstain ballots, as counted by a teller."""

    yes = _count_field(_("Yes"))
    no = _count_field(_("No"))
    abstain = _count_field(_("Abstain"))

    def counts(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("yes", "no", "abstain")}


class PaperEntryForm(CountsForm):
    """The first teller's entry: the meeting, who handed in a ballot, and the counts."""

    description = forms.CharField(
        label=_("Meeting (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("For example: staff meeting of 12 March."),
    )
    voters = forms.ModelMultipleChoiceField(
        label=_("Who handed in a paper ballot"),
        queryset=Voter.objects.none(),
        error_messages={
            "required": _("Tick the voters who handed in a paper ballot."),
            "invalid_choice": NOT_ON_ROLL,
            "invalid_pk_value": NOT_ON_ROLL,
        },
    )

    field_order = ["description", "voters", "yes", "no", "abstain"]

    def __init__(self, *args, vote, **kwargs):
        super().__init__(*args, **kwargs)
        # Only voters of this vote; the service reports who has voted meanwhile by name.
        self.fields["voters"].queryset = Voter.objects.filter(vote=vote)

    def selected(self) -> set[str]:
        """The ticked voter ids as strings (to tick them again when the page is re-rendered)."""
        if not self.is_bound:
            return set()
        return {str(value) for value in self.data.getlist("voters")}


class TokenSheetForm(forms.Form):
    """The voters who get a printed sheet with a personal code."""

    voters = forms.ModelMultipleChoiceField(
        label=_("Voters"),
        queryset=Voter.objects.none(),
        error_messages={
            "required": _("Tick the voters who need a personal voting sheet."),
            "invalid_choice": NOT_ON_ROLL,
            "invalid_pk_value": NOT_ON_ROLL,
        },
    )

    mark_unusable = forms.BooleanField(
        label=_(
            "Also record that the e-mail address of the ticked people does not work: they "
            "are listed first next time."
        ),
        required=False,
    )

    def __init__(self, *args, vote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voters"].queryset = not_voted(vote)

    def selected(self) -> set[str]:
        if not self.is_bound:
            return set()
        return {str(value) for value in self.data.getlist("voters")}
