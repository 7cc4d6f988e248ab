"""Signing test clients in the way the site's checks expect."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.test import RequestFactory


def sign_in_admin(client, user):
    """Sign ``user`` in as an administrator who passed the second factor (issue 14, item 1).

    The admin opens only for a session in which allauth recorded an MFA step, so
    ``force_login`` alone is not enough: this gives the user an authenticator app (if they
    have none) and records the step in the session as allauth does after a TOTP code.
    """
    authenticator, _ = Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
    )
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()
    return client
