"""Who carries out a step, on PostgreSQL: the director and the PMR proposing at the same
moment never overwrite each other. Each proposal locks the step's row, so the second waits,
then finds the first side's proposal and is told to answer it."""

import threading

import pytest
from django.db import connections
from django.utils import translation

from processes import services
from processes.models import ProcessStep, SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory, SchoolYearFactory
from werkdruk.exceptions import DomainError

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def propose_at_once(step, proposals):
    barrier = threading.Barrier(len(proposals))
    outcomes = []
    lock = threading.Lock()

    def propose(actor, who):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                services.step_propose_actor(step=step, actor=actor, agreed_actor=who)
            result = (actor.pk, who)
        except DomainError as error:
            result = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=propose, args=pair) for pair in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_director_and_pmr_proposing_at_once_leave_one_proposal():
    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    pmr = SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user
    process = services.process_create(
        school=school, school_year=SchoolYearFactory(), actor=director
    )
    step = process.steps.get(number=5)
    for _round in range(ROUNDS):
        ProcessStep.objects.filter(pk=step.pk).update(
            proposed_actor="", proposed_side="", proposed_by=None, proposed_at=None
        )
        outcomes = propose_at_once(step, [(director, "director"), (pmr, "pmr")])
        made = [o for o in outcomes if not isinstance(o, DomainError)]
        refused = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(made) == 1 and len(refused) == 1, outcomes
        assert "other side has already proposed" in refused[0].message
        step.refresh_from_db()
        assert (step.proposed_by_id, step.proposed_actor) == made[0]
        assert step.agreed_actor == ""
