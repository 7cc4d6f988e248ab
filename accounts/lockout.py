"""django-axes: whose failures count, and what a locked-out person sees."""

from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone

# allauth's sign-in form passes "email", Django's ModelBackend "username", and axes itself
# "login" (AXES_USERNAME_FORM_FIELD) when it clears the failures after a good sign-in.
CREDENTIAL_KEYS = ("email", "username", "login")


def axes_username(request, credentials) -> str | None:
    """The account a sign-in attempt was for: its e-mail address, in lower case.

    Without it axes recorded every failure with an empty username, so the lock for
    "username + address" became a lock for the whole address (a school's NAT).
    """
    sources = [credentials or {}, getattr(request, "POST", {})]
    for source in sources:
        for key in CREDENTIAL_KEYS:
            value = source.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return None


def lockout_response(request, original_response=None, credentials=None):
    """The page after too many failed sign-ins: in Dutch, in the site's layout, saying until
    when and what to do meanwhile (sign in by e-mailed code, or ask the school's administrator).

    Every failed attempt during the lock starts the cool-off again, so the time shown counts
    from now.
    """
    until = timezone.localtime() + get_cool_off(request)
    return render(request, "account/lockout.html", {"until": until}, status=429)
