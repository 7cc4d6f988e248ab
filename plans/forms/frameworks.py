from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from werkdruk.edit_conflicts import VersionField
from werkdruk.forms import AmountField, DutchDateField, LocalDecimalField

from ..models import FrameworkRule, MeasureCategory

Check = FrameworkRule.Check


class FrameworkRuleForm(forms.Form):
    """A framework rule; the parameter of the chosen machine check is required, the others
    are ignored (the radio list puts each parameter next to its check, so it works without
    JavaScript)."""

    text = forms.CharField(
        label=_("Rule"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Phrase it as a condition the units can work with, preferably as a warning."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(code, capfirst(label)) for code, label in FrameworkRule.Kind.choices],
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=FrameworkRule.Severity.choices,
        initial=FrameworkRule.Severity.WARNING,
        widget=forms.RadioSelect,
        help_text=_(
            "A plan that breaks a “must” rule cannot be submitted. Any other rule only shows "
            "the unit a warning or information."
        ),
    )
    machine_check = forms.ChoiceField(
        label=_("Machine check"),
        choices=Check.choices,
        required=False,
        initial=Check.NONE,
        widget=forms.RadioSelect,
    )
    max_amount = AmountField(
        label=_("Maximum amount per measure (€)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    max_percentage = LocalDecimalField(
        label=_("Maximum share of the plan's cost (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    deadline = DutchDateField(label=_("Spent by"), required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories that are not allowed"),
        queryset=MeasureCategory.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = VersionField()

    # The check that needs each parameter, and what to say when it is missing.
    NEEDS = {
        Check.MAX_COST_PER_MEASURE: ("max_amount", _("Give the maximum amount.")),
        Check.MAX_STRUCTURAL_SHARE: ("max_percentage", _("Give the maximum percentage.")),
        Check.SPEND_BY_DATE: ("deadline", _("Give the date.")),
        Check.CATEGORIES_NOT_ALLOWED: ("categories", _("Choose at least one category.")),
    }

    CSS = {
        "text": "form-control",
        "kind": "form-select",
        "severity": "form-check-input",
        "machine_check": "form-check-input",
        "max_amount": "form-control",
        "max_percentage": "form-control",
        "deadline": "form-control",
        "categories": "form-check-input",
    }

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = (
            categories if categories is not None else MeasureCategory.objects.all()
        )
        for name, css in self.CSS.items():
            self.fields[name].widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.CSS and "form-check" not in self.CSS[name]:
                self.fields[name].widget.attrs["class"] = f"{self.CSS[name]} is-invalid"

    @classmethod
    def initial_for(cls, rule) -> dict:
        return {
            "text": rule.text,
            "kind": rule.kind,
            "severity": rule.severity,
            "machine_check": rule.machine_check,
            "max_amount": rule.max_amount,
            "max_percentage": rule.max_percentage,
            "deadline": rule.deadline,
            "categories": [category.code for category in rule.categories.all()],
            "version": rule.version,
        }

    def clean(self):
        data = super().clean()
        check = data.get("machine_check") or Check.NONE
        data["machine_check"] = check
        if check in self.NEEDS:
            field, message = self.NEEDS[check]
            value = data.get(field)
            missing = not value if field == "categories" else value is None
            if missing and field not in self.errors:
                self.add_error(field, message)
        return data

    def service_kwargs(self) -> dict:
        """The cleaned input as keyword arguments of the plans services."""
        data = self.cleaned_data
        return {
            "text": data["text"],
            "kind": data["kind"],
            "severity": data["severity"],
            "machine_check": data["machine_check"],
            "max_amount": data.get("max_amount"),
            "max_percentage": data.get("max_percentage"),
            "deadline": data.get("deadline"),
            "categories": [category.code for category in data.get("categories") or ()],
        }


class FrameworkMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])
