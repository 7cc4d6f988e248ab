"""The board's annual report is written by a real Celery worker in another process (Redis,
PostgreSQL): the job queued by the service runs to a stored PDF with the schools' figures, and a
job the worker cannot render ends failed with its message."""

import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from plans.demo import DOMAIN, demo_load
from reporting import services, tasks
from reporting.models import ReportJob
from reporting.selectors import figures
from reporting.selectors.jobs import job_rows
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from tests.seeds import reference_data_seed
from werkdruk.money import format_euro

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

JOB_TIMEOUT = 120  # seconds: the whole board report, both schools, rendered by WeasyPrint
FINISHED = (ReportJob.State.DONE, ReportJob.State.FAILED)


@pytest.fixture
def ratified(celery_worker_process):
    """The demo board with Het Baken Lyceum's ratified year (spending and survey recorded).
    The worker is up first: the demo's own queued tasks go to it, not to a later test. The
    reference data again, after an earlier transactional test's flush (``tests.seeds``)."""
    reference_data_seed()
    process = demo_ratified(demo_load())
    demo_spending(process)
    demo_survey(process)
    process.refresh_from_db()
    return process


@pytest.fixture
def stored_files():
    """The jobs whose files the worker wrote under MEDIA_ROOT: removed afterwards (the worker
    was started with the project's MEDIA_ROOT, which the test cannot redirect)."""
    jobs = []
    yield jobs
    for job in jobs:
        job.refresh_from_db()
        if job.file:
            job.file.delete(save=False)


def board_admin():
    return get_user_model().objects.get(email=f"bestuur@{DOMAIN}")


def wait_until_finished(job) -> ReportJob:
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in FINISHED:
            return job
        time.sleep(0.5)
    pytest.fail(f"job {job.pk} still {job.state} after {JOB_TIMEOUT} s")


def worker_log(worker) -> str:
    return worker.log_path.read_text(errors="replace")


def pdf_text(content: bytes) -> str:
    """The PDF's text with every run of white space (also no-break spaces) as one space."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def test_the_worker_writes_the_board_report_as_a_pdf(
    ratified, celery_worker_process, stored_files, client
):
    board = ratified.school.board
    admin = board_admin()

    job = services.report_job_start(
        board=board, school_year=ratified.school_year, fmt="pdf", actor=admin
    )
    stored_files.append(job)

    assert wait_until_finished(job).state == ReportJob.State.DONE, job.error
    assert job.error == ""
    assert job.progress_total == job.progress_done == board.schools.count() == 2
    assert job.started_at <= job.finished_at
    assert job.requested_by == admin
    assert "reporting.tasks.report_job_run[" in worker_log(celery_worker_process)

    content = job.file.read()
    assert content.startswith(b"%PDF")
    assert job.filename.endswith(".pdf")
    text = pdf_text(content)
    with translation.override("nl"):  # the report is in the school's language
        expected = figures.school_report(school=ratified.school, school_year=ratified.school_year)
        amounts = [
            format_euro(expected.amounts.school_budget),  # section a
            format_euro(expected.goals.planned),  # section c
            format_euro(expected.goals.actual),
        ]
    assert expected.goals.planned > 0 and expected.goals.actual > 0
    assert board.name in text
    for school in board.schools.all():
        assert school.name in text
    for amount in amounts:
        assert amount.replace("\u00a0", " ") in text

    # The board administrator downloads the worker's file through the page.
    client.force_login(admin)
    response = client.get(reverse("reporting:job-download", args=[board.pk, job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == content


def test_a_job_the_worker_cannot_render_ends_failed_with_its_message(
    ratified, celery_worker_process
):
    board = ratified.school.board
    # A row with a format the worker refuses (the service never queues one: it checks first).
    job = ReportJob.objects.create(
        board=board, school_year=ratified.school_year, format="xlsx", requested_by=board_admin()
    )

    result = tasks.report_job_run.delay(job.pk)

    assert result.get(timeout=JOB_TIMEOUT) == ReportJob.State.FAILED
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED
    assert job.error == services.FAILED
    assert job.finished_at is not None
    assert not job.file and job.filename == ""
    log = worker_log(celery_worker_process)
    assert f"Annual report job {job.pk} failed" in log
    assert "Unknown report format 'xlsx'" in log

    # The page shows it failed, with the message in the reader's language, and stops polling.
    with translation.override("en"):
        [row] = job_rows(board=board, school_year=ratified.school_year)
    assert (row.state, row.active, row.done) == (ReportJob.State.FAILED, False, False)
    assert row.error == services.FAILED

    # Delivered again (acks_late), the finished job is left as it is.
    assert tasks.report_job_run.delay(job.pk).get(timeout=JOB_TIMEOUT) is None
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED
