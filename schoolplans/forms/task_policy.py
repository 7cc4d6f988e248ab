"""The form of the PMR's separate decision on a measure that changes the task policy; it
validates input, ``schoolplans.services.task_policy`` decides."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkdruk.forms import DutchDateField

from ..models import TaskPolicyConsent
from ..services.task_policy import REASONS_MAX


class TaskPolicyDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The PMR's decision on this change of the task policy"),
        choices=TaskPolicyConsent.Outcome.choices,
        widget=forms.RadioSelect,
    )
    meeting_date = DutchDateField(label=_("Date of the PMR meeting"))
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=REASONS_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Required for a refusal."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        refusal = data.get("outcome") == TaskPolicyConsent.Outcome.REFUSAL
        if refusal and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Give the PMR's reasons for refusing its consent."))
        return data
