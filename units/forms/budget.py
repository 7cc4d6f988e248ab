"""Forms of step 0 (the board's split) and the school budget. They validate; services save."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from ..models import BudgetLine

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def normalise_number(text: str, *, grouping: bool) -> str:
    """A number as people type it, in a form ``Decimal`` reads.

    ``€ 12.345,67``, ``12345,67`` and ``12,345.67`` all become ``12345.67``: with both a comma
    and a point the last one is the decimal separator. With one kind only it is the decimal
    separator, unless ``grouping`` and it is the active language's thousands separator
    between groups of three digits (``12.345`` in Dutch is twelve thousand).
    """
    text = _SPACES.sub("", text.replace("€", ""))
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        other = "." if decimal == "," else ","
        return text.replace(other, "").replace(decimal, ".")
    for separator in (",", "."):
        if separator not in text:
            continue
        thousands = get_format("THOUSAND_SEPARATOR")
        groups = re.fullmatch(rf"-?\d{{1,3}}(\{separator}\d{{3}})+", text)
        if grouping and separator == thousands and groups:
            return text.replace(separator, "")
        return text.replace(separator, ".")
    return text


class LocalDecimalField(forms.DecimalField):
    """A decimal typed the Dutch or the English way; shown in the active language's format."""

    grouping = False

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return Decimal(normalise_number(str(value).strip(), grouping=self.grouping))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class AmountField(LocalDecimalField):
    """Euros with cents; ``12.345,67`` in Dutch and ``12,345.67`` in English both work."""

    grouping = True

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)


class AllocationForm(forms.Form):
    total = AmountField(
        label=_("Total for the board"),
        help_text=_("The board's workload funds for this school year, in euros."),
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
