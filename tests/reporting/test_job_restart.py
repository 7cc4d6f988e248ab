"""Issue 14, item 9: a board report job whose worker is lost is started again within a minute.

A run writes a heartbeat; a run silent for the orphan limit (60 s) has lost its worker. The task
delivered again (a killed worker child: acks_late + reject_on_worker_lost) takes the job over,
and the watchdog (every minute) restarts it when the message does not come back (a machine
gone). Runs are numbered and fenced: a replaced run stores nothing. After three runs the job
fails with a message. The clock is a fake one: ``clock.advance(seconds)``.
"""

import datetime
import threading

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reporting import documents, services, tasks
from reporting.models import ReportJob
from reporting.sections import BoardReport
from reporting.selectors import figures
from reporting.selectors.jobs import job_row
from tests.factories import BoardAdministratorFactory, SchoolFactory, SchoolYearFactory

pytestmark = pytest.mark.django_db

ORPHAN = 60  # seconds: the default REPORT_JOB_ORPHAN_SECONDS


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.REPORT_JOB_ORPHAN_SECONDS = ORPHAN
    settings.REPORT_JOB_MAX_ATTEMPTS = 3


@pytest.fixture
def messages(monkeypatch):
    """The task messages sent to the broker, as their argument tuples."""
    sent = []
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda *args: sent.append(args))
    return sent


@pytest.fixture
def board():
    return SchoolFactory().board


@pytest.fixture
def job(board, messages, django_capture_on_commit_callbacks):
    admin = BoardAdministratorFactory(board=board).user
    year = SchoolYearFactory(start_year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        return services.report_job_start(board=board, school_year=year, fmt="pdf", actor=admin)


@pytest.fixture
def renders(monkeypatch, board):
    """The report renders (a tiny PDF); returns the list of runs that rendered."""
    runs = []

    def board_report(*, board, school_year, progress):
        progress(1, 1)
        runs.append(ReportJob.objects.values_list("attempt", flat=True).get())
        return BoardReport(
            board_name=board.name,
            school_year=str(school_year),
            board_total=None,
            board_office=None,
            rows=[],
            schools=[],
            categories=[],
        )

    monkeypatch.setattr(figures, "board_report", board_report)
    monkeypatch.setattr(documents, "report_pdf", lambda report: b"%PDF-1.7 board")
    return runs


def deliver(message):
    """The broker delivers ``message`` (again) to a worker; the task's return value."""
    return tasks.report_job_run.apply(args=message).get()


def lose_the_worker(job, message):
    """A worker takes the message and starts the run, then its process is killed mid-render
    (nothing after the claim runs: no progress, no failure, no acknowledgement)."""
    run = services._claim(message[0], *message[1:])
    assert run is not None and run.state == ReportJob.State.RUNNING
    job.refresh_from_db()
    return job


def test_item9_a_redelivered_task_takes_over_the_job_its_lost_worker_left_running(
    clock, job, messages, renders, client
):
    [message] = messages
    lose_the_worker(job, message)
    clock.advance(ORPHAN + 1)  # the run has been silent for the orphan limit

    assert deliver(message) == ReportJob.State.DONE  # the same message, delivered again

    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE and job.attempt == 2 and renders == [2]
    assert job.file.read() == b"%PDF-1.7 board"
    row = job_row(job)
    assert row.note == "Started again after the background worker stopped (attempt 2)."
    assert deliver(message) is None  # a finished job is left as it is


def test_item9_a_redelivery_while_the_run_is_alive_waits_for_its_lease_then_leaves_it(
    clock, job, messages, renders
):
    [message] = messages
    lose_the_worker(job, message)
    clock.advance(20)
    with pytest.raises(services.LeaseHeld) as held:
        services.report_job_run(job_id=job.pk, lease=job.lease)
    assert held.value.seconds == ORPHAN - 20 + 1  # look again once the lease has run out

    clock.advance(30)
    assert services._beat(job.pk, 1)  # the run is alive after all (a resent message)
    clock.advance(31)
    assert services.report_job_run(job_id=job.pk, lease=job.lease, waited=True) is None
    job.refresh_from_db()
    assert (job.state, job.attempt, renders) == (ReportJob.State.RUNNING, 1, [])

    # Had the run stayed silent, the second look takes the job over.
    clock.advance(ORPHAN + 1)
    run = services.report_job_run(job_id=job.pk, lease=job.lease, waited=True)
    assert (run.state, run.attempt, renders) == (ReportJob.State.DONE, 2, [2])


def test_item9_the_redelivered_task_looks_again_when_the_lease_runs_out(
    clock, job, messages, monkeypatch
):
    [message] = messages
    lose_the_worker(job, message)
    clock.advance(15)
    retries = []

    def retry(**options):
        retries.append(options)
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.report_job_run, "retry", retry)
    with pytest.raises(RuntimeError):
        tasks.report_job_run.run(*message)
    assert retries == [{"args": (job.pk, job.lease, True), "kwargs": {}, "countdown": 46.0}]


