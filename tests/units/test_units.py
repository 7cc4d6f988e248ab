# ruff: noqa: F811 - the procedure's fixtures are imported from tests.processes.conftest
"""Step 1: organisational units, conversation groups, placing staff, the blocker, copying
last year's units and the units section of the frozen agreement."""

import contextlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from processes import agreement
from processes import services as process_services
from processes.models import Decision, ProcessStep, SignOff
from tests.factories import SchoolYearFactory, StaffMemberFactory
from tests.processes.conftest import sign_both, step
from units.models import (
    ConversationGroup,
    OrganisationalUnit,
    StaffCategory,
    StaffMember,
    UnitMembership,
)
from units.selectors import units as selectors
from units.services import units as services
from units.steps.units import agreement_units_section, step1_everyone_in_one_unit
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db

Kind = OrganisationalUnit.Kind


def snapshot(process):
    """Everything step 1 stores, to prove a refused change left it as it was."""
    return (
        list(
            OrganisationalUnit.objects.filter(process=process)
            .order_by("pk")
            .values_list("pk", "name", "description", "kind")
        ),
        list(
            ConversationGroup.objects.filter(unit__process=process)
            .order_by("pk")
            .values_list("pk", "unit_id", "name")
        ),
        list(
            UnitMembership.objects.filter(process=process)
            .order_by("pk")
            .values_list("pk", "unit_id", "staff_member_id", "group_id")
        ),
        list(process.steps.order_by("number").values_list("number", "state", "revision")),
        Decision.objects.filter(process=process).count(),
    )


@pytest.fixture
def staff(school):
    return list(StaffMember.objects.filter(school=school).order_by("pk"))


@pytest.fixture
def op_unit(process, director):
    return services.unit_create(
        process=process, actor=director, name="OP", kind=Kind.FUNCTION_GROUP
    )


@pytest.fixture
def oop_unit(process, director):
    return services.unit_create(process=process, actor=director, name="OOP")


def place_everyone(process, unit, actor):
    staff = StaffMember.objects.filter(school=process.school, active=True)
    return services.unit_members_assign(unit=unit, actor=actor, staff_members=staff)


def unit_of(staff_member, process):
    return UnitMembership.objects.get(process=process, staff_member=staff_member).unit


# --- units ------------------------------------------------------------------------------


def test_unit_create_adds_a_unit_when_director_or_pmr(process, director, pmr):
    first = services.unit_create(
        process=process, actor=director, name="  Onderbouw   OP ", description=" Klas 1-3 "
    )
    second = services.unit_create(process=process, actor=pmr, name="OOP", kind=Kind.DEPARTMENT)
    assert (first.name, first.description, first.kind) == (
        "Onderbouw OP",
        "Klas 1-3",
        Kind.FUNCTION_GROUP,
    )
    assert second.kind == Kind.DEPARTMENT
    assert OrganisationalUnit.objects.filter(process=process).count() == 2


@pytest.mark.parametrize(
    "name,kind,message",
    [
        ("", Kind.THEME, "Give the unit a name."),
        ("   ", Kind.THEME, "Give the unit a name."),
        ("x" * 101, Kind.THEME, "at most 100 characters"),
        ("Nieuw", "committee", "Choose the kind of unit."),
        ("op", Kind.THEME, "There is already a unit named op."),
    ],
)
def test_unit_create_is_refused_and_saves_nothing_when_input_is_wrong(
    process, director, op_unit, name, kind, message
):
    before = snapshot(process)
    with pytest.raises(DomainError, match=message):
        services.unit_create(process=process, actor=director, name=name, kind=kind)
    assert snapshot(process) == before


