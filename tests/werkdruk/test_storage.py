"""Issue 19, item 2: the storage of generated files from the environment, and its deploy check
(werkdruk/storage.py, werkdruk/checks.py ``werkdruk.E009``)."""

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.werkdruk.test_deploy_checks import ids, run_production, vote_key_dir
from werkdruk import checks
from werkdruk.storage import S3_BACKEND, default_storage_setting

FILESYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
VARIABLES = (
    "STORAGE_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_LOCATION",
)


@pytest.fixture
def setting(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def build(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return default_storage_setting(environ.Env(), url_expire_seconds=60)

    return build


def test_the_filesystem_is_the_default(setting):
    assert setting() == FILESYSTEM
    assert setting(STORAGE_BACKEND="filesystem") == FILESYSTEM


def test_a_bucket_name_alone_chooses_s3(setting):
    built = setting(AWS_STORAGE_BUCKET_NAME="werkdruk")
    assert built["BACKEND"] == S3_BACKEND
    assert built["OPTIONS"]["bucket_name"] == "werkdruk"


def test_an_s3_compatible_store_gets_its_endpoint_region_and_addressing(setting):
    built = setting(
        STORAGE_BACKEND="S3",
        AWS_STORAGE_BUCKET_NAME="werkdruk",
        AWS_S3_ENDPOINT_URL="https://s3.example.nl",
        AWS_S3_REGION_NAME="nl-ams",
        AWS_S3_ADDRESSING_STYLE="path",
    )
    options = built["OPTIONS"]
    assert options["endpoint_url"] == "https://s3.example.nl"
    assert (options["region_name"], options["addressing_style"]) == ("nl-ams", "path")
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert "access_key" not in options and "secret_key" not in options  # boto3 reads them


def test_an_unknown_backend_refuses_to_start(setting):
    with pytest.raises(ImproperlyConfigured, match="STORAGE_BACKEND"):
        setting(STORAGE_BACKEND="ftp")


def test_the_deploy_check_passes_the_defaults():
    assert checks.check_storage(None) == []


def test_s3_without_a_bucket_fails_the_deploy_check():
    s3 = {"BACKEND": S3_BACKEND, "OPTIONS": {"bucket_name": ""}}
    with override_settings(STORAGES={"default": s3}):
        assert ids(checks.check_storage(None)) == ["werkdruk.E009"]


@pytest.mark.parametrize(
    ("download", "expire"), [("link", 60), ("redirect", 0), ("redirect", 3600)]
)
def test_an_unknown_download_or_a_long_lived_link_fails_the_deploy_check(download, expire):
    with override_settings(STORAGE_DOWNLOAD=download, STORAGE_URL_EXPIRE_SECONDS=expire):
        assert ids(checks.check_storage(None)) == ["werkdruk.E009"]


# Production needs a private key folder to start at all (the deploy checks' own fixture).
production = pytest.mark.usefixtures(vote_key_dir.__name__)


@production
def test_production_on_s3_without_a_bucket_fails_the_deploy_check():
    result = run_production("check", "--deploy", STORAGE_BACKEND="s3")
    assert result.returncode != 0
    assert "werkdruk.E009" in result.stderr


@production
def test_production_on_s3_with_a_bucket_passes_the_deploy_check():
    result = run_production(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="werkdruk",
        STORAGE_DOWNLOAD="redirect",
    )
    assert result.returncode == 0, result.stderr
