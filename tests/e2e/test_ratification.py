"""The PMR opens the published school plan on the ratification page, sees an amount the merging
group changed marked with its unit's original, records its consent with the date of its
meeting; the director signs, and step 11 is done."""

import pytest
from django.utils import timezone, translation

from plans.demo import DEMO_PASSWORD
from processes.models import ProcessStep
from schoolplans.models import PmrDecision, RatificationRecord
from tests.schoolplans.test_publication import (  # noqa: F401 (fixture)
    CHANGED,
    ORIGINAL,
    publish,
    ratify_steps,
    world_at_step10,
)
from tests.schoolplans.test_ratification import evaluate
from werkdruk.money import format_euro

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def dutch_euro(amount) -> str:
    with translation.override("nl"):
        return format_euro(amount).replace("\xa0", " ")


def test_the_pmr_sees_the_units_original_consents_and_the_director_ratifies(
    page, browser, live_server
):
    world = world_at_step10()
    publish(world)
    evaluate(world.process)
    url = f"/process/{world.process.pk}/ratification/"

    sign_in(page, "pmr@demo.werkdruk.nl")
    page.goto(url)
    measure = page.locator(f'[data-testid="measure"][data-key="{world.changed.pk}"]')
    changed = measure.locator('[data-testid="changed-amount"]').inner_text().replace("\xa0", " ")
    assert dutch_euro(CHANGED) in changed  # the school plan's amount (Dutch: 1.500,00)
    original = measure.locator('[data-testid="original-amount"]').inner_text()
    assert dutch_euro(ORIGINAL) in original.replace("\xa0", " ")
    assert world.changed.unit.name in original
    assert measure.locator('[data-testid="source"]').count() == 1  # traced to its unit measure

    page.locator('input[name="outcome"][value="consent"]').check()
    page.locator('input[name="meeting_date"]').fill(timezone.localdate().strftime("%d-%m-%Y"))
    page.locator('[data-testid="pmr-decide"]').click()
    page.wait_for_url(f"**{url}")
    assert page.locator('[data-testid="signatures"]').inner_text().count("✓") == 1
    assert PmrDecision.objects.get().outcome == PmrDecision.Outcome.CONSENT
    assert world.process.steps.get(number=11).state == ProcessStep.State.OPEN

    director_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    director_page = director_context.new_page()
    try:
        sign_in(director_page, "directeur@demo.werkdruk.nl")
        director_page.goto(url)
        director_page.locator('[data-testid="director-sign"]').click()
        director_page.wait_for_url(f"**{url}")
        director_page.locator('[data-testid="ratified"]').wait_for()
    finally:
        director_context.close()

    assert world.process.steps.get(number=11).state == ProcessStep.State.DONE
    assert RatificationRecord.objects.get().version == world.version
