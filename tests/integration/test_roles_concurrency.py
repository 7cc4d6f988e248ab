"""The school's roles on PostgreSQL: two removals at the same moment never leave a school
without a director. Each change locks the school's row, so the second removal waits, then
finds one director left and is refused."""

import threading

import pytest
from django.db import connections
from django.utils import translation

from organisation.services import roles as services
from processes.models import SchoolRole
from tests.factories import BoardAdministratorFactory, SchoolFactory, SchoolRoleFactory
from werkdruk.exceptions import DomainError

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def remove_at_once(school, pairs):
    """Each (actor, role) removal in its own thread, released together."""
    barrier = threading.Barrier(len(pairs))
    outcomes = []
    lock = threading.Lock()

    def remove(actor, school_role):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                services.school_role_remove(school=school, actor=actor, school_role=school_role)
            result = "removed"
        except DomainError as error:
            result = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=remove, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_directors_removing_each_other_at_once_leave_one_director():
    school = SchoolFactory()
    for _round in range(ROUNDS):
        SchoolRole.objects.filter(school=school).delete()
        first = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR)
        second = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR)
        outcomes = remove_at_once(school, [(first.user, second), (second.user, first)])
        assert outcomes.count("removed") == 1, outcomes
        refused = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(refused) == 1 and "last director" in refused[0].message
        assert SchoolRole.objects.filter(school=school, role="director").count() == 1


def test_the_board_removing_both_directors_at_once_leaves_one():
    school = SchoolFactory()
    admin = BoardAdministratorFactory(board=school.board).user
    for _round in range(ROUNDS):
        SchoolRole.objects.filter(school=school).delete()
        roles = [SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR) for _ in (1, 2)]
        outcomes = remove_at_once(school, [(admin, role) for role in roles])
        assert outcomes.count("removed") == 1, outcomes
        assert SchoolRole.objects.filter(school=school, role="director").count() == 1
