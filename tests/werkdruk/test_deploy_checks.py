"""Issue 14, item 6: production refuses unsafe defaults.

Production settings refuse to start without the variables that have a development default
(e-mail, database, broker, secret key, hosts); ``manage.py check --deploy`` fails on values
that are unsafe in production. Without EMAIL_URL, production used to print every vote link
and sign-in code to the console, and the deploy check passed.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.core.checks.registry import registry
from django.test import override_settings

from werkdruk import checks

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "werkdruk.settings.production",
    "SECRET_KEY": "k" * 20 + "3Vq8-fT0pLx9Rw2zYb7NcM4uJ6eHsKd1GaQ",
    "ALLOWED_HOSTS": "werkdruk.example.org",
    "DATABASE_URL": "postgres://werkdruk@127.0.0.1:5432/werkdruk",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://werkdruk:secret@smtp.example.org:587",
    "SITE_URL": "https://werkdruk.example.org",
    "VOTE_KEY_DIR": "",  # a folder of the test run (``vote_key_dir`` below)
}


@pytest.fixture(autouse=True)
def vote_key_dir(tmp_path_factory):
    """Production checks that the key folder exists, privately: give it one."""
    folder = tmp_path_factory.mktemp("production-vote-keys")
    folder.chmod(0o700)
    PRODUCTION_ENV["VOTE_KEY_DIR"] = str(folder)
    with override_settings(VOTE_KEY_DIR=str(folder)):
        yield folder


def ids(messages):
    assert all(isinstance(message, Error) for message in messages)
    return [message.id for message in messages]


def run_production(*args, **env_changes):
    """``manage.py`` with production settings, in a clean environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV
        # Set by the test run itself (the browser tests' conftest, the test settings).
        and key not in ("EMAIL_BACKEND_OVERRIDE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(PRODUCTION_ENV)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# Each check on its own


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    ],
)
def test_item6_a_mail_backend_that_does_not_deliver_fails(backend):
    with override_settings(EMAIL_BACKEND=backend):
        assert ids(checks.check_email_backend(None)) == ["werkdruk.E001"]


def test_item6_smtp_mail_passes():
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
        assert checks.check_email_backend(None) == []


@pytest.mark.parametrize(
    "key",
    [
        "insecure-development-key-change-me",  # base.py's default
        "django-insecure-" + "x1y2z3" * 10,  # startproject's
        "short-but-random-Q8x",
        "a" * 60,  # long but hardly random
    ],
)
def test_item6_a_development_or_weak_secret_key_fails(key):
    with override_settings(SECRET_KEY=key):
        assert ids(checks.check_secret_key(None)) == ["werkdruk.E002"]


def test_item6_a_long_random_secret_key_passes():
    with override_settings(SECRET_KEY=PRODUCTION_ENV["SECRET_KEY"]):
        assert checks.check_secret_key(None) == []


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")  # no connection is made
def test_item6_sqlite_fails_and_postgresql_passes():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "werkdruk.sqlite3"}
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "werkdruk"}
    with override_settings(DATABASES={"default": sqlite}):
        assert ids(checks.check_database(None)) == ["werkdruk.E003"]
    with override_settings(DATABASES={"default": postgres}):
        assert checks.check_database(None) == []


@pytest.mark.parametrize("url", ["filesystem://", "memory://"])
def test_item6_a_broker_without_a_server_fails(url):
    with override_settings(CELERY_BROKER_URL=url):
        assert ids(checks.check_broker(None)) == ["werkdruk.E004"]


def test_item6_redis_broker_passes():
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0"):
        assert checks.check_broker(None) == []


@pytest.mark.parametrize("hosts", [[], ["*"], ["werkdruk.example.org", "*"], [""]])
def test_item6_empty_or_wildcard_allowed_hosts_fail(hosts):
    with override_settings(ALLOWED_HOSTS=hosts):
        assert ids(checks.check_allowed_hosts(None)) == ["werkdruk.E005"]


def test_item6_named_allowed_hosts_pass():
    with override_settings(ALLOWED_HOSTS=["werkdruk.example.org", ".school.example.nl"]):
        assert checks.check_allowed_hosts(None) == []


def test_item6_debug_fails():
    with override_settings(DEBUG=True):
        assert ids(checks.check_debug(None)) == ["werkdruk.E006"]
    with override_settings(DEBUG=False):
        assert checks.check_debug(None) == []


@pytest.mark.parametrize(
    "url",
    ["http://werkdruk.example.org", "https://127.0.0.1:8000", "https://localhost", "werkdruk.nl"],
)
def test_item6_a_site_url_that_is_not_public_https_fails(url):
    with override_settings(SITE_URL=url):
        assert ids(checks.check_site_url(None)) == ["werkdruk.E007"]


def test_item6_a_public_https_site_url_passes():
    with override_settings(SITE_URL="https://werkdruk.example.org"):
        assert checks.check_site_url(None) == []


def test_item4_vote_keys_inside_the_media_or_static_folder_fail(tmp_path):
    (tmp_path / "keys").mkdir(mode=0o700)
    tmp_path.chmod(0o700)
    with override_settings(MEDIA_ROOT=str(tmp_path), VOTE_KEY_DIR=str(tmp_path / "keys")):
        assert ids(checks.check_vote_key_dir(None)) == ["werkdruk.E008"]
    with override_settings(STATIC_ROOT=str(tmp_path), VOTE_KEY_DIR=str(tmp_path)):
        assert ids(checks.check_vote_key_dir(None)) == ["werkdruk.E008"]


def test_item4_a_missing_vote_key_folder_fails(tmp_path):
    with override_settings(VOTE_KEY_DIR=str(tmp_path / "not-mounted")):
        assert ids(checks.check_vote_key_dir(None)) == ["werkdruk.E008"]


def test_item4_a_vote_key_folder_others_can_read_fails(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o755)
    keys.chmod(0o755)
    with override_settings(VOTE_KEY_DIR=str(keys)):
        assert ids(checks.check_vote_key_dir(None)) == ["werkdruk.E008"]
        keys.chmod(0o700)
        assert checks.check_vote_key_dir(None) == []


def test_item6_the_checks_run_with_deploy_only():
    deploy_checks = registry.get_checks(include_deployment_checks=True)
    everyday_checks = registry.get_checks(include_deployment_checks=False)
    for check in checks.DEPLOY_CHECKS:
        assert check in deploy_checks
        assert check not in everyday_checks


# Production as it starts


def test_item6_production_settings_with_real_services_pass_the_deploy_check():
    result = run_production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_item6_production_without_email_url_refuses_to_start():
    result = run_production("check", EMAIL_URL=None)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_URL" in result.stderr


@pytest.mark.parametrize(
    "name", ["DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "VOTE_KEY_DIR", "SITE_URL"]
)
def test_item6_production_without_a_required_variable_refuses_to_start(name):
    result = run_production("check", **{name: None})
    assert result.returncode != 0
    assert name in result.stderr


def test_item6_production_with_console_mail_fails_the_deploy_check():
    result = run_production("check", "--deploy", EMAIL_URL="consolemail://")
    assert result.returncode != 0
    assert "werkdruk.E001" in result.stderr
