"""Issue 15, item 7: the board administrator reaches the annual report's download in two
clicks from the board page: the link to the annual report (it opens on the latest school year
with figures, not on the current year whose procedures have only begun), then the download
of the latest written report."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.demo import demo_load
from reporting import services, tasks
from reporting.models import ReportJob
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from tests.e2e.test_annual_report import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def written(settings, tmp_path, monkeypatch):
    """The demo board with Het Baken's ratified year (last school year) and a PDF report of that
    year written in the background (run here); the current year only has Erasmus College's
    procedure at step 3."""
    settings.MEDIA_ROOT = str(tmp_path)
    demo = demo_load()
    process = demo_ratified(demo)
    demo_spending(process)
    demo_survey(process)
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda job_id, lease: None)
    job = services.report_job_start(
        board=demo["board"],
        school_year=process.school_year,
        fmt=ReportJob.Format.PDF,
        actor=get_user_model().objects.get(email="bestuur@demo.werkdruk.nl"),
    )
    assert services.report_job_run(job_id=job.pk).state == ReportJob.State.DONE
    return ReportJob.objects.get(pk=job.pk)


def test_item7_the_board_reaches_the_annual_report_in_two_clicks(page, written):
    board = written.board
    sign_in(page, "bestuur@demo.werkdruk.nl")
    page.goto(reverse("processes:board-detail", args=[board.pk]))

    page.locator('[data-testid="annual-report-link"] a').click()  # click 1
    report_url = reverse("reporting:board-report", args=[board.pk, written.school_year.start_year])
    page.wait_for_url(f"**{report_url}")
    # On a phone the page does not scroll sideways (the hidden file names of the jobs' table
    # stay inside its own scroll area).
    page.set_viewport_size({"width": 390, "height": 844})
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, Math.ceil(window.visualViewport.width)]"
    )
    assert widths[0] <= widths[1]

    with page.expect_download() as download_info:
        page.locator('[data-testid="latest-report"] a').first.click()  # click 2
    download = download_info.value
    assert download.suggested_filename == written.filename
    with open(download.path(), "rb") as file:
        assert file.read(4) == b"%PDF"
