"""Deploy checks: ``manage.py check --deploy`` fails on settings that are unsafe in production.

Production settings refuse to start when a variable with a development default is missing
(``werkdruk/settings/production.py``); these checks judge the values that were given. Each is
one function registered with ``deploy=True`` and listed in ``DEPLOY_CHECKS``; add a new one
the same way, with the next free id (``werkdruk.E0xx``), and document it in
``docs/deployment.md``.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

DEPLOY_CHECKS = []


def deploy_check(function):
    """Register ``function(app_configs, **kwargs) -> list[Error]`` for ``check --deploy``."""
    DEPLOY_CHECKS.append(function)
    return register(Tags.security, deploy=True)(function)


# Backends that print, keep, file or drop mail instead of delivering it: vote links and
# sign-in codes would end up in the console, in memory, on disk or nowhere.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
BROKERS_WITHOUT_SERVER = ("filesystem://", "memory://")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 (a name, not a bind)


@deploy_check
def check_email_backend(app_configs, **kwargs):
    if settings.EMAIL_BACKEND not in NON_DELIVERING_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, which does not deliver mail: vote "
            "links and sign-in codes would be printed, kept or dropped.",
            hint="Set EMAIL_URL to your mail server, e.g. smtp+tls://user:pass@host:587.",
            id="werkdruk.E001",
        )
    ]


@deploy_check
def check_secret_key(app_configs, **kwargs):
    key = settings.SECRET_KEY or ""
    weak = key.startswith(("insecure-", "django-insecure-")) or len(key) < 50 or len(set(key)) < 5
    if not weak:
        return []
    return [
        Error(
            "SECRET_KEY is a development key or too short or too simple: sessions, sign-in "
            "links and CSRF tokens could be forged.",
            hint="Set SECRET_KEY to 50 or more random characters, e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'.",
            id="werkdruk.E002",
        )
    ]


@deploy_check
def check_database(app_configs, **kwargs):
    aliases = [
        alias
        for alias, database in settings.DATABASES.items()
        if database["ENGINE"] == "django.db.backends.sqlite3"
    ]
    if not aliases:
        return []
    return [
        Error(
            f"The database {', '.join(aliases)} is SQLite, the development default: one file "
            "beside the code, without the locking concurrent votes rely on.",
            hint="Set DATABASE_URL to PostgreSQL, e.g. postgres://user:pass@host:5432/werkdruk.",
            id="werkdruk.E003",
        )
    ]


@deploy_check
def check_broker(app_configs, **kwargs):
    if not str(settings.CELERY_BROKER_URL).startswith(BROKERS_WITHOUT_SERVER):
        return []
    return [
        Error(
            f"CELERY_BROKER_URL is {settings.CELERY_BROKER_URL}, the development default: "
            "tasks stay on this machine and a second web or worker machine never sees them.",
            hint="Set CELERY_BROKER_URL to Redis, e.g. redis://host:6379/0.",
            id="werkdruk.E004",
        )
    ]


@deploy_check
def check_allowed_hosts(app_configs, **kwargs):
    hosts = [host for host in settings.ALLOWED_HOSTS if host]
    if hosts and "*" not in hosts:
        return []
    return [
        Error(
            "ALLOWED_HOSTS is empty or contains '*': any Host header is accepted, so links "
            "built from the request (password reset, sign-in) can point elsewhere.",
            hint="Set ALLOWED_HOSTS to the site's host names, comma-separated.",
            id="werkdruk.E005",
        )
    ]


@deploy_check
def check_debug(app_configs, **kwargs):
    if not settings.DEBUG:
        return []
    return [
        Error(
            "DEBUG is on: error pages show settings, paths and personal data.",
            hint="Use werkdruk.settings.production, which turns DEBUG off.",
            id="werkdruk.E006",
        )
    ]


@deploy_check
def check_site_url(app_configs, **kwargs):
    url = urlsplit(settings.SITE_URL)
    if url.scheme == "https" and url.hostname and url.hostname not in LOCAL_HOSTS:
        return []
    return [
        Error(
            f"SITE_URL is {settings.SITE_URL}: links in e-mails (with personal voting and "
            "survey codes) must use the site's public https address.",
            hint="Set SITE_URL, e.g. https://werkdruk.example.nl.",
            id="werkdruk.E007",
        )
    ]


@deploy_check
def check_vote_key_dir(app_configs, **kwargs):
    """The votes' private keys must stay private, and out of what is served or backed up."""
    keys = Path(settings.VOTE_KEY_DIR).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        root = Path(getattr(settings, name)).resolve()
        if keys == root or root in keys.parents:
            errors.append(
                Error(
                    f"VOTE_KEY_DIR ({keys}) lies inside {name}: the keys that open the ballots "
                    "of open votes would be stored, served or backed up with those files.",
                    hint="Give VOTE_KEY_DIR a folder of its own, outside the media and "
                    "static folders and outside backups (docs/security.md).",
                    id="werkdruk.E008",
                )
            )
    if not keys.is_dir() or not os.access(keys, os.W_OK | os.X_OK):
        errors.append(
            Error(
                f"VOTE_KEY_DIR ({keys}) is not a folder this process can write to: votes "
                "could not be opened, or their keys would go elsewhere.",
                hint=f"Create it (install -d -m 700 {keys}) on the volume that every web and "
                "worker machine shares, owned by the user that runs them.",
                id="werkdruk.E008",
            )
        )
    elif keys.stat().st_mode & 0o077:
        errors.append(
            Error(
                f"VOTE_KEY_DIR ({keys}) can be read or entered by other users of the machine.",
                hint=f"chmod 700 {keys} (owned by the user that runs the web and worker "
                "processes).",
                id="werkdruk.E008",
            )
        )
    return errors


@deploy_check
def check_storage(app_configs, **kwargs):
    """Generated files (werkdruk/storage.py): an S3 storage needs its bucket, a download is
    streamed or redirected, and a presigned URL lives minutes, not hours."""
    from .storage import REDIRECT, S3_BACKEND, STREAM

    errors = []
    default = settings.STORAGES.get("default", {})
    if default.get("BACKEND") == S3_BACKEND and not default.get("OPTIONS", {}).get("bucket_name"):
        errors.append(
            Error(
                "STORAGE_BACKEND is s3 but AWS_STORAGE_BUCKET_NAME is empty: report files "
                "could not be stored.",
                hint="Set AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL for a store other "
                "than Amazon S3).",
                id="werkdruk.E009",
            )
        )
    if settings.STORAGE_DOWNLOAD not in (STREAM, REDIRECT):
        errors.append(
            Error(
                f"STORAGE_DOWNLOAD is {settings.STORAGE_DOWNLOAD!r}: use {STREAM} or {REDIRECT}.",
                id="werkdruk.E009",
            )
        )
    if not 0 < settings.STORAGE_URL_EXPIRE_SECONDS <= 15 * 60:
        errors.append(
            Error(
                f"STORAGE_URL_EXPIRE_SECONDS is {settings.STORAGE_URL_EXPIRE_SECONDS}: a "
                "presigned download link must be short-lived (1 to 900 seconds); anyone who "
                "holds it can download the report meanwhile.",
                id="werkdruk.E009",
            )
        )
    return errors
