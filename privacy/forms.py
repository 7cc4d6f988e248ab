from django import forms
from django.utils.translation import gettext_lazy as _


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the data are removed now (for example: left the school, asked for removal). "
            "Kept in the decision; do not write the person's name."
        ),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that the name, e-mail address and account of this person are removed "
            "for good and cannot be restored."
        ),
    )
