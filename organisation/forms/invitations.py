"""The form to invite someone to a role."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Invitation


class InvitationForm(forms.Form):
    """``roles``: the roles the inviting person may choose from (one: no choice shown)."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation goes to this address; accepting it signs in with it."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in map(Invitation.Role, roles)]
        if len(roles) == 1:
            self.fields["role"].initial = Invitation.Role(roles[0]).value
            self.fields["role"].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "email", "role")}