@pytest.mark.parametrize("role", ["staff_user", "steering", "board_admin", "other_director"])
def test_unit_create_is_refused_when_actor_may_not_manage(request, process, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.unit_create(process=process, actor=user, name="OP")
    assert not OrganisationalUnit.objects.exists()


def test_unit_update_changes_name_description_and_kind_when_valid(op_unit, pmr):
    unit = services.unit_update(
        unit=op_unit, actor=pmr, name="Bovenbouw", description="Klas 4-6", kind=Kind.DEPARTMENT
    )
    unit.refresh_from_db()
    assert (unit.name, unit.description, unit.kind) == ("Bovenbouw", "Klas 4-6", Kind.DEPARTMENT)


def test_unit_update_is_refused_when_the_name_is_taken(process, op_unit, oop_unit, director):
    before = snapshot(process)
    with pytest.raises(DomainError, match="already a unit named OP"):
        services.unit_update(
            unit=oop_unit, actor=director, name="OP", description="", kind=Kind.THEME
        )
    assert snapshot(process) == before


def test_unit_update_may_keep_its_own_name_in_other_case(op_unit, director):
    unit = services.unit_update(
        unit=op_unit, actor=director, name="op", description="", kind="theme"
    )
    assert unit.name == "op"


def test_unit_update_is_refused_when_actor_is_staff(op_unit, staff_user):
    with pytest.raises(PermissionDenied):
        services.unit_update(unit=op_unit, actor=staff_user, name="X", description="", kind="theme")
    op_unit.refresh_from_db()
    assert op_unit.name == "OP"


def test_unit_delete_unassigns_its_members_and_deletes_its_groups(
    process, op_unit, oop_unit, director, staff
):
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff[:2])
    services.unit_members_assign(unit=oop_unit, actor=director, staff_members=staff[2:])
    services.group_create(unit=op_unit, actor=director, name="Sectie talen")
    assert services.unit_delete(unit=op_unit, actor=director) == 2
    assert list(OrganisationalUnit.objects.filter(process=process)) == [oop_unit]
    assert not ConversationGroup.objects.exists()
    assert set(UnitMembership.objects.values_list("staff_member", flat=True)) == {staff[2].pk}
    assert StaffMember.objects.filter(pk__in=[s.pk for s in staff]).count() == 3  # staff stay


def test_unit_delete_is_refused_when_actor_is_of_another_school(op_unit, other_director):
    with pytest.raises(PermissionDenied):
        services.unit_delete(unit=op_unit, actor=other_director)
    assert OrganisationalUnit.objects.filter(pk=op_unit.pk).exists()


def test_unit_delete_is_refused_when_the_unit_is_already_gone(op_unit, director):
    services.unit_delete(unit=op_unit, actor=director)
    with pytest.raises(DomainError, match="no longer exists"):
        services.unit_delete(unit=op_unit, actor=director)


# --- conversation groups ----------------------------------------------------------------


def test_group_create_rename_and_delete_when_director(op_unit, director, staff):
    group = services.group_create(unit=op_unit, actor=director, name="Talen")
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    services.group_members_assign(group=group, actor=director, staff_members=staff[:2])
    renamed = services.group_rename(group=group, actor=director, name="Moderne talen")
    assert ConversationGroup.objects.get(pk=group.pk).name == renamed.name == "Moderne talen"
    assert services.group_delete(group=group, actor=director) == 2
    assert not ConversationGroup.objects.exists()
    # Its members stay in the unit, in no group.
    assert list(UnitMembership.objects.values_list("unit", "group")) == [(op_unit.pk, None)] * 3


def test_group_create_is_refused_when_the_unit_has_that_name_already(process, op_unit, director):
    services.group_create(unit=op_unit, actor=director, name="Talen")
    before = snapshot(process)
    with pytest.raises(DomainError, match="already has a conversation group named talen"):
        services.group_create(unit=op_unit, actor=director, name="talen")
    with pytest.raises(DomainError, match="Give the conversation group a name"):
        services.group_create(unit=op_unit, actor=director, name=" ")
    assert snapshot(process) == before


def test_group_names_may_repeat_when_in_different_units(op_unit, oop_unit, director):
    services.group_create(unit=op_unit, actor=director, name="Groep 1")
    services.group_create(unit=oop_unit, actor=director, name="Groep 1")
    assert ConversationGroup.objects.filter(name="Groep 1").count() == 2


def test_group_rename_is_refused_when_the_name_is_taken(process, op_unit, director):
    services.group_create(unit=op_unit, actor=director, name="A")
    group_b = services.group_create(unit=op_unit, actor=director, name="B")
    before = snapshot(process)
    with pytest.raises(DomainError):
        services.group_rename(group=group_b, actor=director, name="a")
    assert snapshot(process) == before


