"""Issue 19, item 2: web and worker on different machines share nothing but the storage.

A real Celery worker in another process, with a MEDIA_ROOT of its own, writes the board report
into an S3 bucket (moto's server mode on a local port, reached by both processes over HTTP).
This process plays the web machine, with another MEDIA_ROOT: the board administrator downloads
the worker's file through the permission-checking view, streamed or by a presigned URL. Neither
media root receives a file."""

import time

import boto3
import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer

from plans.demo import DOMAIN, demo_load
from reporting import services, tasks
from reporting.models import ReportJob
from schoolplans.demo import demo_ratified
from tests.integration.conftest import worker_start, worker_stop
from tests.seeds import reference_data_seed
from werkdruk.storage import S3_BACKEND

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUE = "report-storage-test"
BUCKET = "werkdruk-reports"
REGION = "us-east-1"
JOB_TIMEOUT = 120  # seconds: the demo board's report, rendered by WeasyPrint
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def s3_server(monkeypatch):
    """An S3 endpoint on a free local port with an empty private bucket; its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(Bucket=BUCKET)
    try:
        yield endpoint
    finally:
        server.stop()


def bucket_keys(endpoint) -> list[str]:
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION)
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture
def worker(s3_server, tmp_path, celery_email_dir):
    """The worker machine: its own MEDIA_ROOT, the bucket, a queue of this test's own."""
    media = tmp_path / "worker-media"
    media.mkdir()
    started = worker_start(
        name="report-storage@localhost",
        log_path=tmp_path / "worker.log",
        pool=("--concurrency", "1", "-P", "solo"),
        queue=QUEUE,
        env={
            **CREDENTIALS,
            "EMAIL_FILE_PATH": str(celery_email_dir),
            "MEDIA_ROOT": str(media),
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": s3_server,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_S3_ADDRESSING_STYLE": "path",
        },
    )
    started.media = media
    try:
        yield started
    finally:
        worker_stop(started)


@pytest.fixture
def web(s3_server, tmp_path, monkeypatch):
    """This process as the web machine: another MEDIA_ROOT, the same bucket; report job
    messages go to the test's worker."""
    monkeypatch.setattr(
        tasks.report_job_run,
        "delay",
        lambda *args: tasks.report_job_run.apply_async(args, queue=QUEUE),
    )
    media = tmp_path / "web-media"
    media.mkdir()
    s3 = {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": s3_server,
            "region_name": REGION,
            "addressing_style": "path",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
    storages = {
        "default": s3,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(MEDIA_ROOT=str(media), STORAGES=storages):
        yield media


@pytest.fixture
def board(celery_worker_process):
    """The demo board with a ratified year; the shared worker takes the demo's own tasks."""
    reference_data_seed()
    process = demo_ratified(demo_load())
    return process.school.board, process.school_year


def wait_until_finished(job) -> ReportJob:
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (ReportJob.State.DONE, ReportJob.State.FAILED):
            return job
        time.sleep(0.5)
    pytest.fail(f"job {job.pk} still {job.state} after {JOB_TIMEOUT} s")


def test_the_web_downloads_what_the_worker_stored_sharing_only_the_bucket(
    board, worker, web, s3_server, client, settings
):
    board, school_year = board
    admin = get_user_model().objects.get(email=f"bestuur@{DOMAIN}")
    job = services.report_job_start(board=board, school_year=school_year, fmt="pdf", actor=admin)

    job = wait_until_finished(job)
    assert job.state == ReportJob.State.DONE, worker.log_path.read_text(errors="replace")[-3000:]
    assert bucket_keys(s3_server) == [job.file.name]
    assert list(worker.media.rglob("*")) == [] and list(web.rglob("*")) == []

    client.force_login(admin)
    url = reverse("reporting:job-download", args=[board.pk, job.pk])
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")

    settings.STORAGE_DOWNLOAD = "redirect"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{s3_server}/{BUCKET}/{job.file.name}?")
    assert "X-Amz-Signature=" in response["Location"]
    fetched = requests.get(response["Location"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == content

    # Deleting the job deletes the object in the bucket.
    job.delete()
    assert bucket_keys(s3_server) == []
    assert list(web.rglob("*")) == []
