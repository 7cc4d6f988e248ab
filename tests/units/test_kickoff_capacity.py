"""Kick-off sessions with a limited number of places (issue 18, item 5)."""

import pytest
from django.urls import reverse

from tests.factories import StaffMemberFactory, UserFactory
from tests.units import test_kickoff as kickoff_tests
from tests.units.test_kickoff import make_session, session_data
from units.models import KickoffSignUp
from units.services import kickoff as kickoff_services
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db

engine_blockers_only = kickoff_tests.engine_blockers_only
step5_open = kickoff_tests.step5_open


def a_staff_user(school):
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


@pytest.fixture
def small_session(step5_open, director):
    return make_session(step5_open, director, capacity=2)


def test_the_capacity_is_stored_and_recorded(small_session):
    assert small_session.capacity == 2
    decision = small_session.process.decisions.order_by("-pk").first()
    assert decision.content["capacity"] == 2


def test_a_full_session_refuses_the_next_sign_up(small_session, school, staff_user):
    for _ in range(2):
        kickoff_services.kickoff_sign_up(session=small_session, actor=a_staff_user(school))
    with pytest.raises(DomainError, match="This session is full"):
        kickoff_services.kickoff_sign_up(session=small_session, actor=staff_user)
    assert small_session.sign_ups.count() == 2


def test_signing_up_again_when_full_keeps_the_place(small_session, school, staff_user):
    kickoff_services.kickoff_sign_up(session=small_session, actor=staff_user)
    kickoff_services.kickoff_sign_up(session=small_session, actor=a_staff_user(school))
    again = kickoff_services.kickoff_sign_up(session=small_session, actor=staff_user)
    assert again.staff_member.user == staff_user and small_session.sign_ups.count() == 2


def test_a_withdrawal_frees_a_place(small_session, school, staff_user):
    first, second = a_staff_user(school), a_staff_user(school)
    kickoff_services.kickoff_sign_up(session=small_session, actor=first)
    kickoff_services.kickoff_sign_up(session=small_session, actor=second)
    kickoff_services.kickoff_withdraw(session=small_session, actor=first)
    kickoff_services.kickoff_sign_up(session=small_session, actor=staff_user)
    assert small_session.sign_ups.count() == 2


def test_no_capacity_means_no_limit(step5_open, director, school):
    session = make_session(step5_open, director)
    assert session.capacity is None
    for _ in range(5):
        kickoff_services.kickoff_sign_up(session=session, actor=a_staff_user(school))
    assert session.sign_ups.count() == 5


def test_a_capacity_of_zero_is_refused(step5_open, director):
    with pytest.raises(DomainError, match="at least one place"):
        make_session(step5_open, director, capacity=0)


def test_the_capacity_cannot_go_below_the_sign_ups(small_session, director, school):
    for _ in range(2):
        kickoff_services.kickoff_sign_up(session=small_session, actor=a_staff_user(school))
    with pytest.raises(DomainError, match="2 people have already signed up"):
        kickoff_services.kickoff_session_update(
            session=small_session, actor=director, **session_data(capacity=1)
        )
    small_session.refresh_from_db()
    assert small_session.capacity == 2
    # Equal to the sign-ups, more, or no limit at all is fine; the calendar version stays.
    for capacity in (2, 10, None):
        updated = kickoff_services.kickoff_session_update(
            session=small_session, actor=director, **session_data(capacity=capacity)
        )
        assert updated.capacity == capacity and updated.sequence == 0


def url(name, session):
    args = [session.process_id] if name == "kickoff" else [session.process_id, session.pk]
    return reverse(f"units:{name}", args=args)


def test_the_page_shows_the_places_left_and_refuses_when_full(
    client, small_session, school, staff_user
):
    client.force_login(staff_user)
    html = client.get(url("kickoff", small_session)).content.decode()
    assert "2 places left." in html
    kickoff_services.kickoff_sign_up(session=small_session, actor=a_staff_user(school))
    assert "1 place left." in client.get(url("kickoff", small_session)).content.decode()
    kickoff_services.kickoff_sign_up(session=small_session, actor=a_staff_user(school))
    html = client.get(url("kickoff", small_session)).content.decode()
    assert "The session is full." in html
    assert url("kickoff-sign-up", small_session) not in html
    response = client.post(url("kickoff-sign-up", small_session), follow=True)
    assert "This session is full." in response.content.decode()
    assert not KickoffSignUp.objects.filter(staff_member__user=staff_user).exists()


def test_the_form_sets_and_validates_the_capacity(client, small_session, pmr):
    client.force_login(pmr)
    data = {**session_data(), "capacity": "0"}
    data["date"] = data["date"].strftime("%d-%m-%Y")
    data["starts_at"], data["ends_at"] = "15:30", "17:45"
    data["hours_credited"] = "2,50"
    response = client.post(url("kickoff-session-update", small_session), data)
    assert response.status_code == 400
    small_session.refresh_from_db()
    assert small_session.capacity == 2
    data["capacity"] = "30"
    response = client.post(url("kickoff-session-update", small_session), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    small_session.refresh_from_db()
    assert small_session.capacity == 30
