"""The demo's spending on Het Baken Lyceum's ratified plan of last school year."""

import pytest

from plans.demo import demo_load
from schoolplans.demo import demo_ratified
from spending import selectors
from spending.demo import demo_spending
from spending.models import MeasureSpending


@pytest.mark.django_db
def test_demo_spending_is_recorded_once():
    process = demo_ratified(demo_load())
    demo_spending(process)
    overview = selectors.spending_overview(process)
    assert {m.status for m in overview.measures} >= {"done", "started"}
    assert any(m.difference < 0 for m in overview.measures)  # an overspend
    assert any(m.fte_hired for m in overview.measures)
    assert overview.total.actual > 0
    assert selectors.unspent(process) == max(overview.total.difference, 0)
    count = MeasureSpending.objects.count()
    demo_spending(process)
    assert MeasureSpending.objects.count() == count