def test_group_services_are_refused_when_actor_is_staff(op_unit, director, staff_user):
    group = services.group_create(unit=op_unit, actor=director, name="A")
    with pytest.raises(PermissionDenied):
        services.group_create(unit=op_unit, actor=staff_user, name="B")
    with pytest.raises(PermissionDenied):
        services.group_rename(group=group, actor=staff_user, name="B")
    with pytest.raises(PermissionDenied):
        services.group_delete(group=group, actor=staff_user)
    assert list(ConversationGroup.objects.values_list("name", flat=True)) == ["A"]


def test_group_members_assign_is_refused_when_someone_is_in_another_unit(
    process, op_unit, oop_unit, director, staff
):
    group = services.group_create(unit=op_unit, actor=director, name="Talen")
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff[:2])
    services.unit_members_assign(unit=oop_unit, actor=director, staff_members=staff[2:])
    before = snapshot(process)
    with pytest.raises(DomainError, match="Only members of OP can be in its conversation groups"):
        services.group_members_assign(group=group, actor=director, staff_members=staff)
    assert snapshot(process) == before


def test_group_members_assign_is_refused_when_someone_is_in_no_unit(
    process, op_unit, director, staff
):
    group = services.group_create(unit=op_unit, actor=director, name="Talen")
    with pytest.raises(DomainError, match="Only members of OP"):
        services.group_members_assign(group=group, actor=director, staff_members=staff[:1])


def test_group_members_assign_is_refused_when_a_member_is_inactive(
    process, op_unit, director, staff
):
    group = services.group_create(unit=op_unit, actor=director, name="Talen")
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    StaffMember.objects.filter(pk=staff[0].pk).update(active=False)
    before = snapshot(process)
    with pytest.raises(DomainError, match="no longer active"):
        services.group_members_assign(group=group, actor=director, staff_members=staff)
    assert snapshot(process) == before


def test_group_members_assign_moves_between_groups_of_the_unit_when_asked(op_unit, director, staff):
    group_a = services.group_create(unit=op_unit, actor=director, name="A")
    group_b = services.group_create(unit=op_unit, actor=director, name="B")
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    assert services.group_members_assign(group=group_a, actor=director, staff_members=staff) == 3
    assert services.group_members_assign(group=group_a, actor=director, staff_members=staff) == 0
    assert (
        services.group_members_assign(group=group_b, actor=director, staff_members=staff[:1]) == 1
    )
    assert UnitMembership.objects.filter(group=group_a).count() == 2
    assert UnitMembership.objects.filter(group=group_b).count() == 1


def test_group_member_remove_keeps_the_person_in_the_unit(op_unit, director, staff):
    group = services.group_create(unit=op_unit, actor=director, name="A")
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    services.group_members_assign(group=group, actor=director, staff_members=staff[:1])
    services.group_member_remove(group=group, actor=director, staff_member=staff[0])
    membership = UnitMembership.objects.get(staff_member=staff[0])
    assert (membership.unit, membership.group) == (op_unit, None)
    with pytest.raises(DomainError, match="not in conversation group A"):
        services.group_member_remove(group=group, actor=director, staff_member=staff[0])


# --- placing staff ----------------------------------------------------------------------


def test_unit_members_assign_places_staff_when_active_and_of_the_school(op_unit, director, staff):
    result = services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    assert sorted(result.added) == sorted(s.name for s in staff)
    assert result.moved == [] and result.unchanged == []
    assert UnitMembership.objects.filter(unit=op_unit).count() == 3


def test_unit_members_assign_accepts_a_queryset_and_pks(op_unit, director, school, staff):
    services.unit_members_assign(
        unit=op_unit, actor=director, staff_members=StaffMember.objects.filter(school=school)
    )
    result = services.unit_members_assign(
        unit=op_unit, actor=director, staff_members=[s.pk for s in staff]
    )
    assert result.changed == 0
    assert len(result.unchanged) == 3


def test_unit_members_assign_moves_a_person_when_already_in_another_unit(
    process, op_unit, oop_unit, director, staff
):
    group = services.group_create(unit=op_unit, actor=director, name="Talen")
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    services.group_members_assign(group=group, actor=director, staff_members=staff[:1])
    row = UnitMembership.objects.get(staff_member=staff[0])

    result = services.unit_members_assign(unit=oop_unit, actor=director, staff_members=staff[:1])

    assert result.moved == [(staff[0].name, "OP")]
    assert result.added == []
    moved = UnitMembership.objects.get(staff_member=staff[0])
    assert moved.pk == row.pk  # updated, never a second row
    assert (moved.unit, moved.group) == (oop_unit, None)  # the group belonged to OP
    assert UnitMembership.objects.filter(process=process).count() == 3


