"""Issue 18, "must show": a teacher (a staff member of Het Baken without a role) signs in and,
following only the links a teacher sees, reads this year's factsheet, last year's ratified
school plan and its spending, then files a report to the meldpunt without a name, which the
PMR finds through its to-do and answers; at 1280 and 390 px wide no page scrolls sideways, and
axe finds nothing serious on the meldpunt's pages (demo data, Dutch)."""

import pytest

from accounts.services import user_email_vouch
from plans.demo import DEMO_PASSWORD, DOMAIN, demo_load
from plans.demo_plans import demo_plans
from reporting.demo import demo_factsheet
from schoolplans.demo import demo_ratified
from schoolplans.models import Concern
from spending.demo import demo_spending
from tests.e2e.axe import axe_findings
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "docent-e2e-wachtwoord"  # noqa: S105 - a test account
TEACHER = "Teuntje Leerkracht"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"
WIDTHS = (1280, 390)


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def no_sideways_scroll(page, what):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)
        overflow = page.evaluate(SIDEWAYS)
        assert overflow <= 0, f"{what} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


@pytest.fixture
def baken():
    result = demo_load()
    current = demo_plans(result)
    last_year = demo_ratified(result)
    demo_spending(last_year)
    demo_factsheet(current)
    teacher = UserFactory(email="docent.meldpunt@example.org", name=TEACHER)
    teacher.set_password(PASSWORD)
    teacher.save()
    user_email_vouch(user=teacher)
    StaffMemberFactory(school=last_year.school, user=teacher, email=teacher.email, name=TEACHER)
    return {"current": current, "last_year": last_year, "teacher": teacher}


def test_a_teacher_reads_factsheet_plan_and_spending_and_files_a_report(page, baken):
    sign_in(page, baken["teacher"].email)
    no_sideways_scroll(page, "the dashboard")

    # The factsheet: the dashboard's process link, the timeline's step 1, the step's pages.
    page.locator('[data-testid="process-link"]').first.click()
    page.wait_for_url(f"**/process/{baken['current'].pk}/")
    no_sideways_scroll(page, "the process page")
    page.locator('[data-testid="timeline"] tr[data-step="1"] a').first.click()
    page.wait_for_url("**/step/1/")
    page.locator('[data-testid="step-pages"] a[href$="/factsheet/"]').click()
    page.wait_for_url("**/factsheet/")
    body = page.locator("main").inner_text()
    assert "6,40" in body and "71" in body  # the MTO score and its response rate
    assert page.locator('[data-testid="factsheet-form"]').count() == 0
    no_sideways_scroll(page, "the factsheet")

    # Last year's ratified plan and its spending, from the dashboard's transparency links.
    page.goto("/")
    page.locator('[data-testid="transparency-plan"]').click()
    page.wait_for_url("**/school-plan/**")
    plan = page.locator("main").inner_text()
    assert "Extra conciërge-uren in de pauzes" in plan
    assert "€" in plan
    no_sideways_scroll(page, "the ratified school plan")

    page.goto("/")
    page.locator('[data-testid="transparency-spending"]').click()
    page.wait_for_url("**/spending/**")
    total = page.locator('[data-testid="school-total"]').inner_text()
    assert "€" in total
    assert page.locator('[data-testid="measures"]').is_visible()
    no_sideways_scroll(page, "the spending page")

    # The meldpunt: a report on a measure of the ratified plan, without the teacher's name.
    page.goto("/")
    page.locator('[data-testid="transparency-meldpunt"]').click()
    page.wait_for_url("**/meldpunt/")
    no_sideways_scroll(page, "the meldpunt")
    form = page.locator('[data-testid="concern-form"]')
    form.locator('select[name="subject"]').select_option(label="Extra conciërge-uren in de pauzes")
    form.locator('textarea[name="text"]').fill("De extra conciërge-uren zijn er nog niet.")
    form.locator('input[name="shared"]').check()
    form.locator('button[type="submit"]').click()
    page.wait_for_selector('[data-testid="own-concern"]')
    assert (
        "De extra conciërge-uren zijn er nog niet."
        in page.locator('[data-testid="own-concern"]').inner_text()
    )
    no_sideways_scroll(page, "the meldpunt with a report")
    assert axe_findings(page) == []

    concern = Concern.objects.get()
    assert concern.process == baken["last_year"] and concern.about == "measure"
    assert concern.reporter is None and concern.shared

    # The PMR finds the report through its to-do, without the teacher's name, and answers it.
    page.context.clear_cookies()
    sign_in(page, f"pmr.baken@{DOMAIN}", DEMO_PASSWORD)
    page.locator('a[href$="/meldpunt/inbox/"]').first.click()
    page.wait_for_url("**/meldpunt/inbox/")
    assert TEACHER not in page.locator("main").inner_text()
    assert page.locator('[data-testid="reporter-anonymous"]').count() == 1
    assert axe_findings(page) == []
    no_sideways_scroll(page, "the inbox")
    answer = page.locator('[data-testid="answer-form"]')
    answer.locator("textarea").fill("Vanaf januari is er een invalkracht.")
    answer.locator('button[type="submit"]').click()
    page.wait_for_selector('[data-testid="concern"][data-state="answered"]')

    # The teacher reads the answer on the meldpunt's page.
    page.context.clear_cookies()
    sign_in(page, baken["teacher"].email)
    page.locator('[data-testid="transparency-meldpunt"]').click()
    page.wait_for_url("**/meldpunt/")
    assert (
        "Vanaf januari is er een invalkracht."
        in page.locator('[data-testid="own-concern"]').inner_text()
    )
    assert page.locator('[data-testid="shared-concern"]').count() == 1
