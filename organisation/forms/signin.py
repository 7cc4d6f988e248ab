"""The form of a board's sign-in provider. The client secret is never shown back: the field
is empty on every page, and left empty on a change it keeps the secret the provider has."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import SignInProvider


class SignInProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    server_url = forms.URLField(
        label=_("Issuer (server URL)"),
        required=False,
        assume_scheme="https",
        help_text=SignInProvider._meta.get_field("server_url").help_text,
    )

    class Meta:
        model = SignInProvider
        fields = [
            "kind",
            "label",
            "client_id",
            "client_secret",
            "tenant_id",
            "server_url",
            "allowed_domains",
            "enabled",
        ]
        widgets = {"allowed_domains": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["client_secret"].required = False
            self.fields["client_secret"].help_text = _(
                "Leave empty to keep the secret that is set (ending in %(hint)s)."
            ) % {"hint": self.instance.secret_hint}

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
