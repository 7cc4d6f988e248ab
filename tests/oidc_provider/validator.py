"""The provider's claims: each user's e-mail address and whether it is verified, from
config.json (written by the test fixture), and the redirect URIs of the relying party."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    def get_additional_claims(self, request):
        person = settings.CONFIG["users"][request.user.username]
        return {
            "email": person["email"],
            "email_verified": person["email_verified"],
            "name": person.get("name", ""),
        }

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        """Any callback of the relying party under test (its providers' ids are made by the
        tests, so the exact URIs are not known when the provider starts)."""
        return redirect_uri.startswith(settings.CONFIG["redirect_prefix"])
