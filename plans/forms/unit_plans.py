"""Forms of step 8: a unit plan's analysis, a measure, and the short forms of its other actions
(a comment on a measure, the reason a unit keeps a warned-about choice, returning a plan to its
unit and closing step 8). They read input; ``plans.services.unit_plans`` decides.

Choices (causes, categories, functions) come from lists the selectors loaded once, so building
a form costs no queries.
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkdruk.edit_conflicts import VersionField
from werkdruk.forms import LocalDecimalField

from ..models import Measure, WorkloadCause
from ..services.measure_costs import school_year_label
from ..services.unit_plans import MeasureData
from .measure_fields import (
    SchoolYearsMixin,
    amount_field,
    first_year_field,
    last_year_field,
    school_years,
)

CostType = Measure.CostType
TEXT_MAX = 5000

# The inputs each cost type uses (the form keeps the others, hidden, so switching back keeps
# what was typed, but ignores them).
COST_FIELDS = {
    CostType.FIXED: ("amount",),
    CostType.FTE: ("fte", "function"),
    CostType.HOURS: ("hours", "function", "hourly_rate"),
    CostType.NONE: (),
}
ALL_COST_FIELDS = ("amount", "fte", "hours", "function", "hourly_rate")


def school_year_choices(process) -> list[tuple[int, str]]:
    """The process's school year and the four after it: a measure may run over several."""
    return [(year, school_year_label(year)) for year in school_years(process)]


