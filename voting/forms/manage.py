"""Forms of the PMR's vote pages: the vote's rule and times, and changes to the roll."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from werkdruk.forms import DutchDateTimeField

from ..models import Vote

HALF, TWO_THIRDS, CUSTOM = "half", "two_thirds", "custom"
FRACTIONS = {HALF: (1, 2), TWO_THIRDS: (2, 3)}

# What the three bases mean, shown under each choice.
BASE_HELP = {
    Vote.Base.VOTES_CAST: _(
        "Yes must be more than the chosen part of all yes, no and abstain votes. An abstention "
        "works like a no."
    ),
    Vote.Base.YES_NO: _(
        "Only yes and no count; abstentions are left out. The usual simple majority."
    ),
    Vote.Base.ELIGIBLE: _(
        "Yes must be more than the chosen part of everyone on the roll. Not voting works like a no."
    ),
}

REMINDER_CHOICES = [7, 3, 2, 1]


def _days_label(days) -> str:
    return ngettext("%(count)s day before closing", "%(count)s days before closing", days) % {
        "count": days
    }


def _datetime_field(label):
    return DutchDateTimeField(label=label)


class VoteForm(forms.Form):
    """The times, the rule, the reminders and the appreciation questions of a vote.

    Times are typed in the school's time zone (Europe/Amsterdam). The services check the rule
    itself (a fraction of at least a half, closing after opening); their refusals are shown
    on the form.
    """

    opens_at = _datetime_field(_("Opens at"))
    closes_at = _datetime_field(_("Closes at"))
    base = forms.ChoiceField(
        label=_("What counts as 100%"),
        choices=Vote.Base.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    majority = forms.ChoiceField(
        label=_("Majority needed"),
        choices=[
            (HALF, _("more than half")),
            (TWO_THIRDS, _("more than two thirds")),
            (CUSTOM, _("more than another fraction")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    numerator = forms.IntegerField(
        label=_("Numerator"),
        required=False,
        min_value=1,
        max_value=99,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    denominator = forms.IntegerField(
        label=_("Denominator"),
        required=False,
        min_value=2,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    quorum_percentage = forms.IntegerField(
        label=_("Quorum (minimum turnout, %)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_(
            "Optional. If the turnout is lower than this percentage of the voters' roll, the "
            "vote is invalid. Leave empty for no quorum."
        ),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    reminder_days = forms.TypedMultipleChoiceField(
        label=_("Reminders to those who have not voted yet"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    questions = forms.CharField(
        label=_("Appreciation questions (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_(
            "One question per line, at most 10, e.g. “How do you rate the split of the "
            "budget?”. Voters may answer each from 1 (very poor) to 5 (very good)."
        ),
    )

    key_custody = forms.ChoiceField(
        label=_("Who keeps the key that counts the vote"),
        choices=Vote.KeyCustody.choices,
        initial=Vote.KeyCustody.SERVER,
        required=False,  # not chosen: the server keeps it, the usual choice
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    key_holders = forms.ModelMultipleChoiceField(
        label=_("Key holders"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    key_loss_understood = forms.BooleanField(
        label=_(
            "We understand: if fewer than two key holders can give their share back after the "
            "vote, the ballots cannot be counted; the vote is then void and is held again."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, key_holder_candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_holders"].queryset = key_holder_candidates
        # Labels in the language of the request; reminder days a vote already has are kept,
        # also when they are not among the usual ones.
        kept = {int(d) for d in self.initial.get("reminder_days", [])}
        days = sorted(set(REMINDER_CHOICES) | kept, reverse=True)
        self.fields["reminder_days"].choices = [(d, _days_label(d)) for d in days]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields and "form-control" in self.fields[name].widget.attrs.get(
                "class", ""
            ):
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"

    @classmethod
    def initial_default(cls, now=None) -> dict:
        """Opens now (to the minute), closes in a week at 17:00, more than half of the votes
        cast, no quorum, reminders 3 days and 1 day before closing."""
        now = timezone.localtime(now or timezone.now()).replace(second=0, microsecond=0)
        closes = (now + datetime.timedelta(days=7)).replace(hour=17, minute=0)
        return {
            "opens_at": now,
            "closes_at": closes,
            "base": Vote.Base.VOTES_CAST,
            "majority": HALF,
            "reminder_days": [3, 1],
            "key_custody": Vote.KeyCustody.SERVER,
        }

    @classmethod
    def initial_for(cls, vote) -> dict:
        fraction = (vote.majority_numerator, vote.majority_denominator)
        majority = next((k for k, v in FRACTIONS.items() if v == fraction), CUSTOM)
        return {
            "opens_at": vote.opens_at,
            "closes_at": vote.closes_at,
            "base": vote.base,
            "majority": majority,
            "numerator": vote.majority_numerator if majority == CUSTOM else None,
            "denominator": vote.majority_denominator if majority == CUSTOM else None,
            "quorum_percentage": vote.quorum_percentage,
            "reminder_days": list(vote.reminder_days),
            "questions": "\n".join(q.text for q in vote.questions.all()),
            "key_custody": vote.key_custody,
            "key_holders": [h.user_id for h in vote.key_holders.all()],
            "key_loss_understood": vote.key_custody == Vote.KeyCustody.HOLDERS,
        }

    def clean_questions(self):
        """One question per line; the service checks how many and how long."""
        return [
            line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()
        ]

    def clean(self):
        data = super().clean()
        if data.get("majority") == CUSTOM:
            for name in ("numerator", "denominator"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Give the fraction for a custom majority."))
        if data.get("key_custody") == Vote.KeyCustody.HOLDERS and not data.get(
            "key_loss_understood"
        ):
            self.add_error(
                "key_loss_understood",
                _("Confirm that you understand what happens when key shares are lost."),
            )
        return data

    def service_kwargs(self) -> dict:
        """The cleaned input as keyword arguments of ``vote_create`` / ``vote_update_rule``."""
        data = self.cleaned_data
        if data["majority"] == CUSTOM:
            numerator, denominator = data["numerator"], data["denominator"]
        else:
            numerator, denominator = FRACTIONS[data["majority"]]
        return {
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "base": data["base"],
            "numerator": numerator,
            "denominator": denominator,
            "quorum_percentage": data.get("quorum_percentage"),
            "reminder_days": data.get("reminder_days") or [],
            "questions": data["questions"],
            "key_custody": data.get("key_custody") or Vote.KeyCustody.SERVER,
            "key_holders": list(data.get("key_holders") or []),
        }


class VoterAddForm(forms.Form):
    """Put a staff member of the school who is not on the roll on it, with the reason."""

    staff_member = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    grounds = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Recorded with the decision, e.g. “started on 1 March”."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = staff
