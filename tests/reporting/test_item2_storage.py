"""Issue 19, item 2: report files in configurable storage.

The worker writes a report file through the storage and the web process hands it out through
the permission-checking view; the two share nothing but the storage (here an S3 bucket in
moto's memory, each side with its own, different MEDIA_ROOT that stays empty). The download
streams from the storage or redirects to a short-lived presigned URL; a deleted job takes its
stored file with it."""

from urllib.parse import parse_qs, urlsplit

import boto3
import environ
import pytest
import requests
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from reporting import documents, services, tasks
from reporting.models import ReportJob
from reporting.sections import BoardReport
from reporting.selectors import figures
from tests.factories import BoardAdministratorFactory, SchoolFactory, SchoolYearFactory
from werkdruk.storage import S3_BACKEND, default_storage_setting

pytestmark = pytest.mark.django_db

BUCKET = "werkdruk-reports"
REGION = "eu-central-1"
CONTENT = b"%PDF-1.7 the board's report"


@pytest.fixture
def s3(monkeypatch):
    """``STORAGES["default"]`` as production builds it from its environment, on a bucket in
    moto's memory."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_LOCATION": "werkdruk",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield default_storage_setting(environ.Env(), url_expire_seconds=60)


def bucket_keys() -> list[str]:
    listing = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listing.get("Contents", [])]


def machine(media_root, default):
    """One machine's settings: its own MEDIA_ROOT, the shared default storage."""
    return override_settings(
        MEDIA_ROOT=str(media_root),
        STORAGES={
            "default": default,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )


@pytest.fixture
def board():
    return SchoolFactory().board


@pytest.fixture
def admin(board):
    return BoardAdministratorFactory(board=board).user


@pytest.fixture
def year():
    return SchoolYearFactory(start_year=2025)


@pytest.fixture
def written(board, year, admin, monkeypatch, django_capture_on_commit_callbacks):
    """``written(media_root, storage)``: a board report job run by a "worker" on that machine."""
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda job_id, lease: None)
    report = BoardReport(
        board_name=board.name,
        school_year=str(year),
        board_total=None,
        board_office=None,
        rows=[],
        schools=[],
        categories=[],
    )
    monkeypatch.setattr(figures, "board_report", lambda **kw: report)
    monkeypatch.setattr(documents, "report_pdf", lambda report: CONTENT)

    def write(media_root, default):
        with machine(media_root, default):
            job = services.report_job_start(board=board, school_year=year, fmt="pdf", actor=admin)
            with django_capture_on_commit_callbacks(execute=True):
                services.report_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == ReportJob.State.DONE
        return job

    return write


def download_url(job):
    return reverse("reporting:job-download", args=[job.board_id, job.pk])


def test_web_and_worker_share_nothing_but_the_s3_storage(client, admin, written, s3, tmp_path):
    worker_media, web_media = tmp_path / "worker", tmp_path / "web"
    worker_media.mkdir(), web_media.mkdir()

    job = written(worker_media, s3)

    # The file is in the bucket under an unguessable name, not on the worker's disk.
    (key,) = bucket_keys()
    assert key == f"werkdruk/{job.file.name}"
    assert job.file.name.startswith("reports/") and len(job.file.name) > len("reports/") + 32
    assert list(worker_media.iterdir()) == []
    # The web machine streams it from the bucket, after the permission check.
    client.force_login(admin)
    with machine(web_media, s3):
        response = client.get(download_url(job))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == CONTENT
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "private, no-store"
        # Nobody else gets it, and the bucket's URL is not public.
        other = BoardAdministratorFactory().user
        client.force_login(other)
        assert client.get(download_url(job)).status_code == 404
        client.logout()
        assert client.get(download_url(job)).status_code == 302
        assert "/accounts/" in client.get(download_url(job))["Location"]
        unsigned = f"https://{BUCKET}.s3.{REGION}.amazonaws.com/{key}"
        assert requests.get(unsigned, timeout=5).status_code == 403
    assert list(web_media.iterdir()) == []


