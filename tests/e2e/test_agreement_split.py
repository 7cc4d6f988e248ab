"""Director and PMR each sign off step 2 in the browser; the agreement shows the split."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from plans.demo import DEMO_PASSWORD, demo_load
from processes import services
from werkdruk.money import format_euro

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def sign_off_step(page, process, number):
    page.goto(f"/process/{process.pk}/step/{number}/")
    page.locator(f'form[action="/process/{process.pk}/step/{number}/sign-off/"] button').click()
    page.wait_for_url(f"**/process/{process.pk}/step/{number}/")


def test_director_and_pmr_sign_off_the_split_and_it_shows_on_the_agreement(
    page, browser, live_server
):
    process = demo_load()["process"]
    users = get_user_model().objects
    director = users.get(email="directeur@demo.werkdruk.nl")
    # Start from a split that still needs both sign-offs.
    services.step_reopen(
        step=process.steps.get(number=2), actor=director, grounds="Opnieuw bekijken"
    )

    sign_in(page, director.email)
    sign_off_step(page, process, 2)
    assert process.steps.get(number=2).state == "open"  # one side alone: still waiting

    pmr_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    pmr_page = pmr_context.new_page()
    try:
        sign_in(pmr_page, "pmr@demo.werkdruk.nl")
        sign_off_step(pmr_page, process, 2)
        assert process.steps.get(number=2).state == "done"

        pmr_page.goto(f"/process/{process.pk}/agreement/")
        text = pmr_page.locator('[data-testid="agreement"]').inner_text().replace("\xa0", " ")
    finally:
        pmr_context.close()

    with translation.override("nl"):
        for unit in process.units.all():
            assert unit.name in text
            assert format_euro(unit.amount).replace("\xa0", " ") in text, unit.name
        assert format_euro(process.budget_split.school_total).replace("\xa0", " ") in text
    assert "€ " in text and "," in text  # Dutch: € 12.345,67
