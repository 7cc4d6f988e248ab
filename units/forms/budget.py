"""Forms of step 0 (the board's split) and the school budget. They validate; services save."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from werkdruk.forms import AmountField, DutchDateField, LocalDecimalField

from ..models import BoardAllocation, BudgetLine


class AllocationForm(forms.Form):
    total = AmountField(
        label=_("Total for the board"),
        help_text=_("The board's workload funds for the school year, in euros."),
    )
    board_office_fte = LocalDecimalField(
        label=_("fte of the board office"),
        required=False,
        max_digits=8,
        decimal_places=4,
        min_value=Decimal("0"),
        help_text=_(
            "Optional. When the board office keeps a share, it is its share of all fte: "
            "its fte against the fte of all active staff of the schools. Leave empty for none."
        ),
    )

    def clean_board_office_fte(self):
        return self.cleaned_data["board_office_fte"] or Decimal("0")


class AllocationFixForm(AllocationForm):
    """The split as shown: ``preview`` is the digest of the preview the user saw."""

    preview = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": _("Show the split before you fix it.")},
    )
    gmr_kind = forms.ChoiceField(
        label=_("Ask the GMR for"),
        choices=BoardAllocation.GmrKind.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_gmr_kind(self):
        return self.cleaned_data["gmr_kind"] or BoardAllocation.GmrKind.CONSENT


class AllocationGmrForm(forms.Form):
    """The GMR's decision on the submitted distribution; the choices follow what was asked."""

    decision = forms.ChoiceField(
        label=_("Decision of the GMR"), choices=(), widget=forms.RadioSelect
    )
    meeting_date = DutchDateField(label=_("Date of the GMR meeting"))
    reasons = forms.CharField(
        label=_("Reasons or advice"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the GMR refuses its consent, and for its advice."),
    )

    def __init__(self, *args, gmr_kind=BoardAllocation.GmrKind.CONSENT, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = dict(BoardAllocation.GmrDecision.choices)
        keys = (
            ("consent", "refused") if gmr_kind == BoardAllocation.GmrKind.CONSENT else ("advice",)
        )
        self.fields["decision"].choices = [(key, decisions[key]) for key in keys]
        if len(keys) == 1:
            self.fields["decision"].initial = keys[0]


class AllocationReopenForm(forms.Form):
    grounds = forms.CharField(
        label=_("Grounds"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the distribution must change; recorded with the decision."),
    )


class BudgetLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetLine.Kind.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        help_text=_("For example: unspent funds of 2025-2026, or the extra tranche of the CAO."),
    )
    amount = AmountField(label=_("Amount"))

    def __init__(self, *args, taken_over=False, **kwargs):
        super().__init__(*args, **kwargs)
        if taken_over:  # the board's fixed amount: only the description can change
            self.fields["kind"].disabled = True
            self.fields["amount"].disabled = True
