"""Forms of step 10: publishing the final version and staff comments. They validate input;
``schoolplans.services.publication`` decides."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkdruk.forms import DutchDateField

from ..services.publication import COMMENT_MAX


class PublishForm(forms.Form):
    comments_until = DutchDateField(
        label=_("Staff may comment until (optional)"),
        required=False,
        help_text=_("Leave empty to publish without a comment period."),
    )

    def clean_comments_until(self):
        day = self.cleaned_data["comments_until"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The end of the comment period cannot lie in the past."))
        return day


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
