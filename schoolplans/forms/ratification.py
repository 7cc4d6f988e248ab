"""Forms of step 11: the evaluation agreement and the PMR's decision. They validate input;
``schoolplans.services.ratification`` decides."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkdruk.edit_conflicts import VersionField
from werkdruk.forms import DutchDateField

from ..models import PmrDecision
from ..services.ratification import EVALUATION_FIELDS, EVALUATION_TEXT_MAX


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


class EvaluationForm(forms.Form):
    what = forms.CharField(
        label=_("What is measured"),
        max_length=EVALUATION_TEXT_MAX,
        widget=_textarea(),
        help_text=_("For example: the experienced workload per unit, the use of the measures."),
    )
    indicators = forms.CharField(
        label=_("Indicators"),
        max_length=EVALUATION_TEXT_MAX,
        widget=_textarea(),
        help_text=_("How you will see whether the measures worked."),
    )
    when = forms.CharField(label=_("When"), max_length=EVALUATION_TEXT_MAX, widget=_textarea(2))
    responsible = forms.CharField(
        label=_("By whom"), max_length=EVALUATION_TEXT_MAX, widget=_textarea(2)
    )
    sharing = forms.CharField(
        label=_("How the results are shared"), max_length=EVALUATION_TEXT_MAX, widget=_textarea(2)
    )
    follow_up = forms.CharField(
        label=_("Follow-up next year (optional)"),
        required=False,
        max_length=EVALUATION_TEXT_MAX,
        widget=_textarea(2),
        help_text=_("Carried to next year's process."),
    )
    version = VersionField()

    @staticmethod
    def initial_for(agreement) -> dict:
        """The agreement's values; version 0 while none is recorded."""
        if agreement is None:
            return {"version": 0}
        return {
            **{name: getattr(agreement, name) for name in EVALUATION_FIELDS},
            "version": agreement.version,
        }


class PmrDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The PMR's decision"),
        choices=PmrDecision.Outcome.choices,
        widget=forms.RadioSelect,
    )
    meeting_date = DutchDateField(label=_("Date of the PMR meeting"))
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=10000,
        widget=_textarea(4),
        help_text=_("Required for a refusal: they are the grounds for reopening the step."),
    )
    units_to_revise = forms.TypedMultipleChoiceField(
        label=_("Send these units' plans back (refusal only)"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Without units, the plans are merged again (step 9). With units, their plans go "
            "back to them (step 8)."
        ),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units_to_revise"].choices = [(unit.pk, unit.name) for unit in units]
        self.fields["meeting_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        refusal = data.get("outcome") == PmrDecision.Outcome.REFUSAL
        if refusal and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Give the PMR's reasons for refusing the plan."))
        if not refusal and data.get("units_to_revise"):
            self.add_error("units_to_revise", _("Units are sent back only with a refusal."))
        return data