def test_unit_members_assign_is_refused_when_someone_is_inactive(process, op_unit, director, staff):
    StaffMember.objects.filter(pk=staff[1].pk).update(active=False)
    before = snapshot(process)
    with pytest.raises(DomainError, match=f"{staff[1].name} is no longer active"):
        services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    assert snapshot(process) == before  # not even the two active ones


def test_unit_members_assign_is_refused_when_someone_is_of_another_school(
    process, op_unit, director, staff, other_school
):
    stranger = StaffMemberFactory(school=other_school, name="Iemand Anders")
    before = snapshot(process)
    with pytest.raises(DomainError) as caught:
        services.unit_members_assign(unit=op_unit, actor=director, staff_members=[*staff, stranger])
    assert (
        caught.value.message == f"Only staff of {process.school.name} can be placed in its units."
    )
    assert "Iemand Anders" not in caught.value.message  # another school's names stay hidden
    assert snapshot(process) == before


def test_unit_members_assign_is_refused_when_nobody_is_selected(process, op_unit, director):
    with pytest.raises(DomainError, match="Select at least one staff member"):
        services.unit_members_assign(unit=op_unit, actor=director, staff_members=[])


def test_unit_members_assign_is_refused_when_actor_is_staff(op_unit, staff_user, staff):
    with pytest.raises(PermissionDenied):
        services.unit_members_assign(unit=op_unit, actor=staff_user, staff_members=staff)
    assert not UnitMembership.objects.exists()


def test_unit_member_remove_takes_a_person_out_when_in_the_unit(op_unit, director, staff):
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    services.unit_member_remove(unit=op_unit, actor=director, staff_member=staff[0])
    assert not UnitMembership.objects.filter(staff_member=staff[0]).exists()
    assert UnitMembership.objects.count() == 2


def test_unit_member_remove_is_refused_when_the_person_is_in_another_unit(
    process, op_unit, oop_unit, director, staff
):
    services.unit_members_assign(unit=oop_unit, actor=director, staff_members=staff[:1])
    before = snapshot(process)
    with pytest.raises(DomainError, match="This person is not in OP"):
        services.unit_member_remove(unit=op_unit, actor=director, staff_member=staff[0])
    assert snapshot(process) == before


def test_unit_members_remove_takes_out_nobody_when_one_is_not_in_the_unit(
    process, op_unit, director, staff
):
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff[:2])
    before = snapshot(process)
    with pytest.raises(DomainError, match="Not everyone selected is in OP"):
        services.unit_members_remove(unit=op_unit, actor=director, staff_members=staff)
    assert snapshot(process) == before


def test_unit_member_remove_works_when_the_person_is_no_longer_active(op_unit, director, staff):
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff)
    StaffMember.objects.filter(pk=staff[0].pk).update(active=False)
    services.unit_member_remove(unit=op_unit, actor=director, staff_member=staff[0])
    assert UnitMembership.objects.count() == 2


def test_database_refuses_a_second_unit_when_someone_is_placed_twice(
    process, op_unit, oop_unit, director, staff
):
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff[:1])
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitMembership.objects.create(process=process, unit=oop_unit, staff_member=staff[0])
    assert UnitMembership.objects.filter(staff_member=staff[0]).count() == 1


# --- selecting staff --------------------------------------------------------------------


@pytest.fixture
def mixed_staff(school):
    StaffMember.objects.filter(school=school).delete()
    return {
        "ana": StaffMemberFactory(
            school=school,
            name="Ana",
            category=StaffCategory.OP,
            function="docent",
            department="Talen",
        ),
        "bob": StaffMemberFactory(
            school=school,
            name="Bob",
            category=StaffCategory.OP,
            function="docent",
            department="Bèta",
        ),
        "cor": StaffMemberFactory(
            school=school,
            name="Cor",
            category=StaffCategory.OOP,
            function="conciërge",
            department="Facilitair",
        ),
        "dee": StaffMemberFactory(
            school=school,
            name="Dee",
            category=StaffCategory.MT,
            function="teamleider",
            department="Talen",
        ),
        "eef": StaffMemberFactory(
            school=school, name="Eef", category=StaffCategory.OP, department="Talen", active=False
        ),
    }


