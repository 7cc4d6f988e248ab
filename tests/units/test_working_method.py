"""Step 7: each unit records its working method (meeting dates, conversation leader, how it
decides, voluntary or compulsory, facilitation); the leader is the unit's coordinator; step 7
completes when the last unit records; who may see and change what."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_noop

from plans.demo import demo_load
from processes import services
from processes.models import Decision, Process, ProcessStep
from tests.factories import StaffMemberFactory
from units.models import (
    OrganisationalUnit,
    StaffMember,
    UnitMeeting,
    UnitMembership,
    WorkingMethod,
)
from units.predicates import is_unit_coordinator
from units.services.working_method import (
    MeetingData,
    step7_every_unit_has_a_working_method,
    working_method_record,
)
from werkdruk.exceptions import DomainError


def user(local):
    """A fresh user object (roles and units are cached per object)."""
    return get_user_model().objects.get(email=f"{local}@demo.werkdruk.nl")


def step(process, number):
    return process.steps.get(number=number)


def adopted_demo():
    """The demo school with steps 1-4 done (steps 5 and 6 open, step 7 locked)."""
    process = demo_load()["process"]
    services.step_sign_off(step=step(process, 3), actor=user("pmr"))
    services.step_complete_by_system(step=step(process, 4), summary=gettext_noop("Vote adopted."))
    return process


@pytest.fixture
def process(db):
    """The demo process with steps 5 and 6 done, so step 7 is open (as the engine would)."""
    process = adopted_demo()
    process.steps.filter(number__in=(5, 6)).update(state=ProcessStep.State.DONE)
    process.steps.filter(number=7).update(state=ProcessStep.State.OPEN)
    return process


def units_of(process):
    return list(OrganisationalUnit.objects.filter(process=process).order_by("name"))


def unit_named(process, name):
    return OrganisationalUnit.objects.get(process=process, name=name)


def unit_of(process, local):
    return UnitMembership.objects.get(
        process=process, staff_member__user__email=f"{local}@demo.werkdruk.nl"
    ).unit


def other_unit_than(process, local):
    own = unit_of(process, local)
    return next(unit for unit in units_of(process) if unit.pk != own.pk)


def member_of(unit, *, exclude=()):
    """An active staff member of ``unit``."""
    return (
        UnitMembership.objects.filter(unit=unit, staff_member__active=True)
        .exclude(staff_member__pk__in=[getattr(s, "pk", s) for s in exclude])
        .select_related("staff_member")
        .order_by("staff_member__name")
        .first()
        .staff_member
    )


def staff_of(process, local):
    return UnitMembership.objects.get(
        process=process, staff_member__user__email=f"{local}@demo.werkdruk.nl"
    ).staff_member


def soon(days=10):
    return timezone.localdate() + datetime.timedelta(days=days)


def record(unit, actor, leader=None, **kwargs):
    return working_method_record(
        unit=unit,
        actor=actor,
        leader=leader if leader is not None else member_of(unit),
        decision_mode=kwargs.pop("decision_mode", WorkingMethod.DecisionMode.CONSENSUS),
        participation=kwargs.pop("participation", WorkingMethod.Participation.VOLUNTARY),
        facilitation=kwargs.pop("facilitation", "In working time, instead of a team meeting."),
        hours_credited=kwargs.pop("hours_credited", Decimal("2.50")),
        meetings=kwargs.pop(
            "meetings",
            [
                MeetingData(date=soon(10), starts_at=datetime.time(15, 30), place="Room 12"),
                MeetingData(date=soon(24), note="Deciding on the plan"),
            ],
        ),
    )


def decisions(process, action):
    return list(Decision.objects.filter(process=process, action=action).order_by("pk"))


# --- recording ------------------------------------------------------------------------


def test_a_member_records_their_units_working_method(process):
    teacher = user("docent")
    unit = unit_of(process, "docent")
    leader = staff_of(process, "docent")

    method = record(
        unit,
        teacher,
        leader=leader,
        decision_mode=WorkingMethod.DecisionMode.VOTE,
        participation=WorkingMethod.Participation.COMPULSORY,
    )

    method.refresh_from_db()
    assert method.unit == unit and method.process == process
    assert method.leader == leader
    assert method.decision_mode == "vote"
    assert method.participation == "compulsory"
    assert method.facilitation == "In working time, instead of a team meeting."
    assert method.hours_credited == Decimal("2.50")
    assert method.recorded_by == teacher
    meetings = list(method.meetings.order_by("date"))
    assert [(m.date, m.starts_at, m.place, m.note) for m in meetings] == [
        (soon(10), datetime.time(15, 30), "Room 12", ""),
        (soon(24), None, "", "Deciding on the plan"),
    ]
    assert method.history.count() == 1

    (decision,) = decisions(process, "units.working_method.recorded")
    assert decision.step_number == 7
    assert decision.actor == teacher
    assert unit.name in decision.summary
    assert leader.name in decision.summary
    assert "by a vote in this application" in decision.summary
    assert decision.content["leader"] == leader.pk
    assert decision.content["decision_mode"]["code"] == "vote"
    assert decision.content["hours_credited"] == "2.50"
    assert decision.content["meetings"][0] == {
        "date": soon(10).isoformat(),
        "time": "15:30",
        "place": "Room 12",
        "note": "",
    }
    # One unit of five: step 7 stays open.
    assert step(process, 7).state == ProcessStep.State.OPEN


@pytest.mark.parametrize("local", ["directeur", "pmr", "pmr2"])
def test_the_director_and_pmr_record_on_the_units_behalf(process, local):
    unit = unit_named(process, "Leerlingzaken")  # none of them is a member
    assert unit.pk != unit_of(process, local).pk
    method = record(unit, user(local))
    assert method.recorded_by == user(local)
    assert WorkingMethod.objects.filter(unit=unit).count() == 1


@pytest.mark.parametrize("local", ["docent", "stuurgroep", "bestuur", "directeur.baken"])
def test_nobody_else_records_another_units_method(process, local):
    unit = unit_named(process, "Leerlingzaken")
    with pytest.raises(PermissionDenied):
        record(unit, user(local))
    assert not WorkingMethod.objects.exists()
    assert not decisions(process, "units.working_method.recorded")


def test_a_member_of_unit_a_cannot_change_unit_bs_method(process):
    other = other_unit_than(process, "docent")
    record(other, user("directeur"))
    with pytest.raises(PermissionDenied):
        record(other, user("docent"), facilitation="Changed by an outsider")
    assert WorkingMethod.objects.get(unit=other).facilitation != "Changed by an outsider"


def deactivate(local):
    StaffMember.objects.filter(user__email=f"{local}@demo.werkdruk.nl").update(active=False)


def test_an_inactive_member_no_longer_records(process):
    unit = unit_of(process, "docent")
    deactivate("docent")
    with pytest.raises(PermissionDenied):
        record(unit, user("docent"))


# --- the leader -----------------------------------------------------------------------


def test_the_leader_must_be_an_active_member_of_the_unit(process):
    unit = unit_of(process, "docent")
    director = user("directeur")
    outsider = member_of(other_unit_than(process, "docent"))
    with pytest.raises(DomainError) as caught:
        record(unit, director, leader=outsider)
    assert (
        caught.value.message == f"The conversation leader must be an active member of {unit.name}."
    )

    inactive = member_of(unit, exclude=[staff_of(process, "docent")])
    inactive.active = False
    inactive.save()
    with pytest.raises(DomainError):
        record(unit, director, leader=inactive)

    stranger = StaffMemberFactory()  # another school
    with pytest.raises(DomainError):
        record(unit, director, leader=stranger)
    with pytest.raises(DomainError):
        record(unit, director, leader="")
    assert not WorkingMethod.objects.exists()


def test_the_leader_becomes_the_units_coordinator(process):
    unit = unit_of(process, "docent")
    other = other_unit_than(process, "docent")
    assert not is_unit_coordinator(user("docent"), unit)

    record(unit, user("directeur"), leader=staff_of(process, "docent"))

    assert is_unit_coordinator(user("docent"), unit)
    assert user("docent").has_perm("units.coordinate_unit", unit)
    assert not is_unit_coordinator(user("docent"), other)
    assert not is_unit_coordinator(user("directeur"), unit)

    # A new leader takes over; an inactive leader is no coordinator.
    successor = member_of(unit, exclude=[staff_of(process, "docent")])
    record(unit, user("docent"), leader=successor)
    assert not is_unit_coordinator(user("docent"), unit)
    record(unit, user("directeur"), leader=staff_of(process, "docent"))
    deactivate("docent")
    assert not is_unit_coordinator(user("docent"), unit)


# --- validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"meetings": []}, "Give at least one meeting date."),
        ({"decision_mode": "lottery"}, "Choose how the unit decides."),
        (
            {"participation": "sometimes"},
            "Choose whether taking part is voluntary or compulsory.",
        ),
        ({"hours_credited": Decimal("-1")}, "The hours credited cannot be negative."),
        ({"hours_credited": Decimal("1000")}, "The hours credited must be less than 1000."),
        (
            {"hours_credited": 2.5},
            "The hours credited must be a number of hours, with at most two decimals.",
        ),
        (
            {"hours_credited": Decimal("1.234")},
            "The hours credited must be a number of hours, with at most two decimals.",
        ),
        (
            {"meetings": [MeetingData(date=soon()), MeetingData(date=soon())]},
            "The same meeting date and time is given twice.",
        ),
        (
            {"meetings": [MeetingData(date=soon(), place="x" * 201)]},
            "A place or note has at most 200 characters; this one has 201.",
        ),
        (
            {"facilitation": "x" * 2001},
            "The facilitation has at most 2000 characters; this text has 2001.",
        ),
    ],
)
def test_refuses_invalid_input(process, kwargs, message):
    with pytest.raises(DomainError) as caught:
        record(unit_of(process, "docent"), user("docent"), **kwargs)
    assert caught.value.message == message
    assert not WorkingMethod.objects.exists()


def test_hours_are_optional(process):
    method = record(unit_of(process, "docent"), user("docent"), hours_credited=None)
    assert method.hours_credited is None


def test_nothing_is_recorded_before_step_7_opens(db):
    process = adopted_demo()
    assert step(process, 7).state == ProcessStep.State.LOCKED
    with pytest.raises(DomainError) as caught:
        record(unit_of(process, "docent"), user("docent"))
    assert "steps 5 and 6" in caught.value.message
    assert not WorkingMethod.objects.exists()


def test_nothing_is_recorded_in_a_skipped_step_7(process):
    process.steps.filter(number=7).update(state=ProcessStep.State.SKIPPED)
    with pytest.raises(DomainError) as caught:
        record(unit_of(process, "docent"), user("docent"))
    assert "skipped" in caught.value.message


# --- completion of step 7 -------------------------------------------------------------


def test_step_7_completes_when_the_last_unit_records_and_not_before(process):
    director = user("directeur")
    first, *middle, last = units_of(process)
    for unit in [first, *middle]:
        record(unit, director)
        assert step(process, 7).state == ProcessStep.State.OPEN
    assert not decisions(process, "processes.step.completed") or all(
        d.step_number != 7 for d in decisions(process, "processes.step.completed")
    )

    record(last, director)

    done = step(process, 7)
    assert done.state == ProcessStep.State.DONE
    completed = [d for d in decisions(process, "processes.step.completed") if d.step_number == 7]
    assert len(completed) == 1
    assert "every unit has recorded its working method" in completed[0].summary
    assert completed[0].content["last_unit"] == last.name
    assert step(process, 8).state == ProcessStep.State.OPEN
    assert len(decisions(process, "units.working_method.recorded")) == 5


def test_a_later_change_is_a_decision_and_step_7_stays_done(process):
    director = user("directeur")
    for unit in units_of(process):
        record(unit, director)
    assert step(process, 7).state == ProcessStep.State.DONE
    unit = unit_of(process, "docent")

    record(
        unit,
        user("docent"),
        decision_mode=WorkingMethod.DecisionMode.VOTE,
        meetings=[MeetingData(date=soon(30))],
    )

    assert step(process, 7).state == ProcessStep.State.DONE
    (change,) = decisions(process, "units.working_method.changed")
    assert change.step_number == 7
    assert unit.name in change.summary
    assert set(change.content["changed"]) == {"decision_mode", "meetings"}
    method = WorkingMethod.objects.get(unit=unit)
    assert method.decision_mode == "vote"
    assert method.changed_by == user("docent")
    assert list(method.meetings.values_list("date", flat=True)) == [soon(30)]
    assert method.history.count() == 2
    assert [d for d in decisions(process, "processes.step.completed") if d.step_number == 7]
    assert (
        len([d for d in decisions(process, "processes.step.completed") if d.step_number == 7]) == 1
    )


def test_recording_the_same_again_writes_nothing(process):
    unit = unit_of(process, "docent")
    record(unit, user("docent"))
    record(unit, user("docent"))
    assert len(decisions(process, "units.working_method.recorded")) == 1
    assert not decisions(process, "units.working_method.changed")
    assert WorkingMethod.objects.get(unit=unit).history.count() == 1
    assert UnitMeeting.objects.count() == 2


def test_the_blocker_names_the_units_without_a_working_method(process):
    first, *rest = units_of(process)
    record(first, user("directeur"))
    (reason,) = step7_every_unit_has_a_working_method(step(process, 7))
    assert reason.startswith("4 units have no working method yet:")
    assert all(unit.name in reason for unit in rest) and first.name not in reason
    with pytest.raises(DomainError):
        services.step_complete_by_system(step=step(process, 7), summary="Done")


# --- pages ----------------------------------------------------------------------------


def overview_url(process):
    return reverse("units:working-method-overview", args=[process.pk])


def unit_url(process, unit):
    return reverse("units:working-method-unit", args=[process.pk, unit.pk])


def form_data(leader, meetings=None, **overrides):
    meetings = meetings if meetings is not None else [(soon(7).isoformat(), "16:00", "Aula", "")]
    data = {
        "leader": str(getattr(leader, "pk", leader)),
        "decision_mode": "consensus",
        "participation": "voluntary",
        "facilitation": "Replaces a team meeting",
        "hours_credited": "3",
        "meetings-TOTAL_FORMS": str(len(meetings) + 1),
        "meetings-INITIAL_FORMS": "0",
        "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "50",
    }
    for index, (date, time, place, note) in enumerate(meetings):
        data.update(
            {
                f"meetings-{index}-date": date,
                f"meetings-{index}-starts_at": time,
                f"meetings-{index}-place": place,
                f"meetings-{index}-note": note,
            }
        )
    data.update(overrides)
    return data


ROLES_OVERVIEW = [
    ("directeur", 200),
    ("pmr", 200),
    ("stuurgroep", 200),
    ("docent", 200),
    ("bestuur", 200),
    ("directeur.baken", 404),
    (None, 302),
]


@pytest.mark.parametrize(("local", "status"), ROLES_OVERVIEW)
def test_who_sees_the_overview(process, client, local, status):
    record(unit_named(process, "Leerlingzaken"), user("directeur"))
    if local:
        client.force_login(user(local))
    response = client.get(overview_url(process))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        # Everyone in the school sees who leads each unit.
        leader = WorkingMethod.objects.get().leader
        assert escape(leader.name) in page
        assert "1 of 5 units have recorded their working method" in page


def test_the_overview_takes_no_post(process, client):
    client.force_login(user("directeur"))
    assert client.post(overview_url(process)).status_code == 405


@pytest.mark.parametrize(
    ("local", "status"),
    [
        ("directeur", 200),
        ("pmr", 200),
        ("pmr2", 200),
        ("stuurgroep", 200),
        ("docent", 403),
        ("bestuur", 403),
        ("directeur.baken", 404),
        (None, 302),
    ],
)
def test_who_sees_a_units_working_method(process, client, local, status):
    if local:
        client.force_login(user(local))
    response = client.get(unit_url(process, unit_named(process, "Leerlingzaken")))
    assert response.status_code == status
    if status == 200:
        # The form only for those who may record: the director and the PMR.
        assert (b'name="leader"' in response.content) == (local in ("directeur", "pmr", "pmr2"))


@pytest.mark.parametrize(
    ("local", "status"),
    [
        ("directeur", 302),
        ("pmr", 302),
        ("stuurgroep", 403),
        ("docent", 403),
        ("bestuur", 403),
        ("directeur.baken", 404),
        (None, 302),
    ],
)
def test_who_records_a_units_working_method_on_the_page(process, client, local, status):
    unit = unit_named(process, "Leerlingzaken")
    if local:
        client.force_login(user(local))
    response = client.post(unit_url(process, unit), form_data(member_of(unit)))
    assert response.status_code == status
    assert WorkingMethod.objects.filter(unit=unit).exists() == (local in ("directeur", "pmr"))
    if local is None:
        assert "login" in response["Location"]


def test_a_member_records_from_the_page_and_sees_it(process, client):
    unit = unit_of(process, "docent")
    leader = staff_of(process, "docent")
    client.force_login(user("docent"))
    page = client.get(unit_url(process, unit))
    assert page.status_code == 200
    assert b"has not recorded its working method yet" in page.content
    # The unit's conversation groups (step 1) are shown.
    for group in unit.groups.all():
        assert escape(group.name) in page.content.decode()

    response = client.post(
        unit_url(process, unit),
        form_data(
            leader,
            meetings=[
                (soon(7).isoformat(), "16:00", "Aula", ""),
                (soon(21).isoformat(), "", "", "Vote"),
            ],
            decision_mode="vote",
        ),
    )
    assert response.status_code == 302
    method = WorkingMethod.objects.get(unit=unit)
    assert method.leader == leader and method.decision_mode == "vote"
    assert method.hours_credited == Decimal("3.00")
    assert method.meetings.count() == 2

    page = client.get(unit_url(process, unit)).content.decode()
    assert escape(leader.name) in page
    assert "by a vote in this application" in page
    assert "Aula" in page
    # The form shows what was recorded, ready to change.
    assert f'value="{soon(7).strftime("%d-%m-%Y")}"' in page  # day first (issue 15, item 5)

    # Another unit's page: the member may not even read it.
    other = other_unit_than(process, "docent")
    assert client.get(unit_url(process, other)).status_code == 403
    response = client.post(unit_url(process, other), form_data(member_of(other)))
    assert response.status_code == 403


def test_removing_a_meeting_on_the_page(process, client):
    unit = unit_of(process, "docent")
    client.force_login(user("docent"))
    meetings = [(soon(7).isoformat(), "", "", ""), (soon(14).isoformat(), "", "", "")]
    client.post(unit_url(process, unit), form_data(staff_of(process, "docent"), meetings))
    data = form_data(staff_of(process, "docent"), meetings)
    data["meetings-1-DELETE"] = "on"
    assert client.post(unit_url(process, unit), data).status_code == 302
    assert list(WorkingMethod.objects.get(unit=unit).meetings.values_list("date", flat=True)) == [
        soon(7)
    ]


def test_the_form_reports_errors(process, client):
    unit = unit_of(process, "docent")
    client.force_login(user("docent"))
    response = client.post(unit_url(process, unit), form_data("", decision_mode=""))
    assert response.status_code == 400
    assert b"Choose the conversation leader." in response.content
    assert b"Choose how the unit decides." in response.content

    # A leader from another unit is not among the choices.
    outsider = member_of(other_unit_than(process, "docent"))
    response = client.post(unit_url(process, unit), form_data(outsider))
    assert response.status_code == 400

    # The service's refusal is shown too.
    response = client.post(unit_url(process, unit), form_data(staff_of(process, "docent"), []))
    assert response.status_code == 400
    assert b"Give at least one meeting date." in response.content

    response = client.post(
        unit_url(process, unit),
        form_data(staff_of(process, "docent"), [("", "10:00", "Aula", "")]),
    )
    assert response.status_code == 400
    assert b"Give the date of this meeting." in response.content
    assert not WorkingMethod.objects.exists()


def test_the_page_before_step_7_opens(db, client):
    process = adopted_demo()
    unit = unit_of(process, "docent")
    client.force_login(user("docent"))
    response = client.get(unit_url(process, unit))
    assert response.status_code == 200
    assert b'name="leader"' not in response.content
    assert b"steps 5 and 6" in response.content
    response = client.post(unit_url(process, unit), form_data(staff_of(process, "docent")))
    assert response.status_code == 400
    assert not WorkingMethod.objects.exists()


def test_a_unit_of_another_process_is_not_found(process, client):
    baken = get_user_model().objects.get(email="directeur.baken@demo.werkdruk.nl")
    school = baken.school_roles.get().school
    elsewhere = Process.objects.filter(school=school).first() or services.process_create(
        school=school, school_year=process.school_year, actor=baken
    )
    other = OrganisationalUnit.objects.create(process=elsewhere, name="Elders")
    client.force_login(user("directeur"))
    assert client.get(unit_url(process, other)).status_code == 404


def test_the_step_page_links_the_overview(process, client):
    client.force_login(user("docent"))
    page = client.get(reverse("processes:step-detail", args=[process.pk, 7])).content.decode()
    assert overview_url(process) in page


def test_the_dashboard_asks_members_to_record_their_units_method(process, client):
    unit = unit_of(process, "docent")
    client.force_login(user("docent"))
    page = client.get(reverse("processes:dashboard")).content.decode()
    assert escape(f"Record the working method of your unit {unit.name}") in page
    assert unit_url(process, unit) in page

    record(unit, user("docent"))
    page = client.get(reverse("processes:dashboard")).content.decode()
    assert "Record the working method of your unit" not in page


def test_no_working_method_to_do_before_step_7_opens(db, client):
    adopted_demo()
    client.force_login(user("docent"))
    page = client.get(reverse("processes:dashboard")).content.decode()
    assert "Record the working method of your unit" not in page


# --- query counts ---------------------------------------------------------------------


def add_units(process, count):
    director = user("directeur")
    for index in range(count):
        unit = OrganisationalUnit.objects.create(process=process, name=f"Extra {index}")
        for _ in range(3):
            UnitMembership.objects.create(
                process=process,
                unit=unit,
                staff_member=StaffMemberFactory(school=process.school),
            )
        record(unit, director)


def measure(client, url, django_assert_num_queries, count):
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


OVERVIEW_QUERIES = 8  # 10 before issue 20: the reader's roles in one query, not three
UNIT_QUERIES = 11  # 13 before issue 20 (the same)


@pytest.mark.parametrize("local", ["directeur", "docent"])
def test_the_overview_query_count_does_not_grow_with_the_units(
    process, client, django_assert_num_queries, local
):
    for unit in units_of(process)[:3]:
        record(unit, user("directeur"))
    client.force_login(user(local))
    measure(client, overview_url(process), django_assert_num_queries, OVERVIEW_QUERIES)
    add_units(process, 12)
    measure(client, overview_url(process), django_assert_num_queries, OVERVIEW_QUERIES)


def test_the_unit_page_query_count_is_constant(process, client, django_assert_num_queries):
    unit = unit_of(process, "docent")
    record(unit, user("docent"))
    client.force_login(user("docent"))
    measure(client, unit_url(process, unit), django_assert_num_queries, UNIT_QUERIES)
    groups = list(unit.groups.all())
    for index in range(10):
        membership = UnitMembership.objects.create(
            process=process,
            unit=unit,
            staff_member=StaffMemberFactory(school=process.school),
            group=groups[index % len(groups)] if groups else None,
        )
        assert membership.pk
    record(
        unit,
        user("docent"),
        meetings=[MeetingData(date=soon(days)) for days in range(5, 25)],
    )
    measure(client, unit_url(process, unit), django_assert_num_queries, UNIT_QUERIES)
