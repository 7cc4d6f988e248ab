"""Issue 14, item 8 on PostgreSQL: two people save the same measure at the same moment from
forms loaded at the same version. One change is saved, the other is refused as a conflict
(nothing is overwritten unseen), however the two transactions interleave."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import translation

from plans.models import Measure
from plans.services import unit_plans as services
from tests.plans.test_unit_plan_pages import World
from werkdruk.edit_conflicts import EditConflict

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def save_at_once(world, measure, version):
    barrier = threading.Barrier(2)
    outcomes = {}
    lock = threading.Lock()

    def save(title, actor):
        data = services.MeasureData(
            title=title,
            category=world.category,
            cost_type=Measure.CostType.FIXED,
            amount=Decimal("5000.00"),
            first_year=2026,
            last_year=2026,
        )
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                services.measure_update(measure=measure, actor=actor, data=data, version=version)
            result = "saved"
        except EditConflict as error:
            result = error
        finally:
            connections.close_all()
        with lock:
            outcomes[title] = result

    threads = [
        threading.Thread(target=save, args=(f"{name} {version}", actor))
        for name, actor in (("First", world.member_a), ("Second", world.coordinator))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_item8_two_simultaneous_saves_of_one_measure_save_one_and_refuse_the_other():
    world = World()
    measure = world.measure()
    for version in range(1, ROUNDS + 1):
        outcomes = save_at_once(world, measure, version)

        saved = [title for title, result in outcomes.items() if result == "saved"]
        refused = [result for result in outcomes.values() if isinstance(result, EditConflict)]
        assert len(saved) == 1 and len(refused) == 1, outcomes
        assert refused[0].loaded_version == version
        measure.refresh_from_db()
        assert (measure.title, measure.version) == (saved[0], version + 1)