def names(queryset):
    return [s.name for s in queryset]


def test_staff_selection_by_category_function_department_and_hand(process, mixed_staff):
    assert names(selectors.staff_by_category(process=process, category="OP")) == ["Ana", "Bob"]
    assert names(selectors.staff_by_function(process=process, function="conciërge")) == ["Cor"]
    assert names(selectors.staff_by_department(process=process, department="Talen")) == [
        "Ana",
        "Dee",
    ]
    assert names(selectors.staff_select(process=process, category="OP", department="Talen")) == [
        "Ana"
    ]
    hand = [mixed_staff["bob"].pk, mixed_staff["eef"].pk]
    assert names(selectors.staff_select(process=process, pks=hand)) == ["Bob"]  # active only


def test_staff_selection_leaves_out_the_placed_when_unassigned_only(
    process, op_unit, director, mixed_staff
):
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=[mixed_staff["ana"]])
    assert names(selectors.unassigned_staff(process=process)) == ["Bob", "Cor", "Dee"]
    assert names(selectors.unassigned_staff(process=process, department="Talen")) == ["Dee"]


def test_staff_filter_options_list_functions_and_departments_of_active_staff(process, mixed_staff):
    options = selectors.staff_filter_options(process=process)
    assert options.functions == ["conciërge", "docent", "teamleider"]
    assert options.departments == ["Bèta", "Facilitair", "Talen"]


def test_bulk_assign_by_category_places_everyone_of_it(process, op_unit, director, mixed_staff):
    services.unit_members_assign(
        unit=op_unit,
        actor=director,
        staff_members=selectors.staff_by_category(process=process, category="OP"),
    )
    assert set(UnitMembership.objects.values_list("staff_member__name", flat=True)) == {
        "Ana",
        "Bob",
    }


# --- the blocker and the sign-off -------------------------------------------------------


def test_step1_is_blocked_when_there_are_no_units(process, director):
    reasons = step1_everyone_in_one_unit(step(process, 1))
    assert reasons == ["Define at least one organisational unit and place the staff in the units."]
    with pytest.raises(DomainError) as caught:
        process_services.step_sign_off(step=step(process, 1), actor=director)
    assert reasons[0] in caught.value.details
    assert not SignOff.objects.exists()


def test_step1_is_blocked_when_an_active_staff_member_is_in_no_unit(
    process, op_unit, director, staff
):
    services.unit_members_assign(unit=op_unit, actor=director, staff_members=staff[1:])
    reasons = step1_everyone_in_one_unit(step(process, 1))
    assert reasons == [f"1 active staff member is in no unit: {staff[0].name}."]
    with pytest.raises(DomainError):
        process_services.step_sign_off(step=step(process, 1), actor=director)
    assert not SignOff.objects.exists()


def test_step1_blocker_names_ten_and_counts_the_rest_when_many_are_unplaced(
    process, school, op_unit
):
    StaffMemberFactory.create_batch(12, school=school)
    names = sorted(school.staff_members.values_list("name", flat=True))
    (reason,) = step1_everyone_in_one_unit(step(process, 1))
    assert reason.startswith("15 active staff members are in no unit: ")
    assert reason.endswith(" and 5 more.")
    # Faker's names may themselves contain ", ": count the names, not the separators.
    assert sum(name in reason for name in names) == 10


def test_step1_is_blocked_when_an_inactive_staff_member_is_still_in_a_unit(
    process, op_unit, director, staff
):
    place_everyone(process, op_unit, director)
    StaffMember.objects.filter(pk=staff[0].pk).update(active=False)
    assert step1_everyone_in_one_unit(step(process, 1)) == [
        f"Remove {staff[0].name} from OP: no longer active."
    ]
    services.unit_member_remove(unit=op_unit, actor=director, staff_member=staff[0])
    assert step1_everyone_in_one_unit(step(process, 1)) == []


def test_step1_can_be_signed_off_when_everyone_is_placed(process, op_unit, director, pmr):
    place_everyone(process, op_unit, director)
    assert step1_everyone_in_one_unit(step(process, 1)) == []
    sign_both(process, 1, director, pmr)
    assert step(process, 1).state == ProcessStep.State.DONE
    assert step(process, 2).state == ProcessStep.State.OPEN


