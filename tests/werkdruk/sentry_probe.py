"""Run by tests/werkdruk/test_ops_monitoring.py in a process of its own: Sentry switched on
with the project's options (``werkdruk.monitoring.sentry_init``), its events caught by a
transport of ours instead of being sent. Prints the events as JSON.

A separate process, because Sentry's integrations patch Django and Celery for the rest of the
process they start in.
"""

import json
import logging
import os

CODE = "ABCD-EFGH-JKLM-NPQR-STUV"
ADDRESS = "jan.jansen@school.example.nl"


def wsgi_post(path, *, query, body, headers):
    """A request through the WSGI application itself, as gunicorn sends it (Sentry reads
    the request's URL and headers there; Django's test client goes around it)."""
    import io
    from wsgiref.util import setup_testing_defaults

    from django.core.wsgi import get_wsgi_application

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        **headers,
    }
    setup_testing_defaults(environ)
    statuses = []
    get_wsgi_application()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return int(statuses[0].split()[0])


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "werkdruk.settings.test")
    import django

    django.setup()
    import sentry_sdk
    from django.test import override_settings
    from sentry_sdk.transport import Transport

    from werkdruk.monitoring import sentry_init

    events = []

    class Capture(Transport):
        def capture_envelope(self, envelope):
            event = envelope.get_event()
            if event is not None:
                events.append(event)

    sentry_init(
        dsn="https://public@sentry.example.invalid/1",
        environment="test",
        release=None,
        traces_sample_rate=0.0,
    )
    client = sentry_sdk.get_client()
    client.transport = Capture(client.options)
    options = {
        "send_default_pii": client.options["send_default_pii"],
        "max_request_body_size": client.options["max_request_body_size"],
        "include_local_variables": client.options["include_local_variables"],
        "integrations": sorted(client.integrations),
    }
    with override_settings(
        ROOT_URLCONF="tests.werkdruk.sentry_probe_urls",
        ALLOWED_HOSTS=["testserver"],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    ):
        status = wsgi_post(
            f"/probe/vote/code/{CODE}/",
            query=f"token=SECRETTOKEN123&code={CODE}&lang=nl",
            body=f"email={ADDRESS}&password=hunter2-secret".encode(),
            headers={
                "HTTP_COOKIE": "sessionid=secretsession",
                "HTTP_AUTHORIZATION": "Bearer secretbearer",
                "HTTP_X_FORWARDED_FOR": "203.0.113.9",
            },
        )
    logging.getLogger("werkdruk.probe").error("mail to %s failed", ADDRESS)
    sentry_sdk.flush()
    print(json.dumps({"status": status, "options": options, "events": events}))


if __name__ == "__main__":
    main()
