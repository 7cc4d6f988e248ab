"""The site's own error pages: 403, 404 and a refused form (CSRF), in the site's layout and
language, each with a way back. The 500 page is Django's own view with templates/500.html,
which renders without a request or database."""

from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request) -> str:
    """The page of this site the visitor came from, to go back to; "" for none, for another
    site's page and for the failing page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    return "" if urlsplit(referer).path == request.path else referer


def permission_denied(request, exception):
    return render(request, "403.html", {"back_url": back_url(request)}, status=403)


def page_not_found(request, exception):
    return render(request, "404.html", {"back_url": back_url(request)}, status=404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form was refused. The reason stays out of the page (it is for
    developers); only a missing cookie gets its own advice, as the visitor can fix that."""
    context = {"back_url": back_url(request), "no_cookie": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "403_csrf.html", context, status=403)
