"""The key holder's form: a key share, typed (or pasted) in."""

from django import forms
from django.utils.translation import gettext_lazy as _


class KeyShareForm(forms.Form):
    share = forms.CharField(
        label=_("Key share"),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "form-control font-monospace",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        help_text=_("56 letters and digits; dashes and spaces do not matter."),
    )
