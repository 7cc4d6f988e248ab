"""Unit meetings (issue 18 item 5): minutes and attendance recorded on or after the meeting's
date by whoever runs the unit's meetings; members read the minutes and see the count, only
the recorder, the director and the PMR see who attended; the PMR's own record is hidden from
the director; a meeting with minutes cannot be removed from the working method."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from processes.models import Decision, ProcessStep
from tests.factories import BoardAdministratorFactory, SchoolFactory, StaffMemberFactory
from tests.units.test_working_method import adopted_demo, member_of, record, unit_of, user
from units.models import (
    MeetingAttendance,
    MeetingMinutes,
    PmrNote,
    UnitMeeting,
    UnitMembership,
    WorkingMethod,
)
from units.services.meetings import meeting_minutes_record, pmr_note_add
from units.services.working_method import MeetingData
from werkdruk.exceptions import DomainError

TODAY = timezone.localdate


def days(n):
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def process(db):
    """The demo process with step 7 open (as in test_working_method)."""
    process = adopted_demo()
    process.steps.filter(number__in=(5, 6)).update(state=ProcessStep.State.DONE)
    process.steps.filter(number=7).update(state=ProcessStep.State.OPEN)
    return process


@pytest.fixture
def unit(process):
    """The teacher's unit, whose working method the teacher leads (the coordinator), with a
    meeting last week and one next week."""
    unit = unit_of(process, "docent")
    teacher = UnitMembership.objects.get(unit=unit, staff_member__user=user("docent"))
    record(
        unit,
        user("directeur"),
        leader=teacher.staff_member,
        meetings=[MeetingData(date=days(-7), place="Room 12"), MeetingData(date=days(7))],
    )
    return unit


def past(unit):
    return UnitMeeting.objects.get(working_method__unit=unit, date=days(-7))


def future(unit):
    return UnitMeeting.objects.get(working_method__unit=unit, date=days(7))


def members(unit):
    return [m.staff_member for m in UnitMembership.objects.filter(unit=unit).order_by("pk")]


def url(process, unit, meeting):
    return reverse("units:unit-meeting", args=[process.pk, unit.pk, meeting.pk])


def other_unit_member(process, unit):
    """An active staff member with an account in another unit of the process."""
    from tests.factories import UserFactory

    member = (
        UnitMembership.objects.filter(process=process, staff_member__user__isnull=True)
        .exclude(unit=unit)
        .first()
        .staff_member
    )
    member.user = UserFactory(email=member.email)
    member.save()
    return member.user


# --- the service -------------------------------------------------------------------------


def test_the_coordinator_records_minutes_and_attendance(process, unit):
    present = members(unit)[:2]
    minutes = meeting_minutes_record(
        meeting=past(unit),
        actor=user("docent"),
        text="  We talked about marking.  ",
        present=present,
    )
    assert minutes.text == "We talked about marking."
    assert set(MeetingAttendance.objects.values_list("staff_member", flat=True)) == {
        m.pk for m in present
    }
    decision = Decision.objects.get(action="units.meeting.minutes_recorded")
    # The decision list gives the number present, never the names.
    assert decision.content["present"] == 2
    for member in present:
        assert member.name not in decision.summary

    # A change replaces the attendance.
    meeting_minutes_record(
        meeting=past(unit), actor=user("directeur"), text="Changed.", present=present[:1]
    )
    assert MeetingAttendance.objects.count() == 1
    assert MeetingMinutes.objects.get().changed_by == user("directeur")
    assert Decision.objects.filter(action="units.meeting.minutes_changed").exists()


def test_only_members_of_the_unit_can_be_marked_present(process, unit):
    outsider = (
        UnitMembership.objects.filter(process=process).exclude(unit=unit).first().staff_member
    )
    newcomer = StaffMemberFactory(school=process.school)  # of the school, in no unit
    for person in (outsider, newcomer):
        with pytest.raises(DomainError, match="Only active members"):
            meeting_minutes_record(
                meeting=past(unit), actor=user("docent"), text="Minutes.", present=[person]
            )
    assert not MeetingMinutes.objects.exists()
    assert not MeetingAttendance.objects.exists()


def test_an_inactive_member_cannot_be_marked_present(process, unit):
    member = member_of(unit, exclude=[WorkingMethod.objects.get(unit=unit).leader])
    member.active = False
    member.save()
    with pytest.raises(DomainError, match="Only active members"):
        meeting_minutes_record(
            meeting=past(unit), actor=user("docent"), text="Minutes.", present=[member]
        )


def test_minutes_are_refused_before_the_meeting(process, unit):
    with pytest.raises(DomainError, match="on or after"):
        meeting_minutes_record(meeting=future(unit), actor=user("docent"), text="Too early.")
    # On the day itself it is allowed.
    meeting = future(unit)
    meeting.date = TODAY()
    meeting.save()
    meeting_minutes_record(meeting=meeting, actor=user("docent"), text="Today.")


def test_minutes_need_a_text(process, unit):
    with pytest.raises(DomainError, match="Write the minutes"):
        meeting_minutes_record(meeting=past(unit), actor=user("docent"), text="   ")


@pytest.mark.parametrize("local", ["stuurgroep", "bestuur"])
def test_others_may_not_record_minutes(process, unit, local):
    with pytest.raises(PermissionDenied):
        meeting_minutes_record(meeting=past(unit), actor=user(local), text="Minutes.")


def test_a_member_who_is_not_the_leader_may_not_record(process, unit):
    member = member_of(unit, exclude=[WorkingMethod.objects.get(unit=unit).leader])
    from tests.factories import UserFactory

    member.user = UserFactory(email=member.email)
    member.save()
    with pytest.raises(PermissionDenied):
        meeting_minutes_record(meeting=past(unit), actor=member.user, text="Minutes.")
    # Without a leader, any member runs the meetings.
    WorkingMethod.objects.filter(unit=unit).update(leader=None)
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=member.user.pk)
    meeting_minutes_record(meeting=past(unit), actor=fresh, text="Minutes.")


def test_a_meeting_with_minutes_cannot_be_removed_but_others_can(process, unit):
    meeting_minutes_record(meeting=past(unit), actor=user("docent"), text="Minutes.")
    kept = past(unit).pk
    with pytest.raises(DomainError, match="cannot be removed"):
        record(unit, user("directeur"), meetings=[MeetingData(date=days(7))])
    assert MeetingMinutes.objects.filter(meeting_id=kept).exists()
    # Changing the other meeting keeps the row (and the minutes) of this one.
    record(
        unit,
        user("directeur"),
        meetings=[MeetingData(date=days(-7), place="Room 14"), MeetingData(date=days(14))],
    )
    assert past(unit).pk == kept
    assert past(unit).place == "Room 14"
    assert not UnitMeeting.objects.filter(working_method__unit=unit, date=days(7)).exists()


# --- the page ----------------------------------------------------------------------------


@pytest.fixture
def recorded(process, unit):
    present = members(unit)[:2]
    meeting_minutes_record(
        meeting=past(unit), actor=user("docent"), text="Agreed: fewer meetings.", present=present
    )
    return present


def _viewer(process, unit, who):
    if who == "member":
        member = member_of(unit, exclude=[WorkingMethod.objects.get(unit=unit).leader])
        from tests.factories import UserFactory

        member.user = UserFactory(email=member.email)
        member.save()
        return member.user
    if who == "other-unit":
        return other_unit_member(process, unit)
    if who == "other-board-admin":
        return BoardAdministratorFactory(board=SchoolFactory().board).user
    if who == "operator":
        from tests.factories import UserFactory

        return UserFactory(is_staff=True)
    return user(who)


# who: status, sees the minutes, sees the names, has the form
MATRIX = [
    ("docent", 200, True, True, True),  # the coordinator
    ("directeur", 200, True, True, True),
    ("pmr", 200, True, True, True),
    ("stuurgroep", 200, True, False, False),
    ("member", 200, True, False, False),
    ("other-unit", 403, False, False, False),
    ("bestuur", 403, False, False, False),
    ("directeur.baken", 404, False, False, False),
    ("other-board-admin", 404, False, False, False),
    ("operator", 404, False, False, False),
    (None, 302, False, False, False),
]


@pytest.mark.parametrize(("who", "status", "minutes", "names", "form"), MATRIX)
def test_who_sees_a_meeting_and_its_attendance(
    process, unit, recorded, client, who, status, minutes, names, form
):
    if who:
        client.force_login(_viewer(process, unit, who))
    response = client.get(url(process, unit, past(unit)))
    assert response.status_code == status
    page = response.content.decode()
    assert ("Agreed: fewer meetings." in page) == minutes
    if status == 200:
        assert "2 members present." in page
    assert ('data-testid="present"' in page) == names
    if names:
        for member in recorded:
            assert escape(member.name) in page
    assert ('name="text"' in page) == form


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("docent", 302),
        ("directeur", 302),
        ("pmr", 302),
        ("stuurgroep", 403),
        ("member", 403),
        ("other-unit", 403),
        ("bestuur", 403),
        ("directeur.baken", 404),
        ("other-board-admin", 404),
        (None, 302),
    ],
)
def test_who_records_minutes_on_the_page(process, unit, client, who, status):
    if who:
        client.force_login(_viewer(process, unit, who))
    present = members(unit)[:3]
    response = client.post(
        url(process, unit, past(unit)),
        {"text": "Minutes.", "present": [m.pk for m in present]},
    )
    assert response.status_code == status
    done = who in ("docent", "directeur", "pmr")
    assert MeetingMinutes.objects.exists() == done
    assert MeetingAttendance.objects.count() == (3 if done else 0)


def test_the_page_refuses_a_person_of_another_unit_as_present(process, unit, client):
    client.force_login(user("docent"))
    outsider = UnitMembership.objects.filter(process=process).exclude(unit=unit).first()
    response = client.post(
        url(process, unit, past(unit)),
        {"text": "Minutes.", "present": [outsider.staff_member_id]},
    )
    assert response.status_code == 400
    assert not MeetingMinutes.objects.exists()


def test_the_page_offers_no_form_before_the_meeting(process, unit, client):
    client.force_login(user("docent"))
    response = client.get(url(process, unit, future(unit)))
    assert response.status_code == 200
    assert b'name="text"' not in response.content
    assert "on or after the day of the meeting" in response.content.decode()


def test_a_meeting_of_another_unit_is_404(process, unit, client):
    client.force_login(user("directeur"))
    other = UnitMembership.objects.filter(process=process).exclude(unit=unit).first().unit
    assert client.get(url(process, other, past(unit))).status_code == 404


def test_the_working_method_page_links_the_meetings(process, unit, recorded, client):
    client.force_login(user("docent"))
    response = client.get(reverse("units:working-method-unit", args=[process.pk, unit.pk]))
    assert url(process, unit, past(unit)) in response.content.decode()
    assert url(process, unit, future(unit)) in response.content.decode()


# --- the PMR's own record ----------------------------------------------------------------


def pmr_url(process):
    return reverse("units:pmr-record", args=[process.pk])


def test_the_pmr_keeps_notes_on_meetings_and_steps(process, unit):
    note = pmr_note_add(
        process=process, actor=user("pmr"), text="The unit was lively.", meeting=past(unit)
    )
    assert note.meeting == past(unit) and note.author == user("pmr")
    pmr_note_add(process=process, actor=user("pmr2"), text="Step 3 went fast.", step_number=3)
    assert PmrNote.objects.count() == 2
    # No decision: the decision list is read by the director and the school.
    assert not Decision.objects.filter(action__contains="pmr_note").exists()


@pytest.mark.parametrize("local", ["directeur", "stuurgroep", "docent", "bestuur"])
def test_only_the_pmr_writes_its_record(process, unit, local):
    with pytest.raises(PermissionDenied):
        pmr_note_add(process=process, actor=user(local), text="Note.", step_number=3)


def test_a_note_needs_exactly_one_subject_of_this_process(process, unit):
    with pytest.raises(DomainError, match="Choose a unit meeting or a step"):
        pmr_note_add(process=process, actor=user("pmr"), text="Note.")
    with pytest.raises(DomainError, match="Choose a unit meeting or a step"):
        pmr_note_add(
            process=process, actor=user("pmr"), text="Note.", step_number=3, meeting=past(unit)
        )
    with pytest.raises(DomainError, match="not one of this process"):
        pmr_note_add(process=process, actor=user("pmr"), text="Note.", step_number=12)
    with pytest.raises(DomainError, match="Write the note"):
        pmr_note_add(process=process, actor=user("pmr"), text=" ", step_number=3)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("pmr", 200),
        ("pmr2", 200),
        ("directeur", 403),
        ("stuurgroep", 403),
        ("docent", 403),
        ("bestuur", 403),
        ("directeur.baken", 404),
        ("other-board-admin", 404),
        ("operator", 404),
        (None, 302),
    ],
)
def test_who_sees_the_pmr_record(process, unit, client, who, status):
    pmr_note_add(process=process, actor=user("pmr"), text="Secret of the PMR.", step_number=7)
    if who:
        client.force_login(_viewer(process, unit, who))
    response = client.get(pmr_url(process))
    assert response.status_code == status
    assert ("Secret of the PMR." in response.content.decode()) == (status == 200)
    # Posting is refused alike.
    response = client.post(pmr_url(process), {"about": "step-3", "text": "Another."})
    assert response.status_code == (302 if status == 200 else status)
    assert PmrNote.objects.filter(text="Another.").exists() == (status == 200)


def test_the_pmr_adds_a_note_on_a_meeting_on_the_page(process, unit, client):
    client.force_login(user("pmr"))
    response = client.post(
        pmr_url(process), {"about": f"meeting-{past(unit).pk}", "text": "Lively meeting."}
    )
    assert response.status_code == 302
    note = PmrNote.objects.get()
    assert note.meeting == past(unit)
    page = client.get(pmr_url(process)).content.decode()
    assert "Lively meeting." in page
    assert escape(unit.name) in page


def test_the_director_sees_no_link_to_the_pmr_record(process, unit, client):
    overview = reverse("units:working-method-overview", args=[process.pk])
    client.force_login(user("directeur"))
    assert pmr_url(process) not in client.get(overview).content.decode()
    client.force_login(user("pmr"))
    assert pmr_url(process) in client.get(overview).content.decode()


def test_a_pmr_note_sent_twice_is_one_note(process, unit, client):
    from tests.submissions import send_twice

    client.force_login(user("pmr"))
    send_twice(
        client,
        page=pmr_url(process),
        action=pmr_url(process),
        data={"about": "step-3", "text": "Once."},
    )
    assert PmrNote.objects.count() == 1


def test_attendance_is_in_the_persons_privacy_export(process, unit, recorded):
    from privacy.selectors.export import person_export

    member = recorded[0]
    records = person_export(member=member)["records"]
    rows = records["units.MeetingAttendance"]["rows"]
    assert [row["meeting"] for row in rows] == [str(past(unit))]
    absent = next(m for m in members(unit) if m not in recorded)
    assert person_export(member=absent)["records"]["units.MeetingAttendance"]["rows"] == []