def test_step1_blocker_ignores_inactive_staff_in_no_unit(process, school, op_unit, director):
    StaffMemberFactory(school=school, active=False)
    place_everyone(process, op_unit, director)
    assert step1_everyone_in_one_unit(step(process, 1)) == []


# --- changes after a sign-off -----------------------------------------------------------


def test_change_after_both_sign_offs_reopens_step1_with_a_recorded_decision(
    process, op_unit, director, pmr, staff
):
    place_everyone(process, op_unit, director)
    sign_both(process, 1, director, pmr)
    assert step(process, 2).state == ProcessStep.State.OPEN

    services.unit_create(process=process, actor=pmr, name="MT")

    step1 = step(process, 1)
    assert (step1.state, step1.revision) == (ProcessStep.State.OPEN, 2)
    assert step(process, 2).state == ProcessStep.State.LOCKED
    decision = Decision.objects.get(action="processes.step.reopened", step_number=1)
    assert decision.grounds == "Changed after sign-off: unit MT added"
    assert decision.actor == pmr


def test_move_after_a_sign_off_names_the_move_in_the_recorded_decision(
    process, op_unit, oop_unit, director, pmr, staff
):
    place_everyone(process, op_unit, director)
    process_services.step_sign_off(step=step(process, 1), actor=director)
    services.unit_members_assign(unit=oop_unit, actor=pmr, staff_members=staff[:1])
    decision = Decision.objects.get(action="processes.step.reopened")
    assert decision.grounds == (
        f"Changed after sign-off: 1 staff member placed in OOP; moved: {staff[0].name} (from OP)"
    )
    assert not step(process, 1).sign_offs.filter(revision=2).exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda unit, user, staff: services.unit_update(
            unit=unit, actor=user, name="OP", description="", kind=Kind.FUNCTION_GROUP
        ),
        lambda unit, user, staff: services.unit_members_assign(
            unit=unit, actor=user, staff_members=staff
        ),
        lambda unit, user, staff: services.unit_create(process=unit.process, actor=user, name="op"),
    ],
    ids=["same-values", "already-placed", "refused"],
)
def test_step1_stays_signed_when_nothing_changes(process, op_unit, director, pmr, staff, change):
    place_everyone(process, op_unit, director)
    sign_both(process, 1, director, pmr)
    with contextlib.suppress(DomainError):
        change(op_unit, pmr, staff)
    assert step(process, 1).state == ProcessStep.State.DONE
    assert not Decision.objects.filter(action="processes.step.reopened").exists()


def test_every_kind_of_change_reopens_a_signed_step1(
    process, op_unit, oop_unit, director, pmr, staff
):
    place_everyone(process, op_unit, director)
    changes = [
        lambda: services.unit_update(
            unit=op_unit, actor=pmr, name="OP", description="nieuw", kind=Kind.FUNCTION_GROUP
        ),
        lambda: services.group_create(unit=op_unit, actor=pmr, name="G"),
        lambda: services.group_rename(
            group=ConversationGroup.objects.get(name="G"), actor=pmr, name="H"
        ),
        lambda: services.group_members_assign(
            group=ConversationGroup.objects.get(name="H"), actor=pmr, staff_members=staff[:1]
        ),
        lambda: services.group_member_remove(
            group=ConversationGroup.objects.get(name="H"), actor=pmr, staff_member=staff[0]
        ),
        lambda: services.group_delete(group=ConversationGroup.objects.get(name="H"), actor=pmr),
        lambda: services.unit_members_assign(unit=oop_unit, actor=pmr, staff_members=staff[:1]),
        lambda: services.unit_member_remove(unit=oop_unit, actor=pmr, staff_member=staff[0]),
        lambda: services.unit_delete(unit=oop_unit, actor=pmr),
    ]
    for number, change in enumerate(changes, start=1):
        unplaced = selectors.unassigned_staff(process=process)
        if unplaced.exists():  # the previous change took someone out
            services.unit_members_assign(unit=op_unit, actor=director, staff_members=unplaced)
        process_services.step_sign_off(step=step(process, 1), actor=director)
        change()
        assert step(process, 1).revision == number + 1, number
    assert Decision.objects.filter(action="processes.step.reopened").count() == len(changes)


