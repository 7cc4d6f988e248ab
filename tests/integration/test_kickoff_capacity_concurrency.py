"""Kick-off capacity on PostgreSQL: two staff members signing up at the same moment for the
last place of a session. The sign-up locks the session row, so the second waits, then finds
the session full and is refused."""

import threading

import pytest
from django.db import connections
from django.utils import translation

from tests.factories import StaffMemberFactory, UserFactory
from tests.processes.conftest import finish_steps_1_to_4
from tests.units.test_kickoff import engine_blockers_only, make_session  # noqa: F401
from units.models import KickoffSignUp
from units.services import kickoff as kickoff_services
from werkdruk.exceptions import DomainError

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROUNDS = 3


def sign_up_at_once(session, users):
    barrier = threading.Barrier(len(users))
    outcomes = []
    lock = threading.Lock()

    def sign_up(user):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                kickoff_services.kickoff_sign_up(session=session, actor=user)
            result = "signed up"
        except DomainError as error:
            result = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=sign_up, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def staff_user(school):
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


def test_two_sign_ups_for_the_last_place_at_once_give_one_place(process, director, pmr, school):
    finish_steps_1_to_4(process, director, pmr)
    for _round in range(ROUNDS):
        session = make_session(process, director, capacity=2)
        kickoff_services.kickoff_sign_up(session=session, actor=staff_user(school))
        outcomes = sign_up_at_once(session, [staff_user(school), staff_user(school)])
        assert outcomes.count("signed up") == 1, outcomes
        refused = [o for o in outcomes if isinstance(o, DomainError)]
        assert len(refused) == 1 and "This session is full" in refused[0].message
        assert KickoffSignUp.objects.filter(session=session).count() == 2
