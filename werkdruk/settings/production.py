"""Production: everything from the environment.

Refuses to start when a variable whose development default is unsafe here is missing (mail
to the console, SQLite, the filesystem broker, the development key). The values given are
judged by ``manage.py check --deploy`` (werkdruk/checks.py), part of the release step.
"""

import copy

from django.core.exceptions import ImproperlyConfigured

from werkdruk.monitoring import sentry_init

from .base import *  # noqa: F403
from .base import LOGGING, env, log_format

REQUIRED_VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
    # Links in e-mails (with personal codes) must point at the real site, never a default.
    "SITE_URL",
    # Where the votes' private keys live: a deliberate choice (shared by every machine, out of
    # backups), never the folder beside the code by default.
    "VOTE_KEY_DIR",
)
_missing = [name for name in REQUIRED_VARIABLES if not env.str(name, default="").strip()]
if _missing:
    raise ImproperlyConfigured(
        f"Production needs these environment variables: {', '.join(_missing)} "
        "(see docs/deployment.md)."
    )

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
AXES_ENABLED = True
# /health/ answers a load balancer's plain-HTTP probe itself, without a redirect.
SECURE_REDIRECT_EXEMPT = [r"^health/"]

# One JSON object a line for a log collector, unless LOG_FORMAT=plain.
LOG_FORMAT = log_format("json")
LOGGING = copy.deepcopy(LOGGING)
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT

# Error reporting (werkdruk.monitoring), scrubbed like the logs: only when SENTRY_DSN is set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
