"""Settings shared by every environment; values come from environment variables (12-factor)."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from werkdruk.storage import default_storage_setting

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("WERKDRUK_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets the site's own page with a way back, not Django's bare English one.
CSRF_FAILURE_VIEW = "werkdruk.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "django_htmx",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "werkdruk",
    "accounts",
    "processes",
    "organisation",
    "units",
    "plans",
    "voting",
    "schoolplans",
    "spending",
    "surveys",
    "reporting",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "werkdruk.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.AdminMFARequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "werkdruk.urls"
WSGI_APPLICATION = "werkdruk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'werkdruk.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: WAL and immediate
    # transactions avoid "database is locked" under light concurrent use.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "processes:dashboard"

# django-allauth: e-mail is the identifier; staff rarely want a password, so a
# code sent by e-mail is offered next to it. Accounts are made by the school
# (staff import) or the administrator, never by self sign-up.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# An address counts (sign-in, password reset, main address, staff linking) only once verified:
# vouched for by the school's import or an administrator, or confirmed with a code e-mailed to
# it. See accounts/selectors.py and docs/architecture.md ("Accounts and security").
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_FORMS = {
    "add_email": "accounts.forms.AddEmailForm",
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Werkdruk] "
# Sign-up is closed: an unknown address gets no e-mail at all (not an invitation to sign up).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Sign-in with the school's own account (OpenID Connect): each board sets up its providers in
# the product (organisation.SignInProvider); the adapter serves them to allauth as its apps, so
# nothing is configured here. It links a sign-in to an account only by a verified address the
# board knows, and never makes an account for a stranger (docs/architecture.md, "Sign-in with
# the school's account"). Sign-in starts by POST only; tokens are not stored.
SOCIALACCOUNT_ADAPTER = "organisation.signin_adapter.SignInAdapter"
SOCIALACCOUNT_PROVIDERS = {}
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Werkdruk"

# The number of reverse proxies of ours in front of the application: 0 means REMOTE_ADDR is the
# client; n means the n-th address from the right of X-Forwarded-For (werkdruk.client_ip).
# Login throttling (axes) and allauth's rate limits both use it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# django-axes: lock one account (e-mail address) from one client address after repeated
# failures, never a whole address: a school's staff share one NAT address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"
AXES_CLIENT_IP_CALLABLE = "werkdruk.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"
# Generated files (werkdruk/storage.py): the filesystem under MEDIA_ROOT by default, an
# S3-compatible bucket with STORAGE_BACKEND=s3 (or AWS_STORAGE_BUCKET_NAME set). The download
# view streams a file (STORAGE_DOWNLOAD=stream) or, on S3, redirects to a presigned URL valid
# this many seconds (STORAGE_DOWNLOAD=redirect).
STORAGE_URL_EXPIRE_SECONDS = env.int("STORAGE_URL_EXPIRE_SECONDS", default=60)
STORAGE_DOWNLOAD = env.str("STORAGE_DOWNLOAD", default="stream")
STORAGES = {
    "default": default_storage_setting(env, url_expire_seconds=STORAGE_URL_EXPIRE_SECONDS),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Werkdruk <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production; the embedded default is kombu's filesystem
# transport, so a real worker runs without any server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # The exchange-queue bindings; kombu's default is a `control` folder in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        # Look for messages every 0.1 s, not kombu's 1 s: a busy worker looks again only after
        # that pause, and the board report's 30 parts (issue 20) each paid it.
        "polling_interval": 0.1,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Board report jobs (reporting.services): a running job writes a heartbeat every
# REPORT_JOB_HEARTBEAT_SECONDS (0: none); one silent for REPORT_JOB_ORPHAN_SECONDS has lost its
# worker and is restarted by the watchdog (every minute) or by its redelivered task, at most
# REPORT_JOB_MAX_ATTEMPTS runs in all. The orphan limit must be several heartbeats long.
REPORT_JOB_HEARTBEAT_SECONDS = env.float("REPORT_JOB_HEARTBEAT_SECONDS", default=10)
REPORT_JOB_ORPHAN_SECONDS = env.float("REPORT_JOB_ORPHAN_SECONDS", default=60)
REPORT_JOB_MAX_ATTEMPTS = env.int("REPORT_JOB_MAX_ATTEMPTS", default=3)
# The e-mail outbox (werkdruk.outbox): rows are handed to the send task after the commit of the
# action that wrote them (False: at once, for unit tests whose tasks run eagerly); a claimed row
# is held for OUTBOX_LEASE_SECONDS (longer than a batch of OUTBOX_BATCH_SIZE takes), then the
# sweep (every minute) sends it again; sent and failed rows are deleted after the retention.
OUTBOX_SEND_ON_COMMIT = env.bool("OUTBOX_SEND_ON_COMMIT", default=True)
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
OUTBOX_SWEEP_LIMIT = env.int("OUTBOX_SWEEP_LIMIT", default=5000)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)
# A confirmed staff import of more people than this runs as a background job with progress on
# its page; smaller ones in the request (docs/performance.md, "Staff import").
STAFF_IMPORT_SYNC_MAX_ROWS = env.int("STAFF_IMPORT_SYNC_MAX_ROWS", default=2000)
# A job not finished this long after it was confirmed is shown as stopped (nothing imported).
STAFF_IMPORT_JOB_STALE_SECONDS = env.int("STAFF_IMPORT_JOB_STALE_SECONDS", default=900)
# A board's PDF report of at least this many schools is rendered school by school, the parts in
# parallel by the workers, and merged (reporting.services); 0: always in one piece.
REPORT_PDF_PARTS_MIN_SCHOOLS = env.int("REPORT_PDF_PARTS_MIN_SCHOOLS", default=2)

# /health/ (werkdruk.health): how long the broker check may wait for a connection, and how old
# beat's heartbeat (stamped every minute) may be before the check fails.
HEALTH_CHECK_TIMEOUT_SECONDS = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=2)
HEALTH_BEAT_STALE_SECONDS = env.int("HEALTH_BEAT_STALE_SECONDS", default=300)

# Content-Security-Policy: everything is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# "plain" lines, or "json": one JSON object a line (werkdruk.logging.JsonFormatter), the
# production default. Both go through the handler's filter that removes personal codes.
LOG_FORMATS = ("plain", "json")


def log_format(default: str) -> str:
    value = env.str("LOG_FORMAT", default=default)
    if value not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}.")
    return value


LOG_FORMAT = log_format("plain")
# Every log line goes through one handler that removes personal codes (werkdruk.logging). The
# loggers to which Django's default configuration gives handlers of their own ("django":
# console when DEBUG and mail_admins; "django.server"; "py.warnings") are listed so that those
# handlers are removed and their records reach the redacting handler instead. The Celery
# worker and beat use this configuration too (werkdruk/celery.py). Add a handler here only
# with the redact_voting_codes filter (tests/werkdruk/test_log_redaction.py checks).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_voting_codes": {"()": "werkdruk.logging.RedactVotingCodes"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "json": {"()": "werkdruk.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_voting_codes"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "py.warnings": {"handlers": [], "propagate": True},
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # redis-py adds its own unfiltered console handler to this logger unless it exists.
        "push_response": {"handlers": [], "propagate": True},
    },
}

# The private keys of open votes, outside the database (voting.keys, docs/security.md). Every
# web and worker machine must see the same folder; keep it out of backups.
VOTE_KEY_DIR = env.str("VOTE_KEY_DIR", default=str(VAR_DIR / "vote-keys"))

# Absolute address of the site, for links in e-mails sent outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# How long an e-mailed invitation to a role (organisation.Invitation) stays usable, in days.
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=14)

# How many days before an evaluation moment whoever is responsible is reminded (once).
EVALUATION_REMINDER_DAYS = env.int("EVALUATION_REMINDER_DAYS", default=7)

# Uploads (staff lists, finance exports): the largest file accepted, and for an Excel workbook
# (a zip archive) how far it may unpack and how tightly it may be packed, checked before it is
# parsed, so a small "zip bomb" cannot make the web process grow by hundreds of MB.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
UPLOAD_XLSX_MAX_UNPACKED_BYTES = env.int("UPLOAD_XLSX_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
UPLOAD_XLSX_MAX_RATIO = env.int("UPLOAD_XLSX_MAX_RATIO", default=100)
# import-export's own escaping strips a leading "=" and turns every cell into text; our
# resources neutralise formulas themselves (werkdruk.spreadsheets.FormulaSafeResourceMixin).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
