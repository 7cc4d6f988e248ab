# ruff: noqa: F811 - the dashboard tests' fixtures are imported from tests.reporting.test_dashboard
"""Issue 15, item 7: the board dashboard opens on the latest school year with figures (a year
whose procedures have only just started has no plan or spending to show), and the annual
report is reached from the board's page in two clicks: the link to the report of that year,
then its latest file."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from processes import services as process_services
from processes.models import SchoolRole
from reporting.models import ReportJob
from tests.factories import SchoolRoleFactory, SchoolYearFactory
from tests.reporting.test_dashboard import add_school, admin, board, dashboard  # noqa: F401
from units.models import BudgetLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(board):
    """A ratified, spent 2025-2026 and a 2026-2027 that has only begun (a budget, no plan)."""
    ratified = add_school(board, SchoolYearFactory(start_year=2025))
    director = SchoolRole.objects.get(school=ratified, role=SchoolRole.Role.DIRECTOR).user
    newer = process_services.process_create(
        school=ratified, school_year=SchoolYearFactory(start_year=2026), actor=director
    )
    BudgetLine.objects.create(
        process=newer, kind="allocation", description="toekenning", amount=Decimal("30000")
    )
    return ratified


def test_item7_the_dashboard_opens_on_the_latest_year_with_figures(client, admin, board, two_years):
    client.force_login(admin)
    response = dashboard(client, board)
    assert response.context["years"] == [2025, 2026]  # both offered
    assert response.context["year"] == 2025
    assert response.context["money"].planned > 0
    # The year chosen by hand still shows, figures or not.
    assert dashboard(client, board, year="2026").context["year"] == 2026


def test_item7_without_figures_the_dashboard_opens_on_the_latest_year_with_a_process(
    client, admin, board
):
    add_school(board, SchoolYearFactory(start_year=2025), ratified=False)
    add_school(board, SchoolYearFactory(start_year=2026), ratified=False)
    client.force_login(admin)
    assert dashboard(client, board).context["year"] == 2026


def test_item7_the_board_page_links_the_report_of_the_latest_year_with_figures(
    client, admin, board, two_years
):
    client.force_login(admin)
    page = client.get(reverse("processes:board-detail", args=[board.pk])).content.decode()
    latest = reverse("reporting:board-report-latest", args=[board.pk])
    assert f'href="{latest}"' in page
    response = client.get(latest)
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:board-report", args=[board.pk, 2025])


def _done_job(board, year, fmt, tmp_path, settings, filename):
    settings.MEDIA_ROOT = str(tmp_path)
    job = ReportJob.objects.create(
        board=board,
        school_year=SchoolYearFactory(start_year=year),
        format=fmt,
        state=ReportJob.State.DONE,
        filename=filename,
    )
    job.file.save(filename, ContentFile(b"%PDF-1.7 test"))
    return job


def test_item7_the_report_page_offers_the_latest_file_of_each_type_at_the_top(
    client, admin, board, two_years, tmp_path, settings
):
    older = _done_job(board, 2025, ReportJob.Format.PDF, tmp_path, settings, "old.pdf")
    pdf = _done_job(board, 2025, ReportJob.Format.PDF, tmp_path, settings, "new.pdf")
    docx = _done_job(board, 2025, ReportJob.Format.DOCX, tmp_path, settings, "new.docx")
    client.force_login(admin)
    page = client.get(reverse("reporting:board-report", args=[board.pk, 2025])).content.decode()
    top = page.split('data-testid="latest-report"', 1)[1].split("</p>", 1)[0]

    def download(job):
        return reverse("reporting:job-download", args=[board.pk, job.pk])

    assert download(pdf) in top and download(docx) in top
    assert download(older) not in top
    assert top.index(download(pdf)) < top.index(download(docx))  # the PDF first


def test_item7_without_a_written_report_the_page_points_to_writing_one(
    client, admin, board, two_years
):
    client.force_login(admin)
    page = client.get(reverse("reporting:board-report", args=[board.pk, 2025])).content.decode()
    assert 'data-testid="latest-report"' not in page
    assert 'href="#full-report"' in page and 'id="full-report"' in page


def test_item7_the_latest_report_link_is_the_boards_only(client, board, two_years):
    outsider = SchoolRoleFactory(role=SchoolRole.Role.DIRECTOR).user
    client.force_login(outsider)
    assert client.get(reverse("reporting:board-report-latest", args=[board.pk])).status_code == 404
