"""Step 5, the collective kick-off: sessions, the calendar file, invitations (idempotent per
version), sign-up, attendance, the held record and the step's blocker."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from processes import registry
from processes import services as process_services
from processes.models import Decision, ProcessStep
from tests.factories import StaffMemberFactory, UserFactory
from tests.fixtures.steps import assign_actor
from tests.outbox import deliver_outbox
from tests.processes.conftest import finish_steps_1_to_4, step
from units import ics
from units.models import KickoffAttendance, KickoffInvitation, KickoffSession, KickoffSignUp
from units.services import kickoff as kickoff_services
from units.steps.kickoff import kickoff_held_blocker
from units.steps.staff import step1_needs_active_staff
from werkdruk.exceptions import DomainError
from werkdruk.models import OutboxMessage


@pytest.fixture(autouse=True)
def engine_blockers_only(monkeypatch):
    """Only the staff-list blocker of step 1 and the kick-off's own blocker of step 5: the
    other apps test theirs, and these tests need steps 1-4 done to open step 5."""
    monkeypatch.setattr(
        registry, "_blockers", {1: [step1_needs_active_staff], 5: [kickoff_held_blocker]}
    )


@pytest.fixture
def step5_open(process, director, pmr):
    """``process`` with steps 1-4 done, so step 5 (the kick-off) is open."""
    finish_steps_1_to_4(process, director, pmr)
    return process


def session_data(**overrides) -> dict:
    data = {
        "title": "Plenary opening",
        "date": timezone.localdate() + datetime.timedelta(days=14),
        "starts_at": datetime.time(15, 30),
        "ends_at": datetime.time(17, 45),
        "place": "Aula, Hoofdgebouw",
        "agenda": "1. Welcome\n2. What causes workload?\n3. Next steps",
        "format": "plenary_then_sessions",
        "in_working_time": True,
        "meal_offered": True,
        "hours_credited": Decimal("2.50"),
        "uses_sign_up": True,
    }
    data.update(overrides)
    return data


def make_session(process, actor, **overrides):
    return kickoff_services.kickoff_session_create(
        process=process, actor=actor, **session_data(**overrides)
    )


AMS = ZoneInfo("Europe/Amsterdam")
TODAY = timezone.localdate


def parse(data) -> Calendar:
    return Calendar.from_ical(data)


def the_event(calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.fixture
def session(step5_open, director):
    return make_session(step5_open, director)


# --- sessions -------------------------------------------------------------------------


def test_create_stores_every_detail_and_records_a_decision(step5_open, pmr):
    session = make_session(step5_open, pmr, format="groups", in_working_time=False)
    session.refresh_from_db()
    assert session.place == "Aula, Hoofdgebouw"
    assert session.starts_at == datetime.time(15, 30)
    assert session.format == KickoffSession.Format.GROUPS
    assert session.in_working_time is False and session.meal_offered is True
    assert session.hours_credited == Decimal("2.50")
    assert session.uses_sign_up is True and session.sequence == 0
    decision = Decision.objects.get(action="processes.kickoff.session_planned")
    assert decision.step_number == 5 and decision.actor == pmr
    assert "Aula, Hoofdgebouw" in decision.summary


@pytest.mark.parametrize("who", ["director", "pmr", "steering"])
def test_director_pmr_and_steering_group_organise(step5_open, who, request):
    actor = request.getfixturevalue(who)
    assert make_session(step5_open, actor).pk


@pytest.mark.parametrize("who", ["staff_user", "board_admin", "other_director"])
def test_others_cannot_organise(step5_open, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        make_session(step5_open, actor)
    assert not KickoffSession.objects.exists()


def test_sessions_wait_until_the_vote_is_adopted(process, director):
    assert step(process, 5).state == ProcessStep.State.LOCKED
    with pytest.raises(DomainError, match="Step 5 is not open"):
        make_session(process, director)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": datetime.time(15, 30)}, "end after it starts"),
        ({"place": "  "}, "place"),
        ({"format": "party"}, "format"),
        ({"hours_credited": Decimal("-1")}, "negative"),
    ],
)
def test_invalid_sessions_are_refused(step5_open, director, overrides, message):
    with pytest.raises(DomainError, match=message):
        make_session(step5_open, director, **overrides)


def test_a_change_the_calendar_shows_raises_the_version(session, director):
    same = kickoff_services.kickoff_session_update(
        session=session, actor=director, **session_data()
    )
    assert same.sequence == 0  # nothing changed
    only_sign_up = kickoff_services.kickoff_session_update(
        session=session, actor=director, **session_data(uses_sign_up=False)
    )
    assert only_sign_up.sequence == 0
    moved = kickoff_services.kickoff_session_update(
        session=session, actor=director, **session_data(place="Gymzaal", uses_sign_up=False)
    )
    assert moved.sequence == 1
    assert Decision.objects.filter(action="processes.kickoff.session_changed").count() == 2


def test_delete_removes_the_session_and_is_recorded(session, director):
    kickoff_services.kickoff_session_delete(session=session, actor=director)
    assert not KickoffSession.objects.exists()
    assert Decision.objects.filter(action="processes.kickoff.session_removed").exists()


def test_removing_an_announced_session_cancels_it_in_everyones_calendar(
    session, director, django_capture_on_commit_callbacks
):
    kickoff_services.kickoff_invitations_send(session=session, actor=director)
    invited = sorted(m.to[0] for m in mail.outbox)
    uid, sequence = ics.session_uid(session), session.sequence
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        kickoff_services.kickoff_session_delete(session=session, actor=director)

    assert sorted(m.to[0] for m in mail.outbox) == invited
    message = mail.outbox[0]
    assert "Cancelled" in message.subject and "Aula, Hoofdgebouw" in message.body
    ((filename, content, mimetype),) = message.attachments
    calendar = parse(content)
    event = the_event(calendar)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == sequence + 1
    removed = Decision.objects.get(action="processes.kickoff.session_removed")
    assert removed.content["cancellations_sent_to"] == len(invited)


def test_removing_a_session_nobody_was_invited_to_sends_nothing(
    session, director, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        kickoff_services.kickoff_session_delete(session=session, actor=director)
    assert mail.outbox == []


def test_a_held_session_can_no_longer_change(step5_open, director):
    session = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    kickoff_services.kickoff_session_mark_held(session=session, actor=director)
    with pytest.raises(DomainError, match="held"):
        kickoff_services.kickoff_session_update(
            session=session, actor=director, **session_data(place="Elders")
        )
    with pytest.raises(DomainError, match="held"):
        kickoff_services.kickoff_session_delete(session=session, actor=director)


# --- the calendar file ----------------------------------------------------------------


def test_the_ics_file_parses_with_the_amsterdam_time_zone(session):
    calendar = parse(ics.session_calendar(session))
    event = the_event(calendar)
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.tzinfo is not None and end.tzinfo is not None
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event["DTEND"].params["TZID"] == "Europe/Amsterdam"
    assert start == datetime.datetime.combine(session.date, datetime.time(15, 30), tzinfo=AMS)
    assert end == datetime.datetime.combine(session.date, datetime.time(17, 45), tzinfo=AMS)
    assert (
        start.utcoffset()
        == datetime.datetime.combine(session.date, datetime.time(15, 30), tzinfo=AMS).utcoffset()
    )
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Amsterdam"]
    assert str(event["UID"]) == ics.session_uid(session)
    assert int(event["SEQUENCE"]) == 0
    assert str(event["LOCATION"]) == "Aula, Hoofdgebouw"
    assert session.process.school.name in str(event["SUMMARY"])
    description = str(event["DESCRIPTION"])
    assert "What causes workload?" in description
    assert "Hours credited: 2.5" in description


def test_summer_and_winter_times_get_their_own_offset(step5_open, director):
    summer = make_session(step5_open, director, date=datetime.date(2027, 6, 14))
    winter = make_session(step5_open, director, date=datetime.date(2027, 1, 11))
    assert the_event(parse(ics.session_calendar(summer))).decoded(
        "dtstart"
    ).utcoffset() == datetime.timedelta(hours=2)
    assert the_event(parse(ics.session_calendar(winter))).decoded(
        "dtstart"
    ).utcoffset() == datetime.timedelta(hours=1)


def test_the_uid_is_stable_and_the_sequence_follows_the_version(session, director):
    before = the_event(parse(ics.session_calendar(session)))
    session = kickoff_services.kickoff_session_update(
        session=session, actor=director, **session_data(starts_at=datetime.time(14, 0))
    )
    after = the_event(parse(ics.session_calendar(session)))
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == 1
    assert after.decoded("dtstart").time() == datetime.time(14, 0)


# --- invitations ----------------------------------------------------------------------


def test_invitations_go_to_every_active_staff_member_once(session, director, school):
    StaffMemberFactory(school=school, active=False, email="left@school.example.org")
    StaffMemberFactory(email="elsewhere@school.example.org")  # another school
    active = sorted(school.staff_members.filter(active=True).values_list("email", flat=True))
    mail.outbox.clear()

    sent = kickoff_services.kickoff_invitations_send(session=session, actor=director)

    assert sent == len(active) == 3
    assert sorted(m.to[0] for m in mail.outbox) == active
    message = mail.outbox[0]
    assert "Invitation" in message.subject and school.name in message.subject
    assert "Aula, Hoofdgebouw" in message.body and "15:30" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    event = the_event(parse(content))
    assert str(event["UID"]) == ics.session_uid(session) and int(event["SEQUENCE"]) == 0
    assert KickoffInvitation.objects.filter(session=session, sequence=0).count() == 3

    # A second run (a double click, a retry) sends nothing.
    assert kickoff_services.kickoff_invitations_send(session=session, actor=director) == 0
    assert len(mail.outbox) == 3


def test_new_staff_get_the_invitation_on_the_next_run(session, director, school):
    kickoff_services.kickoff_invitations_send(session=session, actor=director)
    newcomer = StaffMemberFactory(school=school)
    mail.outbox.clear()
    assert kickoff_services.kickoff_invitations_send(session=session, actor=director) == 1
    assert [m.to for m in mail.outbox] == [[newcomer.email]]


def test_after_a_change_everyone_is_invited_again_with_a_higher_sequence(session, director, school):
    kickoff_services.kickoff_invitations_send(session=session, actor=director)
    session = kickoff_services.kickoff_session_update(
        session=session, actor=director, **session_data(place="Gymzaal")
    )
    mail.outbox.clear()

    assert kickoff_services.kickoff_invitations_send(session=session, actor=director) == 3
    for message in mail.outbox:
        assert message.subject.startswith("[Werkdruk] Changed")
        event = the_event(parse(message.attachments[0][1]))
        assert int(event["SEQUENCE"]) == 1 and str(event["LOCATION"]) == "Gymzaal"
        assert str(event["UID"]) == ics.session_uid(session)
    assert kickoff_services.kickoff_invitations_send(session=session, actor=director) == 0


def test_a_failed_e_mail_is_retried_by_the_outbox(session, director, settings):
    settings.EMAIL_BACKEND = "tests.outbox.UnreachableBackend"
    invited = kickoff_services.kickoff_invitations_send(session=session, actor=director)
    assert invited == 3  # recorded with their outbox rows, though the server is down
    assert kickoff_services.kickoff_invitations_send(session=session, actor=director) == 0
    waiting = OutboxMessage.objects.filter(cause="units.kickoff", state="pending")
    assert waiting.count() == invited and mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    waiting.update(next_attempt_at=timezone.now())
    assert deliver_outbox() == invited
    assert len(mail.outbox) == invited
    assert all(m.attachments[0][2] == "text/calendar" for m in mail.outbox)


@pytest.mark.parametrize("who", ["staff_user", "board_admin", "other_director"])
def test_only_organisers_send_invitations(session, who, request):
    with pytest.raises(PermissionDenied):
        kickoff_services.kickoff_invitations_send(
            session=session, actor=request.getfixturevalue(who)
        )
    assert not KickoffInvitation.objects.exists()


# --- sign-up --------------------------------------------------------------------------


def test_staff_sign_up_and_withdraw(session, staff_user):
    sign_up = kickoff_services.kickoff_sign_up(session=session, actor=staff_user)
    assert sign_up.staff_member.user == staff_user
    again = kickoff_services.kickoff_sign_up(session=session, actor=staff_user)
    assert again.pk == sign_up.pk and KickoffSignUp.objects.count() == 1
    kickoff_services.kickoff_withdraw(session=session, actor=staff_user)
    assert not KickoffSignUp.objects.exists()
    kickoff_services.kickoff_withdraw(session=session, actor=staff_user)  # nothing to withdraw


@pytest.mark.parametrize("who", ["director", "board_admin", "other_director"])
def test_only_the_schools_staff_sign_up(session, who, request):
    with pytest.raises(PermissionDenied):
        kickoff_services.kickoff_sign_up(session=session, actor=request.getfixturevalue(who))


def test_staff_of_another_school_cannot_sign_up(session, other_school):
    outsider = UserFactory()
    StaffMemberFactory(school=other_school, user=outsider, email=outsider.email)
    with pytest.raises(PermissionDenied):
        kickoff_services.kickoff_sign_up(session=session, actor=outsider)


def test_former_staff_cannot_sign_up(session, staff_user):
    staff_user.staff_memberships.update(active=False)
    with pytest.raises(PermissionDenied):
        kickoff_services.kickoff_sign_up(session=session, actor=staff_user)


def test_no_sign_up_when_the_session_does_not_use_it(step5_open, director, staff_user):
    session = make_session(step5_open, director, uses_sign_up=False)
    with pytest.raises(DomainError, match="does not use sign-up"):
        kickoff_services.kickoff_sign_up(session=session, actor=staff_user)
    assert not KickoffSignUp.objects.exists()


def test_no_sign_up_for_a_past_or_held_session(step5_open, director, staff_user):
    past = make_session(step5_open, director, date=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="already taken place"):
        kickoff_services.kickoff_sign_up(session=past, actor=staff_user)
    held = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    kickoff_services.kickoff_session_mark_held(session=held, actor=director)
    with pytest.raises(DomainError, match="held"):
        kickoff_services.kickoff_sign_up(session=held, actor=staff_user)


# --- attendance and the held record ---------------------------------------------------


def test_attendance_per_person(session, director, school, staff_user):
    staff = list(school.staff_members.filter(active=True).order_by("pk"))
    present = [staff[0].pk, staff[2].pk]
    session = kickoff_services.kickoff_attendance_record(
        session=session, actor=director, attended_staff_ids=present
    )
    assert session.attendance_mode == "per_person" and session.attendance_count == 2
    rows = dict(KickoffAttendance.objects.values_list("staff_member_id", "attended"))
    assert rows == {member.pk: member.pk in present for member in staff}
    # Recording again replaces the earlier record.
    kickoff_services.kickoff_attendance_record(
        session=session, actor=director, attended_staff_ids=[staff[1].pk]
    )
    assert list(
        KickoffAttendance.objects.filter(attended=True).values_list("staff_member_id", flat=True)
    ) == [staff[1].pk]


def test_attendance_per_person_only_for_the_schools_active_staff(session, director, other_school):
    outsider = StaffMemberFactory(school=other_school)
    with pytest.raises(DomainError, match="active staff"):
        kickoff_services.kickoff_attendance_record(
            session=session, actor=director, attended_staff_ids=[outsider.pk]
        )
    assert not KickoffAttendance.objects.exists()


def test_attendance_counted_replaces_the_per_person_record(session, director, school):
    member = school.staff_members.first()
    kickoff_services.kickoff_attendance_record(
        session=session, actor=director, attended_staff_ids=[member.pk]
    )
    session = kickoff_services.kickoff_attendance_count(session=session, actor=director, count=87)
    assert session.attendance_mode == "counted" and session.attendance_count == 87
    assert not KickoffAttendance.objects.exists()
    with pytest.raises(DomainError):
        kickoff_services.kickoff_attendance_count(session=session, actor=director, count=-1)


def test_only_organisers_record_attendance(session, staff_user, school):
    with pytest.raises(PermissionDenied):
        kickoff_services.kickoff_attendance_count(session=session, actor=staff_user, count=3)
    with pytest.raises(PermissionDenied):
        kickoff_services.kickoff_attendance_record(
            session=session, actor=staff_user, attended_staff_ids=[]
        )


def test_marking_held_records_a_decision(step5_open, director):
    session = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    kickoff_services.kickoff_attendance_count(session=session, actor=director, count=41)
    session = kickoff_services.kickoff_session_mark_held(
        session=session, actor=director, note="Good energy."
    )
    assert session.held_at is not None and session.held_recorded_by == director
    decision = Decision.objects.get(action="processes.kickoff.held")
    assert decision.step_number == 5 and decision.grounds == "Good energy."
    assert "41 present" in decision.summary
    assert decision.content["attendance_count"] == 41
    with pytest.raises(DomainError, match="already been recorded"):
        kickoff_services.kickoff_session_mark_held(session=session, actor=director)


def test_a_session_later_today_cannot_be_marked_held_before_it_starts(step5_open, director):
    """Issue 15, item 7: not on its date, but once it has started."""
    later = (timezone.localtime() + datetime.timedelta(hours=1)).time().replace(microsecond=0)
    if not datetime.time(1, 0) <= later <= datetime.time(23, 0):
        pytest.skip("around midnight there is no later start today")
    session = make_session(
        step5_open, director, date=TODAY(), starts_at=later, ends_at=datetime.time(23, 59)
    )
    with pytest.raises(DomainError, match="once it has started"):
        kickoff_services.kickoff_session_mark_held(session=session, actor=director)


def test_a_future_session_cannot_be_marked_held(session, director):
    with pytest.raises(DomainError, match="once it has started"):
        kickoff_services.kickoff_session_mark_held(session=session, actor=director)
    assert KickoffSession.objects.get().held_at is None


def test_only_organisers_mark_a_session_held(step5_open, director, staff_user):
    session = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    with pytest.raises(PermissionDenied):
        kickoff_services.kickoff_session_mark_held(session=session, actor=staff_user)


# --- the step -------------------------------------------------------------------------


def test_step_5_is_completed_only_after_a_session_is_held(step5_open, director):
    assign_actor(step=step(step5_open, 5), actor=director, agreed_actor="director")
    session = make_session(step5_open, director, date=TODAY(), starts_at=datetime.time(0, 0))
    assert registry.step_blockers(step(step5_open, 5))
    with pytest.raises(DomainError) as error:
        process_services.step_complete(step=step(step5_open, 5), actor=director)
    assert any("held" in detail for detail in error.value.details)
    assert step(step5_open, 5).state == ProcessStep.State.OPEN

    kickoff_services.kickoff_session_mark_held(session=session, actor=director)
    assert registry.step_blockers(step(step5_open, 5)) == []
    process_services.step_complete(step=step(step5_open, 5), actor=director)
    assert step(step5_open, 5).state == ProcessStep.State.DONE

    # Once the step is done the kick-off no longer changes.
    with pytest.raises(DomainError, match="Step 5 is not open"):
        make_session(step5_open, director)


def test_the_app_registers_the_blocker_and_the_page(monkeypatch):
    monkeypatch.undo()  # the real registry, as the app filled it at start-up
    assert kickoff_held_blocker in registry._blockers[5]
    page = registry.step_pages(5)[0]
    assert (str(page.label), page.url_name) == ("Kick-off", "units:kickoff")
