# ruff: noqa: F811 - the procedure's fixtures are imported from tests.processes.conftest
"""Every URL of the annual report x every role: the school's report for its director, PMR and
the board's administrators; the board's pages for the board's administrators only; 404 for
other schools and boards (also a school of the same board), login for anonymous users."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from processes.models import SchoolRole
from reporting import tasks
from reporting.models import ReportJob
from tests.factories import SchoolFactory, SchoolRoleFactory

ROLES = [
    "anonymous",
    "staff_user",
    "director",
    "pmr",
    "steering",
    "board_admin",
    "sibling_director",
    "other_director",
    "other_board_admin",
]
SCHOOL = [302, 403, 200, 200, 403, 200, 404, 404, 404]
BOARD = [302, 404, 404, 404, 404, 200, 404, 404, 404]
# The board page's link to the latest annual report redirects its administrators to it.
BOARD_REDIRECT = [302, 404, 404, 404, 404, 302, 404, 404, 404]

GET_MATRIX = {
    "school-report": SCHOOL,
    "school-report-pdf": SCHOOL,
    "school-report-docx": SCHOOL,
    "school-years": SCHOOL,
    "board-dashboard": BOARD,
    "board-report": BOARD,
    "board-report-latest": BOARD_REDIRECT,
    "board-report-jobs": BOARD,
    "board-figures-xlsx": BOARD,
    "job-download": BOARD,
}


@pytest.fixture
def sibling_director(school):
    """The director of another school of the same board."""
    sibling = SchoolFactory(board=school.board)
    return SchoolRoleFactory(school=sibling, role=SchoolRole.Role.DIRECTOR).user


@pytest.fixture
def done_job(settings, tmp_path, school, school_year, board_admin):
    settings.MEDIA_ROOT = str(tmp_path)
    job = ReportJob.objects.create(
        board=school.board,
        school_year=school_year,
        format=ReportJob.Format.PDF,
        state=ReportJob.State.DONE,
        requested_by=board_admin,
        filename="report.pdf",
    )
    job.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"))
    return job


def url(name, process, job):
    board, year = process.school.board_id, process.school_year.start_year
    if name in ("school-report", "school-report-pdf", "school-report-docx", "school-years"):
        return reverse(f"reporting:{name}", args=[process.pk])
    if name in ("board-dashboard", "board-report-latest"):
        return reverse(f"reporting:{name}", args=[board])
    if name == "job-download":
        return reverse("reporting:job-download", args=[board, job.pk])
    return reverse(f"reporting:{name}", args=[board, year])


def login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_every_page_answers_each_role_as_the_rules_say(
    client, request, process, done_job, index, role
):
    login(client, request, role)
    got = {name: client.get(url(name, process, done_job)).status_code for name in GET_MATRIX}
    assert got == {name: statuses[index] for name, statuses in GET_MATRIX.items()}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_board_starts_a_report(client, request, process, role, monkeypatch):
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda *args: None)
    login(client, request, role)
    start = reverse(
        "reporting:board-report-start",
        args=[process.school.board_id, process.school_year.start_year],
    )
    assert client.get(start).status_code in (302, 404, 405)  # a GET never starts a job
    # the board's administrator is sent back to the page, anonymous users to the login page
    expected = 302 if role in ("anonymous", "board_admin") else 404
    assert client.post(start, {"format": "pdf"}).status_code == expected
    assert ReportJob.objects.count() == (1 if role == "board_admin" else 0)


def test_a_job_of_another_board_is_not_found_under_mine(
    client, process, done_job, other_school, other_board_admin
):
    client.force_login(other_board_admin)
    mine = reverse("reporting:job-download", args=[other_school.board_id, done_job.pk])
    assert client.get(mine).status_code == 404
