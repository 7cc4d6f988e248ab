"""The board administrator goes from the board page to the dashboard and the annual report,
starts the PDF in the background and sees its progress and then the download link appear
without a reload (htmx polling), and downloads it; the school report's sections in Dutch.

The job runs in the test itself, not eagerly in the request and not on a worker: the page is
seen while it waits, while it runs (after the first school) and when it is done, whatever the
run's Celery settings."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from plans.demo import DEMO_PASSWORD, demo_load
from reporting import services, tasks
from reporting.models import ReportJob
from reporting.selectors import figures
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from werkdruk.money import format_euro

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTIONS = {
    "a": "a. The amount: the board's funds and this school's part",
    "b": "b. How and with whom the spending came about",
    "c": "c. Goals, spending and effect",
    "d": "d. Evaluation and its outcome",
}


@pytest.fixture
def ratified(settings, tmp_path):
    """Het Baken Lyceum's ratified year in the demo (spending and survey recorded); the job's
    file goes to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
    process = demo_ratified(demo_load())
    demo_spending(process)
    demo_survey(process)
    process.refresh_from_db()
    return process


@pytest.fixture
def queued(monkeypatch):
    """Job ids the start would have sent to Celery: nothing runs until the test runs it."""
    calls = []
    monkeypatch.setattr(tasks.report_job_run, "delay", lambda job_id, lease: calls.append(job_id))
    return calls


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def dutch(msgid: str) -> str:
    with translation.override("nl"):
        return gettext(msgid)


def dutch_euro(amount) -> str:
    with translation.override("nl"):
        return format_euro(amount)


def cell_texts(row) -> list[str]:
    return [text.replace("\u00a0", " ").strip() for text in row.locator("td").all_inner_texts()]


def test_the_board_writes_its_annual_report_and_downloads_it_without_a_reload(
    page, ratified, queued, monkeypatch
):
    board = ratified.school.board
    year = ratified.school_year.start_year
    schools = list(board.schools.order_by("name"))
    with translation.override("nl"):
        expected = figures.school_report(school=ratified.school, school_year=ratified.school_year)
    baken_money = [
        dutch_euro(amount).replace("\u00a0", " ")
        for amount in (
            expected.amounts.school_budget,
            expected.goals.planned,
            expected.goals.actual,
        )
    ]
    assert expected.goals.planned > 0

    sign_in(page, "bestuur@demo.werkdruk.nl")
    page.goto(reverse("processes:board-detail", args=[board.pk]))
    page.locator('[data-testid="board-dashboard-link"] a').click()
    page.wait_for_url(f"**{reverse('reporting:board-dashboard', args=[board.pk])}*")

    # Every school in the money table; the ratified year shows Het Baken's figures.
    money = page.locator('[data-testid="money"]')
    for school in schools:
        assert school.name in money.locator(f'tr[data-school="{school.brin}"] th').inner_text()
    page.locator(f'a.nav-link[href="?year={year}"]').click()
    page.wait_for_url(f"**?year={year}")
    baken = money.locator(f'tr[data-school="{ratified.school.brin}"]')
    assert cell_texts(baken)[:3] == baken_money
    assert money.locator("tbody tr").count() == len(schools)

    report_url = reverse("reporting:board-report", args=[board.pk, year])
    page.locator(f'a[href="{report_url}"]').click()
    page.wait_for_url(f"**{report_url}")
    summary = page.locator('[data-testid="board-schools"]')
    for school in schools:
        assert summary.locator(f'tr[data-school="{school.brin}"]').count() == 1

    page.locator('[data-testid="start-job"] input[value="pdf"]').check()
    page.locator('[data-testid="start-job"] button[type="submit"]').click()
    page.wait_for_url(f"**{report_url}")
    job = ReportJob.objects.get()
    assert queued == [job.pk]
    row = page.locator(f'#report-jobs tr[data-job="{job.pk}"]')
    assert row.get_attribute("data-state") == ReportJob.State.QUEUED
    assert dutch("waiting for the background worker") in row.inner_text()
    page.evaluate("window.wdMarker = 'same page'")

    # The workers' parts, run here one school after another (eager tasks): after the first
    # school's part the page has polled its progress.
    real_part_store = services._part_store
    seen_progress = []

    def part_store(job_id, attempt, position, part, report):
        stored = real_part_store(job_id, attempt, position, part, report)
        if not seen_progress:
            running = page.locator(f'#report-jobs tr[data-job="{job.pk}"][data-state="running"]')
            running.locator(f'progress[value="1"][max="{len(schools)}"]').wait_for()
            seen_progress.append(running.inner_text())
        return stored

    monkeypatch.setattr(services, "_part_store", part_store)
    assert services.report_job_run(job_id=job.pk).state == ReportJob.State.DONE
    assert len(seen_progress) == 1
    progress_text = dutch("%(done)s of %(total)s schools") % {"done": 1, "total": len(schools)}
    assert progress_text in seen_progress[0]

    done = page.locator(f'#report-jobs tr[data-job="{job.pk}"][data-state="done"]')
    link = done.get_by_role("link", name=dutch("Download"))
    link.wait_for()
    assert page.evaluate("window.wdMarker") == "same page"  # no reload happened
    assert page.locator("#report-jobs").get_attribute("hx-trigger") is None  # polling stopped

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == ReportJob.objects.get().filename
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as file:
        assert file.read(4) == b"%PDF"


def test_the_school_report_shows_its_four_sections_in_dutch(page, ratified):
    sign_in(page, "bestuur@demo.werkdruk.nl")  # the browser asks for English (conftest)
    page.goto(reverse("reporting:school-report", args=[ratified.pk]))

    assert page.locator("html").get_attribute("lang") == "nl"
    assert ratified.school.name in page.locator("h1").inner_text()
    for letter, msgid in SECTIONS.items():
        heading = page.locator(f'[data-testid="section-{letter}"] h2').inner_text()
        assert heading == dutch(msgid)
        assert heading != msgid  # translated, not the English msgid
