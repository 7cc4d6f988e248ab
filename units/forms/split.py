"""The form of step 2: the method, the central reserve and each unit's weight or fixed amount.

The form only reads numbers; whether they make a split (nothing negative, fixed amounts that
add up, ...) is decided by ``units.services.split.split_compute``, whose problems are put back
on the fields here.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkdruk.forms import LocalDecimalField

from ..models import BudgetSplit

Method = BudgetSplit.Method
Reserve = BudgetSplit.Reserve

INPUT_CLASS = "form-control form-control-sm text-end"


def _decimal_field(label, *, max_digits, decimal_places, css=INPUT_CLASS, **kwargs):
    return LocalDecimalField(
        label=label,
        required=False,
        max_digits=max_digits,
        decimal_places=decimal_places,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": css}),
        **kwargs,
    )


def weight_field_name(unit_pk) -> str:
    return f"weight_{unit_pk}"


def fixed_field_name(unit_pk) -> str:
    return f"fixed_{unit_pk}"


def _plain(value: Decimal | None) -> Decimal | None:
    """1.0000 as 1 and 2.5000 as 2.5, for the inputs (never in exponent notation)."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def initial_inputs(status) -> dict:
    """The service inputs the page starts with: the stored split's, or an fte split."""
    split = status.split
    return {
        "method": split.method if split else Method.FTE,
        "reserve_kind": split.reserve_kind if split else Reserve.NONE,
        "reserve_value": split.reserve_value
        if split and split.reserve_kind != Reserve.NONE
        else None,
        # Equal weights to start from, so that choosing "by weights" shows a split at once.
        "weights": {
            row.pk: _plain(row.weight) if row.weight is not None else Decimal(1)
            for row in status.rows
        },
        "fixed_amounts": {row.pk: row.fixed_amount for row in status.rows},
    }


class SplitForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How is the budget split?"),
        choices=Method.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reserve_kind = forms.ChoiceField(
        label=gettext_lazy("Central reserve"),
        choices=Reserve.choices,
        help_text=gettext_lazy("Kept aside for school-wide measures before the split."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reserve_value = _decimal_field(
        gettext_lazy("Size of the central reserve"),
        max_digits=12,
        decimal_places=2,
        css="form-control text-end",
        help_text=gettext_lazy(
            "A percentage of the school budget (for example 10) or an amount in euros."
        ),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = list(units)
        self.domain_messages: list[str] = []
        for row in self.units:
            self.fields[weight_field_name(row.pk)] = _decimal_field(
                _("Weight of %(unit)s") % {"unit": row.name}, max_digits=8, decimal_places=4
            )
            self.fields[fixed_field_name(row.pk)] = _decimal_field(
                _("Fixed amount for %(unit)s") % {"unit": row.name},
                max_digits=12,
                decimal_places=2,
            )
        # Each field's errors live in an element of their own ("id_<name>_errors"), which the
        # htmx preview refreshes out of band while the user types in the field itself.
        for name, field in self.fields.items():
            described = [f"id_{name}_errors"]
            if field.help_text:
                described.insert(0, f"id_{name}_helptext")
            field.widget.attrs["aria-describedby"] = " ".join(described)

    @classmethod
    def initial_for(cls, inputs) -> dict:
        initial = {
            "method": inputs["method"],
            "reserve_kind": inputs["reserve_kind"],
            "reserve_value": inputs["reserve_value"],
        }
        for pk, weight in inputs["weights"].items():
            initial[weight_field_name(pk)] = weight
        for pk, amount in inputs["fixed_amounts"].items():
            initial[fixed_field_name(pk)] = amount
        return initial

    def _unused_fields(self, method, reserve_kind) -> list[str]:
        unused = []
        if reserve_kind == Reserve.NONE:
            unused.append("reserve_value")
        for row in self.units:
            if method != Method.WEIGHTS:
                unused.append(weight_field_name(row.pk))
            if method != Method.FIXED:
                unused.append(fixed_field_name(row.pk))
        return unused

    def clean(self):
        cleaned = super().clean()
        # Inputs the chosen method does not use stay in the form (switching back keeps them),
        # but a typo in one of them must not stop the split that is asked for.
        for name in self._unused_fields(cleaned.get("method"), cleaned.get("reserve_kind")):
            self._errors.pop(name, None)
        return cleaned

    @property
    def shown_method(self) -> str:
        """The method whose inputs the page shows: as posted, or as it starts."""
        if self.is_bound:
            return self.data.get("method", "")
        return self.initial.get("method", "")

    def inputs(self) -> dict:
        """The keyword arguments of split_preview and split_save (call after is_valid())."""
        data = self.cleaned_data
        return {
            "method": data["method"],
            "reserve_kind": data["reserve_kind"],
            "reserve_value": data.get("reserve_value"),
            "weights": {row.pk: data.get(weight_field_name(row.pk)) for row in self.units},
            "fixed_amounts": {row.pk: data.get(fixed_field_name(row.pk)) for row in self.units},
        }

    def add_split_error(self, error) -> None:
        """Put the problems of a SplitError next to the fields they are about."""
        for problem in error.problems:
            name = problem.field
            if problem.unit is not None and problem.field == "weight":
                name = weight_field_name(problem.unit)
            elif problem.unit is not None and problem.field == "fixed_amount":
                name = fixed_field_name(problem.unit)
            if name not in self.fields:
                name = None
            self.domain_messages.append(problem.message)
            self.add_error(name, problem.message)

    def unit_inputs(self) -> list[tuple]:
        """(unit row, weight field, fixed amount field) per unit, for the template."""
        return [
            (row, self[weight_field_name(row.pk)], self[fixed_field_name(row.pk)])
            for row in self.units
        ]

    def error_messages(self) -> list[str]:
        """Every error as one list for the preview: our own messages as they are, Django's
        generic ones ("Enter a number.") after the label of their field."""
        messages = list(self.non_field_errors())
        for name, field_errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            for message in field_errors:
                if message in self.domain_messages:
                    messages.append(message)
                else:
                    messages.append(f"{self.fields[name].label}: {message}")
        return messages

    def general_fields(self) -> list:
        """The method and the central reserve, shown whatever the method."""
        return [self["method"], self["reserve_kind"], self["reserve_value"]]

    def shown_unit_fields(self) -> list:
        """The per-unit fields the page shows for the method in ``shown_method``."""
        if self.shown_method == Method.WEIGHTS:
            return [self[weight_field_name(row.pk)] for row in self.units]
        if self.shown_method == Method.FIXED:
            return [self[fixed_field_name(row.pk)] for row in self.units]
        return []
