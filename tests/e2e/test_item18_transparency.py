"""Issue 18, item 4: a teacher (a staff member without a role) signs in and opens from the
dashboard the ratified school plan, the school's spending and the staff version of the annual
report (demo data, Dutch)."""

import pytest

from accounts.services import user_email_vouch
from plans.demo import demo_load
from schoolplans.demo import demo_ratified
from spending.demo import demo_spending
from surveys.demo import demo_survey
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "transparantie-e2e-wachtwoord"  # noqa: S105 - a test account
COORDINATORS = ["Joris Meulenbelt", "Linda Kramer"]  # the demo's unit coordinators


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def test_a_teacher_opens_plan_spending_and_staff_report_from_the_dashboard(page):
    process = demo_ratified(demo_load())
    demo_spending(process)
    demo_survey(process)
    teacher = UserFactory(email="docent.transparantie@example.org", name="Teun Leraar")
    teacher.set_password(PASSWORD)
    teacher.save()
    user_email_vouch(user=teacher)
    StaffMemberFactory(school=process.school, user=teacher, email=teacher.email, name="Teun Leraar")

    sign_in(page, teacher.email)
    page.goto("/")
    section = page.locator('[data-testid="transparency"]')
    assert section.is_visible()

    section.locator('[data-testid="transparency-plan"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").first.is_visible()
    assert "/school-plan/" in page.url

    page.go_back()
    section.locator('[data-testid="transparency-spending"]').click()
    page.wait_for_url("**/spending/**")
    assert page.locator("table").first.is_visible()
    assert page.get_by_text("Importeer", exact=False).count() == 0

    page.go_back()
    section.locator('[data-testid="transparency-report"]').click()
    page.wait_for_url("**/annual-report/staff/")
    assert page.locator('[data-testid="staff-version"]').is_visible()
    assert page.locator('[data-testid="section-d"]').is_visible()
    body = page.locator("main").inner_text()
    assert all(name not in body for name in COORDINATORS)
