"""A tiny OpenID Connect provider for the sign-in integration test (django-oauth-toolkit).

Not part of the product. ``serve.py`` starts it as a subprocess on a free port, with its own
SQLite database and a fresh RSA key in a temporary folder (OIDC_PROVIDER_DIR). Its users and
their e-mail claims come from users.json in that folder (``validator.py``).
"""

import json
import os
from pathlib import Path

DIR = Path(os.environ["OIDC_PROVIDER_DIR"])
CONFIG = json.loads((DIR / "config.json").read_text())

SECRET_KEY = "test-oidc-provider-" + CONFIG["issuer"]
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DIR / "db.sqlite3")}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TEMPLATES = []
# The test's browser (a requests.Session) talks to both servers on one host name; cookies do
# not tell ports apart, so the provider's cookies have their own names.
SESSION_COOKIE_NAME = "oidc_provider_session"
CSRF_COOKIE_NAME = "oidc_provider_csrf"
LOGIN_URL = "/as/"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": CONFIG["issuer"],
    "OIDC_RSA_PRIVATE_KEY": (DIR / "key.pem").read_text(),
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.Validator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "E-mail"},
    "PKCE_REQUIRED": True,
}
