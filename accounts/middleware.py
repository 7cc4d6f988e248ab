from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def session_passed_second_factor(request) -> bool:
    """Whether this session completed allauth's second factor for the signed-in user.

    allauth records every authentication step of the session per user (``{"method": "mfa"}``
    after a TOTP or recovery code, at sign-in or when re-authenticating). A session opened by
    a password alone, or by any sign-in outside allauth, has no such record.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class AdminMFARequiredMiddleware:
    """The admin site opens only for a session that passed the second factor.

    Administrators without an authenticator app set one up first; with one, a session
    that did not pass it (signed in by password or e-mailed code alone) is sent to allauth's
    MFA check and comes back afterwards. Checking the session, not only that a device exists,
    keeps a stolen password from opening the admin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(reverse("admin:index"))
            and user.is_authenticated
            and user.is_staff
        ):
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                messages.warning(
                    request,
                    _(
                        "Administrators must set up two-factor authentication before using "
                        "the admin."
                    ),
                )
                return redirect("mfa_activate_totp")
            if not session_passed_second_factor(request):
                messages.info(
                    request,
                    _("Enter the code from your authenticator app to open the administration."),
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)
