"""The short forms of step 8's actions on a unit plan: a comment on a measure, the reason a
unit keeps a warned-about choice, returning a plan to its unit and closing step 8. They read
input; ``plans.unit_plan_services`` decides."""

from django import forms
from django.utils.translation import gettext_lazy

from .unit_plan_forms import TEXT_MAX

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
