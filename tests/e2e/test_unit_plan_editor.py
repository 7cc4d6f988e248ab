"""A teacher adds a measure "onderwijsassistent 0,6 fte" to the unit's plan and sees its cost
and the remaining unit budget update while typing, without a page reload (htmx)."""

from decimal import Decimal

import pytest
from django.utils import translation

from plans.models import Measure
from tests.plans.test_unit_plan_pages import World
from werkdruk.money import format_euro

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def dutch_euro(amount) -> str:
    with translation.override("nl"):
        return format_euro(Decimal(amount)).replace("\xa0", " ")


def text_of(page, testid) -> str:
    return (
        page.locator(f'#measure-preview [data-testid="{testid}"]').inner_text().replace("\xa0", " ")
    )


def test_a_teacher_adds_a_measure_and_sees_cost_and_budget_update_without_a_reload(page):
    world = World()  # unit budget 100.000,00; 1.0 fte onderwijsassistent 50.000,00 in 2026
    world.measure(title="Extra mentoruren", amount="10000.00")
    sign_in(page, world.member_a.email)

    page.goto(f"/process/{world.process.pk}/unit-plans/unit/{world.unit_a.pk}/")
    page.locator('[data-testid="add-measure"]').click()
    page.wait_for_url("**/measures/add/")
    page.evaluate("window.wdMarker = 'same page'")
    assert text_of(page, "preview-plan-total") == dutch_euro("10000.00")

    page.locator("#id_title").fill("onderwijsassistent 0,6 fte")
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_cost_type").select_option("fte")
    # The fte and function inputs replace the amount (swapped in by the preview).
    page.locator("#measure-cost-fields[data-cost-type='fte'] #id_fte").wait_for()
    page.locator("#id_function").select_option("onderwijsassistent")
    total = page.locator('#measure-preview [data-testid="preview-total"]')

    page.locator("#id_fte").fill("0,8")
    total.filter(has_text=dutch_euro("40000.00").split(" ")[1]).wait_for()
    assert dutch_euro("50000.00") in text_of(page, "remaining")

    page.locator("#id_fte").fill("0,6")
    total.filter(has_text=dutch_euro("30000.00").split(" ")[1]).wait_for()
    assert text_of(page, "preview-total") == dutch_euro("30000.00")
    assert text_of(page, "preview-plan-total") == dutch_euro("40000.00")
    assert dutch_euro("60000.00") in text_of(page, "remaining")
    assert page.evaluate("window.wdMarker") == "same page"  # no reload happened

    page.locator('[data-testid="save-measure"]').click()
    page.wait_for_url(f"**/unit-plans/unit/{world.unit_a.pk}/#measure-*")
    measure = Measure.objects.get(title="onderwijsassistent 0,6 fte")
    assert (measure.fte, measure.total_cost) == (Decimal("0.6"), Decimal("30000.00"))
    plan_total = page.locator('[data-testid="plan-total"]').inner_text().replace("\xa0", " ")
    assert plan_total == dutch_euro("40000.00")
