"""Error reporting to Sentry (``SENTRY_DSN``), scrubbed like the logs.

An error report leaves the machine for a third party, so it carries less than a log line:
no request bodies, cookies, user or local variables, and every string in it (message,
exception, URL, query string, breadcrumbs, a Celery task's arguments) goes through
``werkdruk.logging.redact_personal``: the log filter's rules for personal codes, tokens and
personal links, plus e-mail addresses.
"""

from collections.abc import Mapping

from .logging import redact_personal

# Parts of an event that only hold personal data or what a form sent; dropped whole.
_DROPPED_REQUEST_PARTS = ("data", "cookies", "env")
_DROPPED_EVENT_PARTS = ("user",)
# Headers that may carry a session, a token or an address of the client.
_KEPT_HEADERS = frozenset({"accept", "accept-language", "content-type", "content-length", "host"})


def scrub(value):
    """``value`` with every string in it (also in keys) redacted, recursively."""
    if isinstance(value, str):
        return redact_personal(value)
    if isinstance(value, Mapping):
        return {scrub(key): scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def before_send(event, hint):
    """Sentry's ``before_send`` (and ``before_send_transaction``): the event, scrubbed."""
    for part in _DROPPED_EVENT_PARTS:
        event.pop(part, None)
    request = event.get("request")
    if isinstance(request, dict):
        for part in _DROPPED_REQUEST_PARTS:
            request.pop(part, None)
        query = request.get("query_string")
        if isinstance(query, str) and query:
            # The log rules find a code parameter by the "?" or "&" before it.
            request["query_string"] = redact_personal("?" + query)[1:]
        headers = request.get("headers")
        if isinstance(headers, Mapping):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in _KEPT_HEADERS
            }
    for frames in _stack_frames(event):
        for frame in frames:
            frame.pop("vars", None)
    return scrub(event)


def before_breadcrumb(crumb, hint):
    return scrub(crumb)


def _stack_frames(event):
    for section in ("exception", "threads"):
        for value in (event.get(section) or {}).get("values") or []:
            frames = (value.get("stacktrace") or {}).get("frames")
            if frames:
                yield frames


def sentry_init(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float):
    """Start reporting errors of Django (requests) and Celery (tasks) to ``dsn``."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=traces_sample_rate,
    )
