"""A director signs in with a code sent by e-mail and finds the timeline of the procedure."""

import re

import pytest
from django.core import mail

from processes import services
from processes.models import SchoolRole, SchoolYear
from tests.factories import SchoolFactory, SchoolRoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# allauth's codes look like "K7PX-3MQA": letters and digits, in dash-separated groups.
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", re.MULTILINE)


def sign_in_code_from(message) -> str:
    codes = [c for c in CODE_LINE.findall(message.body) if len(c.replace("-", "")) >= 6]
    assert len(codes) == 1, message.body
    return codes[0]


def test_director_signs_in_with_an_emailed_code_and_sees_the_timeline(page, live_server):
    school = SchoolFactory(name="Het Baken College")
    director = SchoolRoleFactory(
        school=school, role=SchoolRole.Role.DIRECTOR, user__email="directeur@baken.example.org"
    ).user
    process = services.process_create(
        school=school, school_year=SchoolYear.objects.current(), actor=director
    )

    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.locator('a[href="/accounts/login/code/"]').click()
    page.wait_for_url("**/accounts/login/code/")

    page.locator('input[name="email"]').fill(director.email)
    page.locator('input[name="email"]').press("Enter")
    page.wait_for_url("**/accounts/login/code/confirm/")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [director.email]
    page.locator('input[name="code"]').fill(sign_in_code_from(mail.outbox[0]))
    page.locator('input[name="code"]').press("Enter")

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.locator('a[data-testid="process-link"]').click()

    page.wait_for_url(f"**/process/{process.pk}/")
    timeline = page.locator('table[data-testid="timeline"]')
    assert timeline.is_visible()
    steps = timeline.locator("tr[data-step]").evaluate_all(
        "rows => rows.map(row => Number(row.dataset.step))"
    )
    assert [n for n in steps if n != 0] == list(range(1, 12))
    assert page.locator("html").get_attribute("lang") == "nl"
    assert school.name in page.locator("h1").inner_text()
