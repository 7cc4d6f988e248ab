"""The board report's background jobs as its page shows them (with the stale check)."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from ..models import ReportJob
from ..services import ACTIVE, RESTARTED, STOPPED, is_stale
from .access import report_board_get_for_user


@dataclass(frozen=True)
class JobRow:
    """A job as the page shows it: a stale queued or running job shows as failed; a job that
    was started again after its worker stopped says so, with the run's number."""

    job: ReportJob
    state: str
    state_label: str
    error: str
    note: str = ""

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def done(self) -> bool:
        return self.state == ReportJob.State.DONE


def _restart_note(job) -> str:
    # A restarted job waits as queued for its next run; a running or finished one shows its own.
    attempt = job.attempt + 1 if job.state == ReportJob.State.QUEUED else job.attempt
    return gettext(RESTARTED) % {"attempt": attempt} if attempt > 1 else ""


def job_row(job, *, now=None) -> JobRow:
    note = _restart_note(job)
    if is_stale(job, now=now):
        failed = ReportJob.State.FAILED
        return JobRow(job, failed, str(failed.label), gettext(STOPPED), note)
    return JobRow(job, job.state, job.get_state_display(), job.error_text, note)


def job_rows(*, board, school_year) -> list[JobRow]:
    now = timezone.now()
    jobs = ReportJob.objects.filter(board=board, school_year=school_year).select_related(
        "requested_by"
    )
    return [job_row(job, now=now) for job in jobs]


def latest_downloads(rows) -> list[JobRow]:
    """The newest finished report of each file type that still has its file (``rows`` newest
    first): what the board's report page offers to download at once."""
    latest: dict[str, JobRow] = {}
    for row in rows:
        if row.done and row.job.file and row.job.format not in latest:
            latest[row.job.format] = row
    return sorted(latest.values(), key=lambda row: row.job.format != ReportJob.Format.PDF)


def job_get_for_user(*, user, board_pk, pk) -> ReportJob:
    board = report_board_get_for_user(user=user, pk=board_pk)
    return get_object_or_404(
        ReportJob.objects.select_related("board", "school_year"), pk=pk, board=board
    )
