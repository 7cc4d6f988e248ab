"""Forms of the evaluation cycle: a moment, and the outcomes of one moment (a field group per
measure of the ratified plan). They validate input; ``schoolplans.services.evaluation``
decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from werkdruk.edit_conflicts import VersionField
from werkdruk.forms import DutchDateField

from ..models import EvaluationMoment, EvaluationOutcome
from ..services.evaluation import TEXT_MAX, TITLE_MAX


class MomentForm(forms.Form):
    date = DutchDateField(label=_("Date"))
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("For example: mid-year evaluation with the PMR."),
    )
    responsible = forms.ChoiceField(
        label=_("Who is responsible"),
        choices=EvaluationMoment.Responsible.choices,
        initial=EvaluationMoment.Responsible.BOTH,
        help_text=_("They are reminded by e-mail a week before the date."),
    )
    version = VersionField()

    @staticmethod
    def initial_for(moment) -> dict:
        if moment is None:
            return {"responsible": EvaluationMoment.Responsible.BOTH}
        return {
            "date": moment.date,
            "title": moment.title,
            "responsible": moment.responsible,
            "version": moment.version,
        }


class OutcomesForm(forms.Form):
    """One verdict, reasons and results per measure (``measures``: MeasureToEvaluate rows);
    the fields of measure ``key`` are named ``verdict-<key>``, ``reasons-<key>``,
    ``results-<key>``."""

    version = VersionField()

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        initial = self.initial
        self.measures = measures
        for row in measures:
            outcome = row.outcome
            self.fields[f"verdict-{row.key}"] = forms.ChoiceField(
                label=_("Outcome"),
                choices=[("", _("not yet recorded")), *EvaluationOutcome.Verdict.choices],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"reasons-{row.key}"] = forms.CharField(
                label=_("Reasons"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"results-{row.key}"] = forms.CharField(
                label=_("Indicators and results against the goal"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if outcome is not None and not self.is_bound:
                initial.setdefault(f"verdict-{row.key}", outcome.verdict)
                initial.setdefault(f"reasons-{row.key}", outcome.reasons)
                initial.setdefault(f"results-{row.key}", outcome.results)

    def groups(self):
        """Per measure: the row and its three bound fields (for the template)."""
        return [
            (
                row,
                self[f"verdict-{row.key}"],
                self[f"reasons-{row.key}"],
                self[f"results-{row.key}"],
            )
            for row in self.measures
        ]

    def outcomes(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            row.key: {
                "verdict": data.get(f"verdict-{row.key}") or "",
                "reasons": data.get(f"reasons-{row.key}") or "",
                "results": data.get(f"results-{row.key}") or "",
            }
            for row in self.measures
        }


class CarryOverForm(forms.Form):
    measure_key = forms.CharField(widget=forms.HiddenInput, max_length=20)
