"""Issue 18, item 5: a teacher follows the dashboard's to-do to the ideas round, puts an idea
forward, supports a colleague's idea and withdraws their own (demo data, Dutch)."""

import pytest

from accounts.services import user_email_vouch
from plans.demo import demo_load
from plans.demo_ideas import demo_ideas
from plans.models import Idea, IdeaSupport
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "ideeen-e2e-wachtwoord"  # noqa: S105 - a test account


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def test_a_teacher_puts_forward_supports_and_withdraws_an_idea(page):
    result = demo_load()
    process = result["process"]
    demo_ideas(process, result["users"])
    teacher = UserFactory(email="docent.ideeen@example.org", name="Ilse Idee")
    teacher.set_password(PASSWORD)
    teacher.save()
    user_email_vouch(user=teacher)
    StaffMemberFactory(school=process.school, user=teacher, email=teacher.email, name="Ilse Idee")

    sign_in(page, teacher.email)
    page.goto("/")
    page.locator(f'a[href="/process/{process.pk}/ideas/"]').first.click()
    page.wait_for_url(f"**/process/{process.pk}/ideas/")
    ideas = page.locator('[data-testid="idea"]')
    assert ideas.count() == 4
    # Nobody's name is shown with the ideas.
    assert "Tim van Os" not in page.locator('[data-testid="ideas"]').inner_text()

    page.locator('textarea[name="text"]').fill("Een vaste middag zonder toetsen.")
    page.locator('form[action$="/ideas/add/"] button[type="submit"]').click()
    page.wait_for_url(f"**/process/{process.pk}/ideas/")
    assert ideas.count() == 5
    own = page.locator('[data-testid="idea"]', has=page.locator('[data-testid="own"]'))
    assert "Een vaste middag zonder toetsen." in own.inner_text()

    # Support the least supported colleague's idea once: the button goes away.
    supported_before = IdeaSupport.objects.count()
    page.locator('form[action$="/support/"] button').first.click()
    page.wait_for_url(f"**/process/{process.pk}/ideas/")
    assert IdeaSupport.objects.count() == supported_before + 1

    own.locator('form[action$="/withdraw/"] button').click()
    page.wait_for_url(f"**/process/{process.pk}/ideas/")
    assert ideas.count() == 4
    assert not Idea.objects.filter(author__user=teacher).exists()
