"""The kick-off pages (step 5): what each role sees and may do, every URL's permissions, the
forms end to end and the page's query count."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from icalendar import Calendar

from processes.models import Decision, ProcessStep
from tests.factories import StaffMemberFactory
from tests.processes.conftest import step
from tests.units import test_kickoff as kickoff_tests
from tests.units.test_kickoff import make_session
from units.models import KickoffSession, KickoffSignUp

# The kick-off's fixtures, shared (pytest finds fixtures by the names of this module).
engine_blockers_only = kickoff_tests.engine_blockers_only
step5_open = kickoff_tests.step5_open

TODAY = timezone.localdate


@pytest.fixture
def session(step5_open, director):
    return make_session(step5_open, director)


def url(name, process, session=None):
    args = [process.pk] if session is None else [process.pk, session.pk]
    return reverse(f"units:{name}", args=args)


def form_data(**overrides) -> dict:
    data = {
        "title": "Opening",
        "date": (TODAY() + datetime.timedelta(days=10)).isoformat(),
        "starts_at": "15:30",
        "ends_at": "17:00",
        "place": "Aula",
        "agenda": "Welcome",
        "format": "plenary",
        "in_working_time": "on",
        "hours_credited": "1,5",
        "uses_sign_up": "on",
    }
    data.update(overrides)
    return data


# --- the page -------------------------------------------------------------------------


def test_organiser_sees_the_session_and_the_management_forms(client, session, director):
    client.force_login(director)
    response = client.get(url("kickoff", session.process))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aula, Hoofdgebouw" in html and "15:30" in html and "What causes workload?" in html
    assert url("kickoff-session-update", session.process, session) in html
    assert url("kickoff-invite", session.process, session) in html
    assert url("kickoff-attendance", session.process, session) in html
    # Recording it as held is offered once it has started (issue 15, item 7), not before.
    assert url("kickoff-held", session.process, session) not in html
    assert url("kickoff-ics", session.process, session) in html
    assert "0 of 3 active staff members" in html
    KickoffSession.objects.filter(pk=session.pk).update(date=TODAY() - datetime.timedelta(days=1))
    html = client.get(url("kickoff", session.process)).content.decode()
    assert url("kickoff-held", session.process, session) in html


def test_staff_see_the_session_their_sign_up_button_and_the_calendar_link(
    client, session, staff_user
):
    client.force_login(staff_user)
    html = client.get(url("kickoff", session.process)).content.decode()
    assert "Aula, Hoofdgebouw" in html
    assert url("kickoff-ics", session.process, session) in html
    assert url("kickoff-sign-up", session.process, session) in html
    assert url("kickoff-session-update", session.process, session) not in html
    assert url("kickoff-invite", session.process, session) not in html

    response = client.post(url("kickoff-sign-up", session.process, session))
    assert response.status_code == 302
    html = client.get(url("kickoff", session.process)).content.decode()
    assert url("kickoff-withdraw", session.process, session) in html
    assert "You have signed up." in html and "1 person signed up." in html

    client.post(url("kickoff-withdraw", session.process, session))
    assert not KickoffSignUp.objects.exists()


def test_no_sign_up_button_without_sign_up(client, step5_open, director, staff_user):
    session = make_session(step5_open, director, uses_sign_up=False)
    client.force_login(staff_user)
    html = client.get(url("kickoff", step5_open)).content.decode()
    assert url("kickoff-sign-up", step5_open, session) not in html
    response = client.post(url("kickoff-sign-up", step5_open, session), follow=True)
    assert "This session does not use sign-up." in response.content.decode()
    assert not KickoffSignUp.objects.exists()


def test_the_step_page_links_the_kick_off(client, step5_open, director):
    client.force_login(director)
    html = client.get(reverse("processes:step-detail", args=[step5_open.pk, 5])).content.decode()
    assert url("kickoff", step5_open) in html
    assert "Record at least one kick-off session as held" in html


def test_before_the_vote_the_page_says_when_the_kick_off_opens(client, process, director):
    client.force_login(director)
    html = client.get(url("kickoff", process)).content.decode()
    assert "once the staff have adopted the agreement" in html
    assert url("kickoff-session-create", process) not in html


# --- the forms ------------------------------------------------------------------------


def test_add_edit_and_remove_a_session_through_the_forms(client, step5_open, pmr):
    client.force_login(pmr)
    response = client.post(url("kickoff-session-create", step5_open), form_data())
    assert response.status_code == 302
    session = KickoffSession.objects.get()
    assert str(session.hours_credited) == "1.50" and session.meal_offered is False

    form = client.get(url("kickoff-session-update", step5_open, session)).content.decode()
    assert 'value="15:30"' in form and 'value="Aula"' in form

    response = client.post(
        url("kickoff-session-update", step5_open, session), form_data(place="Gymzaal")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "Gymzaal" and session.sequence == 1

    assert client.get(url("kickoff-session-delete", step5_open, session)).status_code == 200
    response = client.post(url("kickoff-session-delete", step5_open, session))
    assert response.status_code == 302 and not KickoffSession.objects.exists()


def test_an_invalid_session_shows_the_errors(client, step5_open, director):
    client.force_login(director)
    response = client.post(
        url("kickoff-session-create", step5_open), form_data(ends_at="15:00", place="")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The session must end after it starts." in html
    assert "This field is required." in html
    assert not KickoffSession.objects.exists()


def test_sending_invitations_says_how_many_went_out(client, session, director):
    client.force_login(director)
    mail.outbox.clear()
    response = client.post(url("kickoff-invite", session.process, session), follow=True)
    html = response.content.decode()
    assert "3 invitations have been sent." in html
    assert "3 of 3 active staff members" in html
    assert len(mail.outbox) == 3
    response = client.post(url("kickoff-invite", session.process, session), follow=True)
    assert "Everyone has already been invited to this version." in response.content.decode()
    assert len(mail.outbox) == 3


def test_attendance_per_person_and_counted_through_the_page(client, step5_open, director, school):
    session = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    staff = list(school.staff_members.order_by("name", "pk"))
    client.force_login(director)
    page = client.get(url("kickoff-attendance", step5_open, session)).content.decode()
    for member in staff:
        assert escape(member.name) in page

    response = client.post(
        url("kickoff-attendance", step5_open, session),
        {"mode": "per_person", "present": [staff[0].pk, staff[1].pk]},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.attendance_mode, session.attendance_count) == ("per_person", 2)
    page = client.get(url("kickoff-attendance", step5_open, session)).content.decode()
    assert f'value="{staff[0].pk}" id="present-{staff[0].pk}" checked' in page
    assert f'value="{staff[2].pk}" id="present-{staff[2].pk}">' in page

    response = client.post(
        url("kickoff-attendance", step5_open, session), {"mode": "per_person", "present": [999999]}
    )
    assert response.status_code == 400

    response = client.post(
        url("kickoff-attendance", step5_open, session), {"mode": "counted", "count": "57"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.attendance_mode, session.attendance_count) == ("counted", 57)
    response = client.post(
        url("kickoff-attendance", step5_open, session), {"mode": "counted", "count": "-3"}
    )
    assert response.status_code == 400


def test_mark_held_then_complete_step_5_on_the_step_page(client, step5_open, director, pmr):
    client.force_login(director)
    client.post(
        reverse("processes:step-assign-actor", args=[step5_open.pk, 5]),
        {"agreed_actor": "director"},
    )
    client.force_login(pmr)  # the choice binds once the PMR agrees
    client.post(
        reverse("processes:step-agree-actor", args=[step5_open.pk, 5]),
        {"agree-proposal": str(step(step5_open, 5).proposal_number)},
    )
    client.force_login(director)
    session = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    complete = reverse("processes:step-complete", args=[step5_open.pk, 5])

    response = client.post(complete, {})
    assert response.status_code == 400
    assert "Record at least one kick-off session as held" in response.content.decode()
    assert step(step5_open, 5).state == ProcessStep.State.OPEN

    response = client.post(
        url("kickoff-held", step5_open, session), {"note": "Well attended."}, follow=True
    )
    assert "recorded as held" in response.content.decode()
    assert Decision.objects.get(action="processes.kickoff.held").grounds == "Well attended."

    assert client.post(complete, {}).status_code == 302
    assert step(step5_open, 5).state == ProcessStep.State.DONE


def test_a_future_session_cannot_be_marked_held_on_the_page(client, session, director):
    client.force_login(director)
    response = client.post(url("kickoff-held", session.process, session), follow=True)
    assert "once it has started" in response.content.decode()
    session.refresh_from_db()
    assert session.held_at is None


def test_the_ics_download(client, session, staff_user):
    client.force_login(staff_user)
    response = client.get(url("kickoff-ics", session.process, session))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("dtstart").time() == datetime.time(15, 30)


def test_a_session_of_another_process_is_not_found(client, session, other_director, director):
    from processes import services
    from tests.factories import SchoolYearFactory

    other = services.process_create(
        school=session.process.school,
        school_year=SchoolYearFactory(start_year=2027),
        actor=director,
    )
    client.force_login(director)
    assert client.get(url("kickoff-ics", other, session)).status_code == 404
    assert client.get(url("kickoff-session-update", other, session)).status_code == 404


# --- permission matrix ----------------------------------------------------------------

ROLES = [
    "anonymous",
    "staff_user",
    "director",
    "pmr",
    "steering",
    "board_admin",
    "other_director",
    "other_board_admin",
]

GET_MATRIX = {
    "kickoff": [302, 200, 200, 200, 200, 200, 404, 404],
    "kickoff-ics": [302, 200, 200, 200, 200, 200, 404, 404],
    "kickoff-session-create": [302, 403, 200, 200, 200, 403, 404, 404],
    "kickoff-session-update": [302, 403, 200, 200, 200, 403, 404, 404],
    "kickoff-session-delete": [302, 403, 200, 200, 200, 403, 404, 404],
    "kickoff-attendance": [302, 403, 200, 200, 200, 403, 404, 404],
}

ORGANISER_ONLY = [302, 403, 302, 302, 302, 403, 404, 404]
STAFF_ONLY = [302, 302, 403, 403, 403, 403, 404, 404]

# name: (data, expected); 302 = done (or the login page for anonymous).
POST_MATRIX = {
    "kickoff-session-create": (form_data(), ORGANISER_ONLY),
    "kickoff-session-update": (form_data(place="Elders"), ORGANISER_ONLY),
    "kickoff-session-delete": ({}, ORGANISER_ONLY),
    "kickoff-invite": ({}, ORGANISER_ONLY),
    "kickoff-attendance": ({"mode": "counted", "count": "5"}, ORGANISER_ONLY),
    "kickoff-held": ({}, ORGANISER_ONLY),
    "kickoff-sign-up": ({}, STAFF_ONLY),
    "kickoff-withdraw": ({}, STAFF_ONLY),
}


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def _state(session):
    return (
        KickoffSession.objects.count(),
        Decision.objects.filter(step_number=5).count(),
        KickoffSignUp.objects.count(),
        len(mail.outbox),
        KickoffSession.objects.filter(pk=session.pk)
        .values_list("attendance_count", "held_at", "place")
        .first(),
    )


@pytest.mark.parametrize("name", GET_MATRIX)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_get_permission_matrix(client, request, step5_open, director, name, index, role):
    session = make_session(step5_open, director)
    _login(client, request, role)
    target = url(
        name, step5_open, None if name in ("kickoff", "kickoff-session-create") else session
    )
    response = client.get(target)
    assert response.status_code == GET_MATRIX[name][index], (name, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", POST_MATRIX)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_post_permission_matrix(client, request, step5_open, director, name, index, role):
    session = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    data, expected = POST_MATRIX[name]
    mail.outbox.clear()
    before = _state(session)
    user = _login(client, request, role)
    target = url(name, step5_open, None if name == "kickoff-session-create" else session)
    response = client.post(target, data)
    assert response.status_code == expected[index], (name, role)
    if expected[index] != 302 or user is None:
        assert _state(session) == before, (name, role)
        if role == "anonymous":
            assert response.url.startswith(reverse("account_login"))
    elif name != "kickoff-withdraw":
        assert _state(session) != before, (name, role)


@pytest.mark.parametrize(
    "name",
    ["kickoff-invite", "kickoff-held", "kickoff-sign-up", "kickoff-withdraw"],
)
def test_post_only_endpoints_refuse_get(client, session, director, name):
    client.force_login(director)
    assert client.get(url(name, session.process, session)).status_code == 405


def test_the_ics_download_refuses_post(client, session, director):
    client.force_login(director)
    assert client.post(url("kickoff-ics", session.process, session)).status_code == 405


# --- query count ----------------------------------------------------------------------


def _count(client, target, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(target)
    assert response.status_code == 200


def _populate(process, director, school, n):
    members = StaffMemberFactory.create_batch(3, school=school)
    for _i in range(n):
        session = make_session(process, director)
        for member in members:
            KickoffSignUp.objects.create(session=session, staff_member=member)


# 12 and 11 before issue 20 (the reader's roles in one query, not three); the organiser's
# page also reads the invitations that could not be delivered (issue 19).
@pytest.mark.parametrize(("role", "queries"), [("director", 11), ("staff_user", 9)])
def test_kickoff_page_query_count_does_not_grow_with_sessions(
    client, request, step5_open, director, school, role, queries, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(role))
    target = url("kickoff", step5_open)
    _populate(step5_open, director, school, 1)
    client.get(target)  # warm up session and caches
    _count(client, target, django_assert_num_queries, queries)
    _populate(step5_open, director, school, 6)
    _count(client, target, django_assert_num_queries, queries)
