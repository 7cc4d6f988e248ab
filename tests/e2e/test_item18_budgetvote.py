"""A member of a unit chooses measures within the budget on the ballot page: the running total
follows the ticked options (werkdruk.js), warns over the budget, and the choice is sealed with
the ballot (issue 18, item 8)."""

import pytest
from django.urls import reverse

from tests.fixtures.ballots import opened_ballots
from tests.plans.test_measure_votes import budgeted, positions, start  # noqa: F401 - fixtures
from tests.plans.test_unit_plan_vote import world  # noqa: F401 - the fixture
from voting.services.casting import voter_token_issue
from voting.services.common import sha256

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_ballot_shows_the_running_total_and_casts_a_fitting_choice(page, budgeted):  # noqa: F811
    vote = start(budgeted)
    p = positions(vote)
    token = voter_token_issue(voter=vote.voters.order_by("pk").first())
    page.goto(reverse("voting:ballot-token", args=[token]))
    total = page.locator('[data-testid="running-total"]')
    over = page.locator("[data-wd-budget-over]")
    assert "0,00" in total.inner_text()
    page.locator(f"#option-{p['Extra mentoruur']}").check()
    assert "6.000,00" in total.inner_text()
    assert not over.is_visible()
    page.locator(f"#option-{p['Roosterhulp']}").check()
    assert "11.000,00" in total.inner_text()
    assert over.is_visible()
    page.locator(f"#option-{p['Roosterhulp']}").uncheck()
    page.locator(f"#option-{p['Stilteruimte']}").check()
    assert "9.000,00" in total.inner_text()
    assert not over.is_visible()
    page.locator('input[name="choice"][value="yes"]').check()
    page.locator("form#ballot button[type=submit]").click()
    page.locator('[data-testid="review-options"]').wait_for()
    page.locator('button[name="stage"][value="cast"]').click()
    receipt = page.locator('[data-testid="receipt"]').inner_text().strip()
    [ballot] = opened_ballots(vote)
    assert ballot["r"] == sha256(receipt)
    assert ballot["s"] == sorted([p["Extra mentoruur"], p["Stilteruimte"]])