def test_the_download_redirects_to_a_short_lived_presigned_url(
    client, admin, written, s3, tmp_path, settings
):
    settings.STORAGE_DOWNLOAD = "redirect"
    job = written(tmp_path / "worker", s3)
    client.force_login(admin)
    with machine(tmp_path / "web", s3):
        response = client.get(download_url(job))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert url.path.endswith(job.file.name)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"][0].startswith("attachment;")
    fetched = requests.get(response["Location"], timeout=5)
    assert fetched.status_code == 200 and fetched.content == CONTENT
    # An anonymous visitor or another board's administrator is never redirected.
    client.force_login(BoardAdministratorFactory().user)
    assert client.get(download_url(job)).status_code == 404


def test_redirect_falls_back_to_streaming_on_the_filesystem(
    client, admin, written, tmp_path, settings
):
    """A filesystem storage signs no URL (its media URL is served by nothing): it streams."""
    settings.STORAGE_DOWNLOAD = "redirect"
    filesystem = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    job = written(tmp_path, filesystem)
    client.force_login(admin)
    with machine(tmp_path, filesystem):
        response = client.get(download_url(job))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT


def test_on_the_filesystem_web_and_worker_must_share_the_media_root(
    client, admin, written, tmp_path
):
    """The filesystem default keeps working on one machine (or a shared MEDIA_ROOT); a web
    machine with a media root of its own does not find the worker's file: that is what S3 is
    for."""
    filesystem = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    (tmp_path / "worker").mkdir()
    job = written(tmp_path / "worker", filesystem)
    assert (tmp_path / "worker" / job.file.name).read_bytes() == CONTENT
    client.force_login(admin)
    with machine(tmp_path / "worker", filesystem):
        assert client.get(download_url(job)).status_code == 200
    with machine(tmp_path / "web", filesystem):
        assert client.get(download_url(job)).status_code == 404


def test_a_newer_report_deletes_the_older_file_from_the_bucket(written, s3, tmp_path):
    first = written(tmp_path, s3)
    (first_key,) = bucket_keys()
    second = written(tmp_path, s3)
    assert bucket_keys() == [f"werkdruk/{second.file.name}"] != [first_key]
    first.refresh_from_db()
    assert not first.file


def test_a_deleted_job_deletes_its_stored_file(
    written, s3, tmp_path, django_capture_on_commit_callbacks
):
    job = written(tmp_path, s3)
    assert bucket_keys()
    with machine(tmp_path, s3), django_capture_on_commit_callbacks(execute=True):
        ReportJob.objects.filter(pk=job.pk).delete()
    assert bucket_keys() == []


def test_a_deleted_board_deletes_its_report_files_from_the_filesystem(
    board, year, admin, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    job = ReportJob.objects.create(
        board=board, school_year=year, format="pdf", state=ReportJob.State.DONE
    )
    job.file.save("report.pdf", ContentFile(CONTENT))
    path = tmp_path / job.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        job.delete()
    assert not path.exists()


def test_a_file_that_cannot_be_deleted_is_logged_not_raised(
    board, year, tmp_path, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    job = ReportJob.objects.create(
        board=board, school_year=year, format="pdf", state=ReportJob.State.DONE
    )
    job.file.save("report.pdf", ContentFile(CONTENT))

    def refuses(name):
        raise OSError("storage down")

    monkeypatch.setattr(job.file.storage, "delete", refuses)
    with django_capture_on_commit_callbacks(execute=True):
        job.delete()
    assert not ReportJob.objects.filter(pk=job.pk).exists()
    assert "could not be deleted" in caplog.text


def test_production_settings_build_a_private_s3_storage(s3):
    assert s3["BACKEND"] == S3_BACKEND == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert options["bucket_name"] == BUCKET
    assert options["default_acl"] is None  # no public-read ACL: the bucket's private default
    assert options["querystring_auth"] is True and options["querystring_expire"] == 60
    assert options["custom_domain"] is None  # a custom domain would drop the signature
    assert options["file_overwrite"] is False


def test_the_health_check_uses_the_s3_storage(s3, tmp_path):
    from werkdruk import health

    with machine(tmp_path, s3):
        assert health.check_storage() == "ok"
        assert bucket_keys() == []  # the probe leaves nothing behind
        boto3.resource("s3", region_name=REGION).Bucket(BUCKET).delete()
        with pytest.raises(Exception, match="NoSuchBucket"):
            health.check_storage()