# --- copying last year's units ----------------------------------------------------------


@pytest.fixture
def last_year(school, director, staff):
    """Last year's process of the school with two units, a group and everyone placed."""
    old = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    op = services.unit_create(
        process=old, actor=director, name="OP", description="Docenten", kind=Kind.DEPARTMENT
    )
    oop = services.unit_create(process=old, actor=director, name="OOP")
    group = services.group_create(unit=op, actor=director, name="Talen")
    services.unit_members_assign(unit=op, actor=director, staff_members=staff[:2])
    services.unit_members_assign(unit=oop, actor=director, staff_members=staff[2:])
    services.group_members_assign(group=group, actor=director, staff_members=staff[:1])
    return old


def structure(process):
    return sorted(
        (
            m.unit.name,
            m.unit.kind,
            m.unit.description,
            m.group.name if m.group else "",
            m.staff_member.email,
        )
        for m in UnitMembership.objects.filter(process=process).select_related(
            "unit", "group", "staff_member"
        )
    )


def test_process_created_from_last_year_gets_its_units_groups_and_members(
    school, director, last_year, staff
):
    new = process_services.process_create(
        school=school,
        school_year=SchoolYearFactory(start_year=2026),
        actor=director,
        copy_from=last_year,
    )
    assert structure(new) == structure(last_year)
    assert OrganisationalUnit.objects.filter(process=new).count() == 2
    assert ConversationGroup.objects.filter(unit__process=new).count() == 1
    decision = Decision.objects.get(process=new, action="units.units.copied")
    assert decision.content["not_placed"] == []
    assert step1_everyone_in_one_unit(step(new, 1)) == []


def test_copy_leaves_out_and_reports_staff_who_are_no_longer_active(
    school, director, last_year, staff
):
    StaffMember.objects.filter(pk=staff[0].pk).update(active=False)
    newcomer = StaffMemberFactory(school=school, name="Nieuwe Collega")
    new = process_services.process_create(
        school=school,
        school_year=SchoolYearFactory(start_year=2026),
        actor=director,
        copy_from=last_year,
    )
    placed = set(UnitMembership.objects.filter(process=new).values_list("staff_member", flat=True))
    assert placed == {staff[1].pk, staff[2].pk}
    decision = Decision.objects.get(process=new, action="units.units.copied")
    assert decision.content["not_placed"] == [staff[0].name]
    assert "could not be placed: 1" in decision.summary
    assert step1_everyone_in_one_unit(step(new, 1)) == [
        f"1 active staff member is in no unit: {newcomer.name}."
    ]


def test_process_created_from_a_year_without_units_gets_none(school, director):
    old = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    new = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2026), actor=director, copy_from=old
    )
    assert not OrganisationalUnit.objects.filter(process=new).exists()
    assert not Decision.objects.filter(action="units.units.copied").exists()


def test_units_copy_from_copies_into_a_process_without_units(
    school, director, pmr, last_year, process, staff
):
    result = services.units_copy_from(process=process, source=last_year, actor=pmr)
    assert (result.units, result.groups, result.placed, result.not_placed) == (2, 1, 3, [])
    assert structure(process) == structure(last_year)
    assert Decision.objects.get(process=process, action="units.units.copied").actor == pmr


def test_units_copy_from_is_refused_when_the_process_has_units(
    process, director, last_year, op_unit
):
    before = snapshot(process)
    with pytest.raises(DomainError, match="already has units"):
        services.units_copy_from(process=process, source=last_year, actor=director)
    assert snapshot(process) == before


def test_units_copy_from_is_refused_when_the_source_is_another_school_or_later(
    process, director, other_school, other_director
):
    foreign = process_services.process_create(
        school=other_school, school_year=SchoolYearFactory(start_year=2025), actor=other_director
    )
    services.unit_create(process=foreign, actor=other_director, name="OP")
    with pytest.raises(DomainError, match="earlier year of the same school"):
        services.units_copy_from(process=process, source=foreign, actor=director)
    with pytest.raises(DomainError, match="earlier year of the same school"):
        services.units_copy_from(process=process, source=process, actor=director)
    assert not OrganisationalUnit.objects.filter(process=process).exists()


def test_units_copy_from_is_refused_when_the_source_has_no_units(school, process, director):
    old = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    with pytest.raises(DomainError, match="has no units to copy"):
        services.units_copy_from(process=process, source=old, actor=director)