def _text(label, *, rows=3, required=False, max_length=TEXT_MAX, help_text=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


def _by_theme(bound_field, themes: dict) -> list[tuple[str, list]]:
    """The checkboxes of ``bound_field`` grouped by the theme of their cause, in order."""
    labels = dict(WorkloadCause.Theme.choices)
    groups: dict[str, list] = {}
    for box in bound_field:
        groups.setdefault(themes[box.data["value"]], []).append(box)
    return [(labels.get(theme, theme), boxes) for theme, boxes in groups.items()]


class CausesMixin:
    """A multiple choice of workload causes (by code), grouped by theme for the template."""

    def _set_causes(self, causes):
        self.causes_by_code = {cause.code: cause for cause in causes}
        self._themes = {cause.code: cause.theme for cause in causes}
        self.fields["causes"].choices = [(cause.code, str(cause)) for cause in causes]

    def causes_grouped(self) -> list[tuple[str, list]]:
        return _by_theme(self["causes"], self._themes)

    def chosen_causes(self) -> list:
        return [self.causes_by_code[code] for code in self.cleaned_data.get("causes", [])]


class PlanAnalysisForm(CausesMixin, forms.Form):
    version = VersionField()
    causes = forms.MultipleChoiceField(
        label=gettext_lazy("Causes of workload the unit recognises"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    other_causes = _text(
        gettext_lazy("Other causes"),
        rows=2,
        help_text=gettext_lazy("Causes that are not in the list, in your own words."),
    )
    analysis = _text(
        gettext_lazy("Analysis"),
        rows=5,
        help_text=gettext_lazy("What makes the work heavy in this unit, for whom and when."),
    )
    expected_effects = _text(gettext_lazy("Expected effects"), rows=4)
    success_indicators = _text(
        gettext_lazy("How we will know it worked"),
        rows=3,
        help_text=gettext_lazy(
            "What you will look at, and when, to see whether the measures helped."
        ),
    )

    def __init__(self, *args, causes, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_causes(causes)

    @classmethod
    def initial_for(cls, plan, plan_causes) -> dict:
        return {
            "causes": [cause.code for cause in plan_causes],
            "other_causes": plan.other_causes,
            "analysis": plan.analysis,
            "expected_effects": plan.expected_effects,
            "success_indicators": plan.success_indicators,
            "version": plan.version,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "analysis": data["analysis"],
            "other_causes": data["other_causes"],
            "expected_effects": data["expected_effects"],
            "success_indicators": data["success_indicators"],
            "causes": self.chosen_causes(),
            "version": data["version"],
        }


class MeasureForm(SchoolYearsMixin, CausesMixin, forms.Form):
    """A measure. Only the inputs of the chosen cost type count; the page shows those (the
    others stay in the form, hidden) and swaps them when the cost type changes."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": gettext_lazy("Give the measure a title.")},
    )
    description = _text(gettext_lazy("Description"), rows=3)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": gettext_lazy("Choose a category.")},
    )
    cost_type = forms.ChoiceField(
        label=gettext_lazy("What does it cost?"),
        choices=CostType.choices,
        initial=CostType.FIXED,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = amount_field(gettext_lazy("Amount per school year (€)"))
    fte = LocalDecimalField(
        label=gettext_lazy("fte"),
        required=False,
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=4,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=gettext_lazy("For example 0,6 for three days a week."),
    )
    hours = LocalDecimalField(
        label=gettext_lazy("Hours per school year"),
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    function = forms.ChoiceField(
        label=gettext_lazy("Function"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=gettext_lazy("Its yearly or hourly cost comes from the school's function costs."),
    )
    hourly_rate = amount_field(
        gettext_lazy("Hourly cost (€)"),
        help_text=gettext_lazy("Only for hours without a function."),
    )
    first_year = first_year_field()
    last_year = last_year_field()
    structural = forms.BooleanField(
        label=gettext_lazy("Structural"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=gettext_lazy(
            "A lasting commitment, such as a permanent hire: it costs money in every school "
            "year. A one-off measure costs its amount once, in its first school year."
        ),
    )
    benefit_share = LocalDecimalField(
        label=gettext_lazy("Share of the unit that benefits (%)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    beneficiaries = forms.CharField(
        label=gettext_lazy("Who benefits"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=gettext_lazy("Groups within the unit, for example the mentors of year 1."),
    )
    causes = forms.MultipleChoiceField(
        label=gettext_lazy("Causes this measure addresses"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    expected_effect = _text(gettext_lazy("Expected effect"))
    feasibility = _text(
        gettext_lazy("Feasibility"),
        help_text=gettext_lazy("Can it be organised: people, rooms, timetable?"),
    )
    changes_task_policy = forms.BooleanField(
        label=gettext_lazy("This measure changes the task policy (taakbeleid)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=gettext_lazy(
            "Keep the workload plan and the task policy apart. Mark the measure if it changes "
            "how the task policy is filled in (for example a duty that no longer counts): the "
            "PMR consents to that change separately (Wms art. 12(1)(h)) and the school plan is "
            "not ratified without it. Other changes to the task policy are not for this plan."
        ),
    )
    when_money_ends = _text(
        gettext_lazy("When the money ends"),
        rows=2,
        help_text=gettext_lazy("For measures paid from one-off money: what happens after."),
    )
    version = VersionField()

    def __init__(self, *args, process, categories, causes, functions, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories_by_code = {category.code: category for category in categories}
        self.fields["category"].choices = [("", _("choose a category"))] + [
            (category.code, str(category)) for category in categories
        ]
        functions = list(functions)
        current = self["function"].value()
        if current and current not in functions:  # a function no longer in the list
            functions.append(current)
        self.fields["function"].choices = [("", _("choose a function"))] + [
            (name, name) for name in functions
        ]
        self.set_school_years(school_years(process))
        self._set_causes(causes)

    @classmethod
    def initial_for(cls, measure=None, *, process) -> dict:
        if measure is None:
            year = process.school_year.start_year
            return {"cost_type": CostType.FIXED, "first_year": year, "last_year": year}
        return {
            "title": measure.title,
            "description": measure.description,
            "category": measure.category.code,
            "cost_type": measure.cost_type,
            "amount": measure.amount,
            "fte": measure.fte.normalize() if measure.fte is not None else None,
            "hours": measure.hours,
            "function": measure.function,
            "hourly_rate": measure.hourly_rate,
            "first_year": measure.first_year,
            "last_year": measure.last_year,
            "structural": measure.structural,
            "benefit_share": (
                measure.benefit_share.normalize() if measure.benefit_share is not None else None
            ),
            "beneficiaries": measure.beneficiaries,
            "causes": [cause.code for cause in measure.causes.all()],
            "expected_effect": measure.expected_effect,
            "feasibility": measure.feasibility,
            "changes_task_policy": measure.changes_task_policy,
            "when_money_ends": measure.when_money_ends,
            "version": measure.version,
        }

    @property
    def shown_cost_type(self) -> str:
        """The cost type whose inputs the page shows: as posted, or as it starts."""
        value = self.data.get("cost_type") if self.is_bound else self.initial.get("cost_type")
        return value if value in CostType.values else CostType.FIXED

    def cost_fields(self) -> list:
        return [self[name] for name in COST_FIELDS[self.shown_cost_type]]

    def hidden_cost_fields(self) -> list:
        shown = COST_FIELDS[self.shown_cost_type]
        return [self[name] for name in ALL_COST_FIELDS if name not in shown]

    def clean(self):
        data = super().clean()
        cost_type = data.get("cost_type")
        unused = set(ALL_COST_FIELDS) - set(COST_FIELDS.get(cost_type, ()))
        for name in unused:
            # Kept in the form while hidden, but a typo there must not stop the measure.
            self._errors.pop(name, None)
            data[name] = "" if name == "function" else None
        if cost_type == CostType.HOURS and data.get("function") and "hourly_rate" in data:
            data["hourly_rate"] = None  # the function's hourly cost applies
        self.school_years_in_order(data)
        self._require_cost_inputs(cost_type, data)
        return data

    def _require_cost_inputs(self, cost_type, data):
        needs = []
        if cost_type == CostType.FIXED:
            needs = [("amount", _("Give the amount per school year."))]
        elif cost_type == CostType.FTE:
            needs = [("fte", _("Give the fte.")), ("function", _("Choose the function."))]
        elif cost_type == CostType.HOURS:
            needs = [("hours", _("Give the number of hours."))]
            rate_missing = not data.get("function") and data.get("hourly_rate") is None
            if rate_missing and "hourly_rate" not in self._errors:
                self.add_error("hourly_rate", _("Choose a function or give the hourly cost."))
        for name, message in needs:
            if data.get(name) in (None, "") and name not in self._errors:
                self.add_error(name, message)

    def cost_inputs(self) -> dict | None:
        """The keyword arguments of ``measure_costs``, or None while an input they need is
        missing or invalid."""
        data = self.cleaned_data
        names = (
            "cost_type",
            "first_year",
            "last_year",
            *COST_FIELDS.get(data.get("cost_type"), ()),
        )
        if any(name in self._errors for name in (*names, "hourly_rate")):
            return None
        if any(name not in data for name in ("cost_type", "first_year", "last_year")):
            return None
        return {
            "cost_type": data["cost_type"],
            "amount": data.get("amount"),
            "fte": data.get("fte"),
            "hours": data.get("hours"),
            "function": data.get("function") or "",
            "hourly_rate": data.get("hourly_rate"),
            "first_year": data["first_year"],
            "last_year": data["last_year"],
            "structural": data.get("structural", False),
        }

    def typed_cost_errors(self) -> list[str]:
        """The errors of the shown cost inputs that hold something (not yet typed is no
        error while the user is still typing), for the preview."""
        names = ("cost_type", "first_year", "last_year", *COST_FIELDS[self.shown_cost_type])
        return [
            f"{self.fields[name].label}: {error}"
            for name in names
            if name in self.errors and self[name].value() not in (None, "")
            for error in self.errors[name]
        ]

    def chosen_category(self):
        return self.categories_by_code.get(self.cleaned_data.get("category"))

    def measure_data(self) -> MeasureData:
        """The measure as the services take it (call after is_valid())."""
        data = self.cleaned_data
        return MeasureData(
            title=data["title"],
            description=data["description"],
            category=self.chosen_category(),
            cost_type=data["cost_type"],
            amount=data.get("amount"),
            fte=data.get("fte"),
            hours=data.get("hours"),
            function=data.get("function") or "",
            hourly_rate=data.get("hourly_rate"),
            first_year=data["first_year"],
            last_year=data["last_year"],
            structural=data["structural"],
            benefit_share=data.get("benefit_share"),
            beneficiaries=data["beneficiaries"],
            causes=self.chosen_causes(),
            expected_effect=data["expected_effect"],
            feasibility=data["feasibility"],
            changes_task_policy=data["changes_task_policy"],
            when_money_ends=data["when_money_ends"],
        )


# --- the short forms of the plan's other actions ---

COMMENT_MAX = 2000


class CommentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": gettext_lazy("Write a comment first.")},
    )


class AcknowledgementForm(forms.Form):
    rule = forms.IntegerField(widget=forms.HiddenInput)
    measure = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Why the unit keeps it this way"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": gettext_lazy("Give the reason.")},
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning the plan"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy("The unit reads this; say what should change."),
        error_messages={"required": gettext_lazy("Give the reason for returning the plan.")},
    )


class CloseForm(forms.Form):
    grounds = forms.CharField(
        label=gettext_lazy("Grounds (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
