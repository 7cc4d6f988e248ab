"""Issue 14, item 9: a board report job whose worker is lost finishes anyway, on a real worker.

A worker of this test's own (prefork, one child, its own queue, so the session's shared worker
never takes these jobs) runs the demo board's report with a heartbeat every half second and an
orphan limit of three seconds. Killing its pool child mid-job makes Celery hand the message
back (acks_late, reject_on_worker_lost): the task delivered again takes the job over once the
run's lease has run out. Killing the whole worker leaves the message with Redis for an hour:
the watchdog restarts the job under a new lease and a new worker runs it.
"""

import os
import signal
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from plans.demo import DOMAIN, demo_load
from reporting import services, tasks
from reporting.models import ReportJob
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from tests.integration.conftest import worker_start, worker_stop
from tests.seeds import reference_data_seed

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUE = "report-restart-test"
HEARTBEAT = 0.5  # seconds
ORPHAN = 3  # seconds
JOB_TIMEOUT = 120  # seconds, for each stage: the demo board's report, rendered by WeasyPrint
FINISHED = (ReportJob.State.DONE, ReportJob.State.FAILED)


@pytest.fixture
def job_settings(settings):
    """This process's side (the watchdog runs here) uses the worker's limits."""
    settings.REPORT_JOB_HEARTBEAT_SECONDS = HEARTBEAT
    settings.REPORT_JOB_ORPHAN_SECONDS = ORPHAN
    settings.REPORT_JOB_MAX_ATTEMPTS = 3


@pytest.fixture
def start_report_worker(tmp_path, celery_email_dir):
    """Start workers of this test's own; all are stopped afterwards."""
    workers = []

    def start():
        worker = worker_start(
            name=f"report-restart-{len(workers)}@localhost",
            log_path=tmp_path / f"worker-{len(workers)}.log",
            pool=("--concurrency", "1", "-P", "prefork"),
            queue=QUEUE,
            new_session=True,
            env={
                "EMAIL_FILE_PATH": str(celery_email_dir),
                "REPORT_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
                "REPORT_JOB_ORPHAN_SECONDS": str(ORPHAN),
                "REPORT_JOB_MAX_ATTEMPTS": "3",
                # The report in one piece, one task: these tests kill the run that renders it.
                # A board's PDF in parts (issue 20) has a part's message delivered again instead
                # (tests/reporting/test_board_pdf_parts.py).
                "REPORT_PDF_PARTS_MIN_SCHOOLS": "0",
            },
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker_stop(worker)


@pytest.fixture
def own_queue(monkeypatch):
    """Report job messages sent from this process go to the test's own queue."""
    monkeypatch.setattr(
        tasks.report_job_run,
        "delay",
        lambda *args: tasks.report_job_run.apply_async(args, queue=QUEUE),
    )


@pytest.fixture
def board(celery_worker_process):
    """The demo board with a ratified year. The shared worker is up first: the demo's own
    queued tasks go to it. The reference data again, after an earlier test's flush."""
    reference_data_seed()
    process = demo_ratified(demo_load())
    demo_spending(process)
    demo_survey(process)
    return process.school.board, process.school_year


@pytest.fixture
def start_job(board, own_queue, job_settings):
    jobs = []

    def start():
        admin = get_user_model().objects.get(email=f"bestuur@{DOMAIN}")
        job = services.report_job_start(
            board=board[0], school_year=board[1], fmt="pdf", actor=admin
        )
        jobs.append(job)
        return job

    yield start
    for job in jobs:  # the worker wrote under the project's MEDIA_ROOT
        job.refresh_from_db()
        if job.file:
            job.file.delete(save=False)


def wait_for(job, condition, what, timeout=JOB_TIMEOUT, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        if tick:
            tick()
        time.sleep(0.2)
    run = getattr(job, "attempt", "?")
    pytest.fail(f"job {job.pk} is {job.state} (run {run}), not {what}, after {timeout} s")


def rendering(job):
    """Running, and the heartbeat has moved past the start: the run is at work."""
    return job.state == ReportJob.State.RUNNING and job.updated_at > job.started_at


def pool_children(worker) -> list[int]:
    path = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in path.read_text().split()]


def log(worker) -> str:
    return worker.log_path.read_text(errors="replace")


def test_item9_a_job_whose_worker_child_is_killed_finishes_in_a_new_run(
    start_report_worker, start_job
):
    worker = start_report_worker()
    job = start_job()
    wait_for(job, rendering, "rendering")
    [child] = pool_children(worker)
    os.kill(child, signal.SIGKILL)
    killed_at = time.monotonic()

    job = wait_for(job, lambda job: job.state in FINISHED, "finished")

    assert job.state == ReportJob.State.DONE, job.error
    assert job.attempt == 2  # the message came back and its second run wrote the report
    assert job.file.read().startswith(b"%PDF")
    # Taken over within a minute: the orphan limit plus the render, well under it here.
    assert time.monotonic() - killed_at < 60
    text = log(worker)
    assert "WorkerLostError" in text or "Process 'ForkPoolWorker" in text
    assert f"Annual report job {job.pk}: run 1 stopped answering" in text


def test_item9_a_job_whose_worker_machine_is_gone_is_restarted_by_the_watchdog(
    start_report_worker, start_job
):
    worker = start_report_worker()
    job = start_job()
    wait_for(job, rendering, "rendering")
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its child: nothing hands back
    worker.wait()
    start_report_worker()
    watchdog = []

    def watchdog_tick():  # as beat would, every minute (here: every few tenths of a second)
        watchdog.append(services.report_jobs_watch())

    job = wait_for(
        job, lambda job: job.state != ReportJob.State.RUNNING or job.attempt > 1, "restarted",
        tick=watchdog_tick,
    )  # fmt: skip
    assert {"restarted": 1, "failed": 0} in watchdog
    job = wait_for(job, lambda job: job.state in FINISHED, "finished")

    assert job.state == ReportJob.State.DONE, job.error
    assert job.attempt == 2
    assert job.file.read().startswith(b"%PDF")
    assert ReportJob.objects.filter(pk=job.pk).exclude(file="").count() == 1
