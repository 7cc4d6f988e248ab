"""Pages of the annual report: a school's report (HTML, PDF, DOCX, rendered in the request),
the board's report with its background jobs (htmx polls the job list while one runs), the
download of a job's file, and the board dashboard."""

import re

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from werkdruk.exceptions import DomainError
from werkdruk.submissions import idempotent_post

from . import figures, selectors
from .models import ReportJob
from .services import render_report, report_job_start

CONTENT_TYPES = {
    ReportJob.Format.PDF: "application/pdf",
    ReportJob.Format.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}


class ReportJobForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("File type"),
        choices=ReportJob.Format.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


def _school_report(request, pk):
    process = selectors.report_process_get_for_user(user=request.user, pk=pk)
    report = figures.school_report(school=process.school, school_year=process.school_year)
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
def school_report_file(request, pk, fmt):
    _process, report = _school_report(request, pk)
    content, filename = render_report(report, fmt)
    return _download(content, filename, fmt)


def _board_and_year(request, pk, year):
    board = selectors.report_board_get_for_user(user=request.user, pk=pk)
    return board, selectors.school_year_or_404(year)


def _jobs_context(board, school_year) -> dict:
    rows = selectors.job_rows(board=board, school_year=school_year)
    return {
        "board": board,
        "school_year": school_year,
        "jobs": rows,
        "downloads": selectors.latest_downloads(rows),
        "polling": any(row.active for row in rows),
    }


@require_GET
def board_report(request, pk, year):
    board, school_year = _board_and_year(request, pk, year)
    context = {
        **_jobs_context(board, school_year),
        **selectors.board_report_summary(board=board, school_year=school_year),
        "form": ReportJobForm(initial={"format": ReportJob.Format.PDF}),
    }
    return render(request, "reporting/board_report.html", context)


@require_GET
def board_report_latest(request, pk):
    """The board page's link to the annual report: the latest school year with figures."""
    board = selectors.report_board_get_for_user(user=request.user, pk=pk)
    year = selectors.latest_year_with_figures(selectors.board_years(board))
    return redirect("reporting:board-report", pk=board.pk, year=year)


@require_POST
@idempotent_post
def board_report_start(request, pk, year):
    board, school_year = _board_and_year(request, pk, year)
    form = ReportJobForm(request.POST)
    if form.is_valid():
        try:
            report_job_start(
                board=board,
                school_year=school_year,
                fmt=form.cleaned_data["format"],
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
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
    job = selectors.job_get_for_user(user=request.user, board_pk=pk, pk=job_pk)
    if (
        job.state != ReportJob.State.DONE
        or not job.file
        or not job.file.storage.exists(job.file.name)
    ):
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.format],
    )


@require_GET
def board_dashboard(request, pk):
    board = selectors.report_board_get_for_user(user=request.user, pk=pk)
    value = request.GET.get("year", "")
    year = int(value) if re.fullmatch(r"[0-9]{4}", value) else None
    context = selectors.board_dashboard(board=board, year=year)
    return render(request, "reporting/board_dashboard.html", context)
