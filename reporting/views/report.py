"""Pages of the annual report: a school's report (HTML, PDF, DOCX, rendered in the request),
the board's report with its background jobs (htmx polls the job list while one runs) and the
download of a job's file."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from werkdruk.domain_errors import shows_domain_error
from werkdruk.storage import stored_file_response
from werkdruk.submissions import idempotent_post

from ..forms import ReportJobForm
from ..models import ReportJob
from ..selectors import access, dashboard, figures, jobs, staff_version
from ..services import render_report, report_job_start

CONTENT_TYPES = {
    ReportJob.Format.PDF: "application/pdf",
    ReportJob.Format.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}


def _school_report(request, pk):
    process = access.report_process_get_for_user(user=request.user, pk=pk)
    report = figures.school_report(
        school=process.school, school_year=process.school_year, process=process
    )
    return process, report


def _download(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def school_report(request, pk):
    process, report = _school_report(request, pk)
    return render(request, "reporting/school_report.html", {"process": process, "report": report})


@require_GET
def school_report_staff(request, pk):
    """The staff version of the school's report: every active staff member of the school reads
    it; a person is named only as a role holder (director, PMR, board, GMR)."""
    process = access.staff_report_process_get_for_user(user=request.user, pk=pk)
    report = figures.school_report(
        school=process.school, school_year=process.school_year, process=process
    )
    report = staff_version.staff_report(report, school=process.school)
    context = {"process": process, "report": report}
    return render(request, "reporting/school_report_staff.html", context)


@require_GET
def school_report_file(request, pk, fmt):
    _process, report = _school_report(request, pk)
    content, filename = render_report(report, fmt)
    return _download(content, filename, fmt)


def _board_and_year(request, pk, year):
    board = access.report_board_get_for_user(user=request.user, pk=pk)
    return board, access.school_year_or_404(year)


def _jobs_context(board, school_year) -> dict:
    rows = jobs.job_rows(board=board, school_year=school_year)
    return {
        "board": board,
        "school_year": school_year,
        "jobs": rows,
        "downloads": jobs.latest_downloads(rows),
        "polling": any(row.active for row in rows),
    }


@require_GET
def board_report(request, pk, year):
    board, school_year = _board_and_year(request, pk, year)
    context = {
        **_jobs_context(board, school_year),
        **dashboard.board_report_summary(board=board, school_year=school_year),
        "form": ReportJobForm(initial={"format": ReportJob.Format.PDF}),
    }
    return render(request, "reporting/board_report.html", context)


@require_GET
def board_report_latest(request, pk):
    """The board page's link to the annual report: the latest school year with figures."""
    board = access.report_board_get_for_user(user=request.user, pk=pk)
    year = dashboard.latest_year_with_figures(dashboard.board_years(board))
    return redirect("reporting:board-report", pk=board.pk, year=year)


@require_POST
@idempotent_post
def board_report_start(request, pk, year):
    board, school_year = _board_and_year(request, pk, year)
    form = ReportJobForm(request.POST)
    if form.is_valid():
        with shows_domain_error(request=request) as attempt:
            report_job_start(
                board=board,
                school_year=school_year,
                fmt=form.cleaned_data["format"],
                actor=request.user,
            )
        if attempt.succeeded:
            messages.success(
                request,
                _(
                    "The report is being written. This page shows its progress; the file can be "
                    "downloaded here when it is ready."
                ),
            )
    else:
        messages.error(request, _("Choose PDF or Word (DOCX)."))
    return redirect("reporting:board-report", pk=board.pk, year=school_year.start_year)


@require_GET
def board_report_jobs(request, pk, year):
    board, school_year = _board_and_year(request, pk, year)
    return render(request, "reporting/_jobs.html", _jobs_context(board, school_year))


@require_GET
def job_download(request, pk, job_pk):
    """The job's file, after the permission check: streamed from the storage, or a redirect to a
    short-lived presigned URL (``STORAGE_DOWNLOAD=redirect`` on S3; werkdruk/storage.py)."""
    job = jobs.job_get_for_user(user=request.user, board_pk=pk, pk=job_pk)
    if (
        job.state != ReportJob.State.DONE
        or not job.file
        or not job.file.storage.exists(job.file.name)
    ):
        raise Http404
    try:
        return stored_file_response(
            job.file.name,
            filename=job.filename,
            content_type=CONTENT_TYPES[job.format],
            storage=job.file.storage,
        )
    except FileNotFoundError:  # deleted between the check and the read
        raise Http404 from None