def test_units_copy_from_is_refused_when_actor_is_staff(process, last_year, staff_user):
    with pytest.raises(PermissionDenied):
        services.units_copy_from(process=process, source=last_year, actor=staff_user)
    assert not OrganisationalUnit.objects.filter(process=process).exists()


def test_previous_process_with_units_is_found_only_when_it_has_units(
    school, process, director, staff
):
    assert selectors.previous_process_with_units(process=process) is None
    old = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    assert selectors.previous_process_with_units(process=process) is None
    services.unit_create(process=old, actor=director, name="OP")
    assert selectors.previous_process_with_units(process=process) == old


# --- the frozen agreement's section ---------------------------------------------------


def test_agreement_section_lists_units_in_name_order_with_counts_fte_and_groups(
    process, school, director
):
    StaffMember.objects.filter(school=school).delete()
    op = [
        StaffMemberFactory(school=school, category=StaffCategory.OP, fte=Decimal("0.8")),
        StaffMemberFactory(school=school, category=StaffCategory.OP, fte=Decimal("0.4167")),
        StaffMemberFactory(school=school, category=StaffCategory.MT, fte=Decimal("1")),
    ]
    oop = [StaffMemberFactory(school=school, category=StaffCategory.OOP, fte=Decimal("0.5"))]
    unit_b = services.unit_create(
        process=process, actor=director, name="Bovenbouw", description="Klas 4-6", kind=Kind.THEME
    )
    unit_a = services.unit_create(process=process, actor=director, name="Afdeling OOP")
    services.unit_members_assign(unit=unit_b, actor=director, staff_members=op)
    services.unit_members_assign(unit=unit_a, actor=director, staff_members=oop)
    group = services.group_create(unit=unit_b, actor=director, name="Talen")
    services.group_create(unit=unit_b, actor=director, name="Bèta")
    services.group_members_assign(group=group, actor=director, staff_members=op[:2])

    section = agreement_units_section(process)

    assert section == [
        {
            "name": "Afdeling OOP",
            "kind": {"code": "function_group", "label": "function group"},
            "description": "",
            "staff_count": 1,
            "fte": "0.5000",
            "categories": {"OP": 0, "OOP": 1, "MT": 0},
            "groups": [],
        },
        {
            "name": "Bovenbouw",
            "kind": {"code": "theme", "label": "theme"},
            "description": "Klas 4-6",
            "staff_count": 3,
            "fte": "2.2167",
            "categories": {"OP": 2, "OOP": 0, "MT": 1},
            "groups": [
                {"name": "Bèta", "member_count": 0},
                {"name": "Talen", "member_count": 2},
            ],
        },
    ]
    content = agreement.agreement_content(process)
    assert content["sections"]["units"] == section
    agreement.content_hash(content)  # JSON-ready


def test_agreement_section_is_registered_with_its_template():
    (units,) = [s for s in agreement.sections() if s.key == "units"]
    assert units.order == 10
    assert units.template == "units/includes/_agreement_units.html"


def test_agreement_section_labels_are_in_the_school_language(process, director, settings):
    from django.utils import translation

    services.unit_create(process=process, actor=director, name="OP", kind=Kind.THEME)
    settings.LANGUAGE_CODE = "nl"
    with translation.override("en"):
        (unit,) = agreement_units_section(process)
    with translation.override("nl"):
        expected = str(OrganisationalUnit.Kind.THEME.label)
    assert unit["kind"]["label"] == expected


def test_agreement_template_renders_the_section_as_a_table(process, director, staff):
    from django.template.loader import render_to_string

    unit = services.unit_create(process=process, actor=director, name="Onderbouw")
    services.unit_members_assign(unit=unit, actor=director, staff_members=staff)
    services.group_create(unit=unit, actor=director, name="Team 1")
    html = render_to_string(
        "units/includes/_agreement_units.html", {"section": agreement_units_section(process)}
    )
    assert "<table" in html and "Onderbouw" in html and "Team 1 (0 members)" in html
    assert "<script" not in html


def test_names_text_shortens_long_lists():
    assert services.names_text(["A", "B"]) == "A, B"
    assert services.names_text([str(n) for n in range(12)], limit=10) == (
        "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more"
    )
