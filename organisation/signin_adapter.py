"""allauth's social-account adapter: the boards' own sign-in providers as allauth's apps, and
the linking rules on every sign-in through them.

The apps are built from ``SignInProvider`` rows on each request (``list_apps``), never stored
as allauth ``SocialApp`` rows: one source of truth, nothing to keep in sync.
"""

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import SignInProvider
from .selectors.signin import signin_providers_enabled
from .services.signin import SignInRefused, signin_account

logger = logging.getLogger(__name__)

PROVIDER = "openid_connect"
ID_PREFIX = "signin-"


def social_app(provider: SignInProvider) -> SocialApp:
    """allauth's (unsaved) app for a provider: allauth fetches the issuer's discovery document
    and checks the ID token's issuer and audience against it."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider.provider_id,
        name=provider.label,
        client_id=provider.client_id,
        secret=provider.client_secret,
        # PKCE on top of the client secret: a stolen authorisation code is of no use.
        settings={
            "server_url": provider.issuer,
            "oauth_pkce_enabled": True,
            "signin_provider": provider.pk,
        },
    )


class SignInAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        rows = signin_providers_enabled()
        if provider and provider != PROVIDER:
            pk = provider.removeprefix(ID_PREFIX)
            if provider == pk or not pk.isdigit():
                return []
            rows = rows.filter(pk=int(pk))
        if client_id:
            rows = rows.filter(client_id=client_id)
        return [social_app(row) for row in rows]

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """A failed exchange with the provider: logged by kind only, never the code, a token
        or a claim (the exception's text may hold the provider's answer)."""
        logger.warning(
            "Sign-in through %s failed: %s %s",
            getattr(provider, "id", provider),
            error,
            type(exception).__name__ if exception else "",
        )

    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        """Every sign-in through a board's provider: the account it gets (connected to the
        provider's account on the first sign-in) or the refusal page, nothing created."""
        app = sociallogin.provider.app
        provider = (
            SignInProvider.objects.select_related("board")
            .filter(pk=app.settings.get("signin_provider"), enabled=True)
            .first()
        )
        if provider is None:
            raise ImmediateHttpResponse(self._refused(request, None, _("This sign-in is off.")))
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            raise ImmediateHttpResponse(
                self._refused(request, provider, _("Accounts are linked by signing in only."))
            )
        data = sociallogin.account.extra_data or {}
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            user = signin_account(
                provider=provider,
                id_token=data.get("id_token") or {},
                userinfo=data.get("userinfo") or {},
                linked=linked,
            )
        except SignInRefused as refusal:
            response = self._refused(request, provider, refusal.message)
            raise ImmediateHttpResponse(response) from None
        if linked is None:
            sociallogin.connect(request, user)

    def _refused(self, request, provider, message):
        return render(
            request,
            "organisation/signin/refused.html",
            {"provider": provider, "message": message},
            status=403,
        )
