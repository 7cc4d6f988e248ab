"""The board report's background job: who may start it, one active job per board, year and
format, progress stored while it runs, failure with a message, and the stale check."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from processes.models import SchoolRole
from reporting import documents, services, tasks
from reporting.models import ReportJob
from reporting.sections import BoardReport
from reporting.selectors import figures
from reporting.selectors.jobs import job_row, job_rows
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
)
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


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
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda job_id, lease: calls.append(job_id))
    return calls


def empty_report(board, school_year):
    return BoardReport(
        board_name=board.name,
        school_year=str(school_year),
        board_total=None,
        board_office=None,
        rows=[],
        schools=[],
        categories=[],
    )


def start(board, year, admin, fmt="pdf"):
    return services.report_job_start(board=board, school_year=year, fmt=fmt, actor=admin)


def test_only_the_boards_administrators_start_a_job(board, year, queued):
    director = SchoolRoleFactory(school=board.schools.get(), role=SchoolRole.Role.DIRECTOR).user
    other_admin = BoardAdministratorFactory().user
    for user in (director, other_admin):
        with pytest.raises(PermissionDenied):
            start(board, year, user)
    assert not ReportJob.objects.exists()


def test_an_unknown_format_is_refused(board, year, admin, queued):
    with pytest.raises(DomainError, match="Choose PDF or Word"):
        start(board, year, admin, fmt="xlsx")
    assert not ReportJob.objects.exists()


def test_starting_again_returns_the_active_job_and_queues_once(
    board, year, admin, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(board, year, admin)
    with django_capture_on_commit_callbacks(execute=True):
        again = start(board, year, admin)
    with django_capture_on_commit_callbacks(execute=True):
        docx = start(board, year, admin, fmt="docx")
    assert again == job
    assert docx != job
    assert queued == [job.pk, docx.pk]
    assert job.state == ReportJob.State.QUEUED
    assert job.requested_by == admin


def test_the_progress_is_stored_while_the_job_runs(board, year, admin, queued, monkeypatch):
    job = start(board, year, admin)
    seen = []

    def board_report(*, board, school_year, progress):
        for done in range(1, 4):
            progress(done, 3)
            seen.append(
                ReportJob.objects.values_list("state", "progress_done", "progress_total").get()
            )
        return empty_report(board, school_year)

    monkeypatch.setattr(figures, "board_report", board_report)
    monkeypatch.setattr(documents, "report_pdf", lambda report: b"%PDF-1.7 test")
    assert services.report_job_run(job_id=job.pk).state == ReportJob.State.DONE
    assert seen == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    job.refresh_from_db()
    assert job.started_at <= job.finished_at
    assert job.file.read() == b"%PDF-1.7 test"
    assert job.filename.endswith(".pdf") and job.error == ""
    # a task delivered twice does nothing the second time
    assert services.report_job_run(job_id=job.pk) is None


def test_a_failing_job_ends_failed_with_its_message_on_the_page(
    client, board, year, admin, queued, monkeypatch
):
    job = start(board, year, admin)

    def broken(**kwargs):
        raise RuntimeError("the figures broke")

    monkeypatch.setattr(figures, "board_report", broken)
    assert tasks.report_job_run(job.pk) == ReportJob.State.FAILED
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.finished_at is not None
    assert not job.file
    client.force_login(admin)
    html = client.get(reverse("reporting:board-report-jobs", args=[board.pk, 2025])).content
    assert b"The report could not be written because of an error." in html
    assert b"hx-trigger" not in html
    download = reverse("reporting:job-download", args=[board.pk, job.pk])
    assert client.get(download).status_code == 404  # nothing to download


def test_a_rendering_error_also_fails_the_job(board, year, admin, queued, monkeypatch):
    job = start(board, year, admin, fmt="docx")
    monkeypatch.setattr(figures, "board_report", lambda **kw: empty_report(board, year))

    def broken(report):
        raise ValueError("no docx today")

    monkeypatch.setattr(documents, "report_docx", broken)
    assert services.report_job_run(job_id=job.pk).state == ReportJob.State.FAILED


def age(job, minutes):
    ReportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    job.refresh_from_db()
    return job


def test_a_job_without_progress_for_too_long_shows_as_stopped(
    client, board, year, admin, queued, django_capture_on_commit_callbacks
):
    job = start(board, year, admin)
    assert job_row(age(job, 5)).state == ReportJob.State.QUEUED
    row = job_row(age(job, 16))
    assert row.state == ReportJob.State.FAILED and not row.active
    assert "stopped without finishing" in row.error
    client.force_login(admin)
    html = client.get(reverse("reporting:board-report-jobs", args=[board.pk, 2025])).content
    assert b"stopped without finishing" in html
    assert b"hx-trigger" not in html  # no endless spinner
    # starting again records the stale job as failed and queues a new one
    with django_capture_on_commit_callbacks(execute=True):
        new = start(board, year, admin)
    job.refresh_from_db()
    assert new != job and queued == [new.pk]
    assert job.state == ReportJob.State.FAILED and "stopped" in job.error


def test_a_job_marked_stopped_while_running_stays_failed(board, year, admin, queued, monkeypatch):
    job = start(board, year, admin)

    def slow(*, board, school_year, progress):
        services._finish(
            ReportJob.objects.get(pk=job.pk), state=ReportJob.State.FAILED, error=services.STOPPED
        )
        return empty_report(board, school_year)

    monkeypatch.setattr(figures, "board_report", slow)
    monkeypatch.setattr(documents, "report_pdf", lambda report: b"%PDF")
    assert services.report_job_run(job_id=job.pk).state == ReportJob.State.FAILED
    job.refresh_from_db()
    assert not job.file


def test_the_download_is_only_for_the_boards_administrators(
    client, board, year, admin, queued, monkeypatch
):
    job = start(board, year, admin)
    monkeypatch.setattr(figures, "board_report", lambda **kw: empty_report(board, year))
    monkeypatch.setattr(documents, "report_pdf", lambda report: b"%PDF-1.7 secret")
    services.report_job_run(job_id=job.pk)
    url = reverse("reporting:job-download", args=[board.pk, job.pk])
    director = SchoolRoleFactory(school=board.schools.get(), role=SchoolRole.Role.DIRECTOR).user
    other_admin = BoardAdministratorFactory().user
    for user in (director, other_admin):
        client.force_login(user)
        assert client.get(url).status_code == 404
    # another board's administrator cannot reach it through their own board either
    other_board = other_admin.board_roles.get().board
    client.force_login(other_admin)
    wrong = reverse("reporting:job-download", args=[other_board.pk, job.pk])
    assert client.get(wrong).status_code == 404
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 secret"
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_job_the_broker_does_not_take_fails_at_once_with_a_message(
    board, year, admin, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr(tasks.report_job_run, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = start(board, year, admin)
    job.refresh_from_db()
    assert job.state == ReportJob.State.FAILED and job.error == services.NOT_QUEUED
    assert job.finished_at is not None
    (row,) = job_rows(board=board, school_year=year)
    assert not row.active and row.error.startswith("The report could not be handed")
    # starting again makes a new job instead of returning the failed one
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda *args: None)
    assert start(board, year, admin).pk != job.pk


def test_a_job_marked_stopped_keeps_that_verdict_when_its_worker_fails_later(
    board, year, admin, queued, monkeypatch
):
    job = start(board, year, admin)

    def fails_after_being_stopped(**kwargs):
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJob.State.FAILED, error=services.STOPPED
        )
        raise RuntimeError("late failure")

    monkeypatch.setattr(figures, "board_report", fails_after_being_stopped)
    services.report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (ReportJob.State.FAILED, services.STOPPED)


def test_a_finished_report_whose_file_is_gone_is_not_found(client, board, year, admin, queued):
    job = start(board, year, admin)
    job.file.save("gone.pdf", ContentFile(b"%PDF"), save=False)
    job.state = ReportJob.State.DONE
    job.save()
    job.file.storage.delete(job.file.name)
    client.force_login(admin)
    url = reverse("reporting:job-download", args=[board.pk, job.pk])
    assert client.get(url).status_code == 404


def test_a_new_report_replaces_the_older_file_of_the_same_format(
    client, board, year, admin, queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(figures, "board_report", lambda **kw: empty_report(board, year))

    def written(fmt):
        job = start(board, year, admin, fmt=fmt)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.state == ReportJob.State.DONE
        return job

    first = written("pdf")
    first_file = first.file.name
    storage = first.file.storage
    assert storage.exists(first_file)
    docx, latest = written("docx"), written("pdf")
    first.refresh_from_db()
    assert first.state == ReportJob.State.DONE and not first.file
    assert not storage.exists(first_file)  # the older copy is gone from the disk
    assert storage.exists(latest.file.name) and storage.exists(docx.file.name)
    client.force_login(admin)
    download = reverse("reporting:job-download", args=[board.pk, first.pk])
    assert client.get(download).status_code == 404
    html = client.get(reverse("reporting:board-report-jobs", args=[board.pk, 2025])).content
    assert html.count(b"replaced by a newer report") == 1


def test_item5_the_job_list_writes_the_month_in_dutch(client, board, year, admin, queued, settings):
    """It said "6 Dec 2026": Django's "M" is the English-looking "Dec" in Dutch too."""
    job = start(board, year, admin)
    created = timezone.make_aware(datetime.datetime(2026, 12, 6, 14, 5))
    ReportJob.objects.filter(pk=job.pk).update(created_at=created)
    settings.LANGUAGE_CODE = "nl"
    client.force_login(admin)
    with translation.override("nl"):
        url = reverse("reporting:board-report-jobs", args=[board.pk, 2025])
        html = client.get(url).content.decode()
    assert "6 december 2026 14:05" in html
    assert "Dec" not in html