def test_item9_the_watchdog_restarts_a_silent_job_under_a_new_lease(
    clock, job, messages, renders, django_capture_on_commit_callbacks
):
    [first] = messages
    lose_the_worker(job, first)
    clock.advance(ORPHAN - 1)
    assert services.report_jobs_watch() == {"restarted": 0, "failed": 0}  # not yet

    clock.advance(2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_jobs_watch() == {"restarted": 1, "failed": 0}
    job.refresh_from_db()
    assert job.state == ReportJob.State.QUEUED and job.attempt == 1
    second = messages[-1]
    assert len(messages) == 2 and second == (job.pk, job.lease) and second != first
    row = job_row(job)
    assert row.active and row.note == (
        "Started again after the background worker stopped (attempt 2)."
    )

    assert deliver(first) is None  # the old message, should it come back: replaced
    assert deliver(second) == ReportJob.State.DONE
    job.refresh_from_db()
    assert (job.state, job.attempt, renders) == (ReportJob.State.DONE, 2, [2])


def test_item9_the_watchdog_leaves_live_and_waiting_jobs_alone(
    clock, board, job, messages, renders
):
    [message] = messages
    lose_the_worker(job, message)
    clock.advance(ORPHAN - 10)
    services._beat(job.pk, 1)
    waiting = services.report_job_start(
        board=board, school_year=job.school_year, fmt="docx", actor=job.requested_by
    )
    clock.advance(ORPHAN - 10)
    assert services.report_jobs_watch() == {"restarted": 0, "failed": 0}
    job.refresh_from_db()
    waiting.refresh_from_db()
    assert (job.state, job.attempt) == (ReportJob.State.RUNNING, 1)
    assert waiting.state == ReportJob.State.QUEUED


def test_item9_after_the_last_attempt_the_job_fails_with_a_message(
    clock, job, messages, django_capture_on_commit_callbacks
):
    for attempt in (1, 2, 3):
        lose_the_worker(job, messages[-1])
        assert job.attempt == attempt
        clock.advance(ORPHAN + 1)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_jobs_watch()
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.error == services.GAVE_UP
    assert len(messages) == 3  # the first and two restarts
    row = job_row(job)
    assert not row.active and "stopped every time" in row.error


def test_item9_a_redelivery_after_the_last_attempt_fails_the_job(clock, job, messages):
    job.attempt = 2
    job.save()
    [message] = messages
    lose_the_worker(job, message)  # the third run
    clock.advance(ORPHAN + 1)
    assert deliver(message) is None
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.error == services.GAVE_UP


def test_item9_a_replaced_run_stops_at_its_next_progress_and_stores_nothing(
    clock, job, messages, monkeypatch, django_capture_on_commit_callbacks
):
    [message] = messages

    def replaced_meanwhile(*, board, school_year, progress):
        # The run looked lost (a long pause); the watchdog restarted it and run 2 took it.
        clock.advance(ORPHAN + 1)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_jobs_watch()
        assert services._claim(job.pk, messages[-1][1]).attempt == 2
        progress(1, 2)
        raise AssertionError("the replaced run goes on")

    monkeypatch.setattr(figures, "board_report", replaced_meanwhile)
    run = services.report_job_run(job_id=job.pk, lease=message[1])
    assert (run.state, run.attempt, run.error) == (ReportJob.State.RUNNING, 2, "")
    assert not run.file


def test_item9_a_replaced_run_that_finishes_rendering_stores_nothing(
    clock, job, messages, renders, monkeypatch, django_capture_on_commit_callbacks
):
    [message] = messages

    def slow_pdf(report):
        # One long WeasyPrint call; meanwhile the run was taken over by another delivery.
        clock.advance(ORPHAN + 1)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_jobs_watch()
        assert services._claim(job.pk, messages[-1][1]).attempt == 2
        return b"%PDF-1.7 late"

    monkeypatch.setattr(documents, "report_pdf", slow_pdf)
    run = services.report_job_run(job_id=job.pk, lease=message[1])
    assert (run.state, run.attempt) == (ReportJob.State.RUNNING, 2)
    assert not run.file and not ReportJob.objects.get().file


def test_item9_the_heartbeat_is_fenced_by_the_run_number(clock, job, messages):
    lose_the_worker(job, messages[0])
    clock.advance(30)
    assert services._beat(job.pk, 1)
    job.refresh_from_db()
    assert job.updated_at == clock.now
    clock.advance(ORPHAN + 1)
    services._claim(job.pk, job.lease)  # run 2 takes over
    assert not services._beat(job.pk, 1)
    assert services._beat(job.pk, 2)


def test_item9_the_heartbeat_thread_beats_until_stopped_or_replaced():
    beats = threading.Semaphore(0)

    def beat():
        beats.release()
        return True

    heartbeat = services.Heartbeat(beat, interval=0.01, limit=60)
    heartbeat.start()
    for _ in range(3):
        assert beats.acquire(timeout=5)
    heartbeat.stop()
    assert not heartbeat.is_alive() and not heartbeat.lost.is_set()

    replaced = services.Heartbeat(lambda: False, interval=0.01, limit=60)
    replaced.start()
    replaced.join(timeout=5)
    assert not replaced.is_alive() and replaced.lost.is_set()

    # A run hung for good stops beating after the limit.
    hung = services.Heartbeat(beat, interval=0.01, limit=0.05)
    hung.start()
    hung.join(timeout=5)
    assert not hung.is_alive() and not hung.lost.is_set()


def test_item9_the_job_runs_with_a_heartbeat_thread_when_one_is_set(
    settings, job, messages, renders, monkeypatch
):
    settings.REPORT_JOB_HEARTBEAT_SECONDS = 30
    started = []
    real = services.Heartbeat

    class Recorded(real):
        def start(self):
            started.append(self)  # not started: the test's transaction is the database

        def stop(self):
            started.remove(self)

    monkeypatch.setattr(services, "Heartbeat", Recorded)
    run = services.report_job_run(job_id=job.pk, lease=job.lease)
    assert run.state == ReportJob.State.DONE and started == []  # started, and stopped again


def test_item9_a_job_neither_worker_nor_watchdog_moves_shows_as_stopped(
    clock, job, messages, client
):
    lose_the_worker(job, messages[0])
    clock.advance(5 * ORPHAN - 1)
    assert not services.is_stale(job) and job_row(job).active
    clock.advance(2)
    row = job_row(job)
    assert not row.active and "stopped without finishing" in row.error
    # The watchdog, back again, keeps that verdict instead of restarting the job.
    assert services.report_jobs_watch() == {"restarted": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.error == services.STOPPED


def test_item9_a_queued_job_no_worker_takes_is_stopped_after_fifteen_minutes(clock, job):
    clock.advance(14 * 60)
    assert services.report_jobs_watch() == {"restarted": 0, "failed": 0}
    clock.advance(61)
    assert services.report_jobs_watch() == {"restarted": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.error == services.STOPPED


def test_item9_the_watchdog_runs_every_minute():
    task = PeriodicTask.objects.get(task="reporting.tasks.report_jobs_watch")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")
