"""The client's address, also behind our own reverse proxies."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the request came from, as far as our own infrastructure can vouch for it.

    With ``TRUSTED_PROXY_COUNT = 0`` (no proxy of ours in front) that is ``REMOTE_ADDR``, and
    ``X-Forwarded-For`` is ignored: any client can send it. With ``n`` proxies of ours, each
    appends the address it saw to ``X-Forwarded-For``, so the n-th address from the right is
    the one our outermost proxy saw; everything left of it may be made up by the client.
    allauth reads the header the same way (``ALLAUTH_TRUSTED_PROXY_COUNT``). A request that did
    not pass through all our proxies, or an unreadable header, falls back to ``REMOTE_ADDR``.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote_addr
