# ruff: noqa: F811 - the procedure's fixtures are imported from tests.processes.conftest
"""The pages of step 1: the list of units, one unit, who may see and change them, and their
query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from processes import services as process_services
from processes.models import Decision
from tests.factories import SchoolYearFactory, StaffMemberFactory
from tests.processes.conftest import sign_both, step
from units.models import (
    ConversationGroup,
    OrganisationalUnit,
    StaffCategory,
    StaffMember,
    UnitMembership,
)
from units.services import units as services

pytestmark = pytest.mark.django_db

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
CAN_VIEW = [302, 200, 200, 200, 200, 200, 404, 404]
CAN_CHANGE = [302, 403, 302, 302, 403, 403, 404, 404]


def login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def stored(process):
    """What step 1 stores, to prove a refused request changed nothing."""
    return (
        sorted(
            OrganisationalUnit.objects.filter(process=process).values_list("pk", "name", "kind")
        ),
        sorted(ConversationGroup.objects.filter(unit__process=process).values_list("pk", "name")),
        sorted(
            UnitMembership.objects.filter(process=process).values_list(
                "staff_member", "unit", "group"
            )
        ),
        Decision.objects.filter(process=process).count(),
    )


@pytest.fixture
def units(process, director):
    """OP with the school's three staff (the first in group G), and an empty OOP."""
    op = services.unit_create(process=process, actor=director, name="OP")
    oop = services.unit_create(process=process, actor=director, name="OOP", kind="department")
    staff = list(StaffMember.objects.filter(school=process.school).order_by("pk"))
    services.unit_members_assign(unit=op, actor=director, staff_members=staff)
    group = services.group_create(unit=op, actor=director, name="G")
    services.group_members_assign(group=group, actor=director, staff_members=staff[:1])
    return {"op": op, "oop": oop, "group": group, "staff": staff}


def list_url(process):
    return reverse("units:unit-list", args=[process.pk])


def detail_url(unit):
    return reverse("units:unit-detail", args=[unit.process_id, unit.pk])


# --- who may see and change what ------------------------------------------------------


@pytest.mark.parametrize("page", ["unit-list", "unit-detail"])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_get_permission_matrix(client, request, process, units, page, index, role):
    login(client, request, role)
    url = list_url(process) if page == "unit-list" else detail_url(units["op"])
    response = client.get(url)
    assert response.status_code == CAN_VIEW[index], (page, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def _post(name, process, units):
    op, oop, group, staff = units["op"], units["oop"], units["group"], units["staff"]
    unit_args = [process.pk, op.pk]
    group_args = [process.pk, op.pk, group.pk]
    return {
        "unit-create": (
            reverse("units:unit-create", args=[process.pk]),
            {"name": "MT", "kind": "theme"},
        ),
        "unit-assign": (
            reverse("units:unit-assign", args=[process.pk]),
            {"mode": "filter", "unit": oop.pk, "category": "OP", "include_assigned": "on"},
        ),
        "unit-update": (
            reverse("units:unit-update", args=unit_args),
            {"name": "OP bovenbouw", "kind": "department", "description": "x"},
        ),
        "unit-delete": (reverse("units:unit-delete", args=unit_args), {}),
        "unit-members": (
            reverse("units:unit-members", args=unit_args),
            {"action": "move", "staff": [staff[1].pk], "target_unit": oop.pk},
        ),
        "group-create": (reverse("units:group-create", args=unit_args), {"group-name": "H"}),
        "group-rename": (reverse("units:group-rename", args=group_args), {"rename-name": "H"}),
        "group-delete": (reverse("units:group-delete", args=group_args), {}),
        "group-member-remove": (
            reverse("units:group-member-remove", args=group_args),
            {"staff_member": staff[0].pk},
        ),
    }[name]


POSTS = [
    "unit-create",
    "unit-assign",
    "unit-update",
    "unit-delete",
    "unit-members",
    "group-create",
    "group-rename",
    "group-delete",
    "group-member-remove",
]


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_post_permission_matrix(client, request, process, units, name, index, role):
    login(client, request, role)
    url, data = _post(name, process, units)
    before = stored(process)
    response = client.post(url, data)
    assert response.status_code == CAN_CHANGE[index], (name, role, response.content[:2000])
    if CAN_CHANGE[index] == 302 and role != "anonymous":
        assert stored(process) != before, name  # the change was made
    else:
        assert stored(process) == before, name


@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_copy_permission_matrix(client, request, school, process, director, index, role):
    old = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    services.unit_create(process=old, actor=director, name="OP")
    login(client, request, role)
    response = client.post(reverse("units:unit-copy", args=[process.pk]))
    assert response.status_code == CAN_CHANGE[index], role
    copied = OrganisationalUnit.objects.filter(process=process).exists()
    assert copied == (role in ("director", "pmr"))


def test_unit_of_another_process_is_not_found_when_addressed_through_this_one(
    client, school, process, units, director, other_school, other_director
):
    foreign = process_services.process_create(
        school=other_school, school_year=process.school_year, actor=other_director
    )
    foreign_unit = services.unit_create(process=foreign, actor=other_director, name="X")
    client.force_login(director)
    assert (
        client.get(reverse("units:unit-detail", args=[process.pk, foreign_unit.pk])).status_code
        == 404
    )
    url = reverse("units:unit-delete", args=[process.pk, foreign_unit.pk])
    assert client.post(url).status_code == 404
    assert OrganisationalUnit.objects.filter(pk=foreign_unit.pk).exists()


def test_group_of_another_unit_is_not_found_when_addressed_through_this_one(
    client, process, units, director
):
    other_group = services.group_create(unit=units["oop"], actor=director, name="O")
    client.force_login(director)
    url = reverse("units:group-delete", args=[process.pk, units["op"].pk, other_group.pk])
    assert client.post(url).status_code == 404
    assert ConversationGroup.objects.filter(pk=other_group.pk).exists()


def test_actions_refuse_get_when_they_change_something(client, process, units, director):
    client.force_login(director)
    assert client.get(reverse("units:unit-create", args=[process.pk])).status_code == 405
    assert (
        client.get(reverse("units:unit-delete", args=[process.pk, units["op"].pk])).status_code
        == 405
    )


# --- the list of units ----------------------------------------------------------------


def test_step_page_links_to_the_units_page(client, process, director):
    client.force_login(director)
    response = client.get(reverse("processes:step-detail", args=[process.pk, 1]))
    assert list_url(process) in response.content.decode()
    assert "Organisational units" in response.content.decode()


def test_list_shows_units_with_counts_and_the_unplaced_when_director(
    client, school, process, units, director
):
    newcomer = StaffMemberFactory(school=school, name="Nieuwe Collega", department="Talen")
    client.force_login(director)
    html = client.get(list_url(process)).content.decode()
    assert "OP" in html and "OOP" in html
    assert "Staff without a unit (1)" in html
    assert "Nieuwe Collega" in html
    assert f"1 active staff member is in no unit: {newcomer.name}." in html
    assert reverse("units:unit-create", args=[process.pk]) in html
    assert 'data-testid="theme-warning"' not in html


def test_list_filters_the_unplaced_by_category_function_and_department(
    client, school, process, director
):
    StaffMember.objects.filter(school=school).delete()
    StaffMemberFactory(school=school, name="Ans Docent", department="Talen", function="docent")
    StaffMemberFactory(
        school=school, name="Bert Conciërge", category=StaffCategory.OOP, function="conciërge"
    )
    client.force_login(director)
    html = client.get(list_url(process), {"category": "OOP"}).content.decode()
    assert "Bert Conciërge" in html and "Ans Docent" not in html
    html = client.get(list_url(process), {"department": "Talen"}).content.decode()
    assert "Ans Docent" in html and "Bert Conciërge" not in html
    html = client.get(list_url(process), {"function": "conciërge"}).content.decode()
    assert "Bert Conciërge" in html and "Ans Docent" not in html


def test_list_shows_advice_when_a_unit_is_a_theme(client, process, director):
    services.unit_create(process=process, actor=director, name="ICT", kind="theme")
    client.force_login(director)
    html = client.get(list_url(process)).content.decode()
    assert 'data-testid="theme-warning"' in html
    assert "Unit ICT is formed around a theme." in html


def test_list_is_read_only_when_staff_member(client, school, process, units, staff_user):
    StaffMemberFactory(school=school, name="Nieuwe Collega")
    client.force_login(staff_user)
    html = client.get(list_url(process)).content.decode()
    assert "OP" in html
    assert '<form method="post"' not in html.split('id="main"')[1]
    assert "Staff without a unit" not in html  # placing staff is for the director and PMR
    assert 'name="staff"' not in html


def test_unit_create_through_the_page_opens_the_new_unit(client, process, director):
    client.force_login(director)
    response = client.post(
        reverse("units:unit-create", args=[process.pk]),
        {"name": "Onderbouw", "kind": "department", "description": ""},
    )
    unit = OrganisationalUnit.objects.get(process=process, name="Onderbouw")
    assert response.status_code == 302
    assert response.url == detail_url(unit)


def test_unit_create_through_the_page_shows_the_refusal_when_the_name_is_taken(
    client, process, units, director
):
    client.force_login(director)
    before = stored(process)
    response = client.post(
        reverse("units:unit-create", args=[process.pk]), {"name": "op", "kind": "theme"}
    )
    assert response.status_code == 400
    assert "There is already a unit named op." in response.content.decode()
    assert stored(process) == before


def test_assign_by_hand_places_the_ticked_and_keeps_the_filter(client, school, process, director):
    StaffMember.objects.filter(school=school).delete()
    ans = StaffMemberFactory(school=school, name="Ans", department="Talen")
    bert = StaffMemberFactory(school=school, name="Bert", department="Talen")
    unit = services.unit_create(process=process, actor=director, name="Talen")
    client.force_login(director)
    response = client.post(
        reverse("units:unit-assign", args=[process.pk]),
        {"mode": "hand", "unit": unit.pk, "staff": [ans.pk], "department": "Talen"},
    )
    assert response.status_code == 302
    assert response.url == list_url(process) + "?department=Talen"
    assert list(UnitMembership.objects.values_list("staff_member", flat=True)) == [ans.pk]
    assert bert.unit_memberships.count() == 0


def test_assign_by_category_leaves_the_placed_alone_unless_asked(
    client, school, process, units, director
):
    newcomer = StaffMemberFactory(school=school, category=StaffCategory.OP)
    client.force_login(director)
    url = reverse("units:unit-assign", args=[process.pk])
    response = client.post(url, {"mode": "filter", "unit": units["oop"].pk, "category": "OP"})
    assert response.status_code == 302
    assert set(units["oop"].memberships.values_list("staff_member", flat=True)) == {newcomer.pk}
    client.post(
        url,
        {"mode": "filter", "unit": units["oop"].pk, "category": "OP", "include_assigned": "on"},
    )
    assert units["oop"].memberships.count() == 4
    assert UnitMembership.objects.filter(process=process).count() == 4  # moved, not doubled


@pytest.mark.parametrize(
    "data,message",
    [
        ({"mode": "hand", "staff": []}, "Tick at least one person."),
        ({"mode": "filter"}, "Choose a category, a function or a department."),
        ({"mode": "filter", "category": "MT"}, "Select at least one staff member."),
    ],
)
def test_assign_through_the_page_is_refused_with_a_reason_when_input_is_wrong(
    client, process, units, director, data, message
):
    client.force_login(director)
    before = stored(process)
    response = client.post(
        reverse("units:unit-assign", args=[process.pk]), {"unit": units["oop"].pk, **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored(process) == before


def test_assign_through_the_page_is_refused_when_someone_is_inactive(
    client, school, process, units, director
):
    gone = StaffMemberFactory(school=school, name="Oud Collega", active=False)
    client.force_login(director)
    before = stored(process)
    response = client.post(
        reverse("units:unit-assign", args=[process.pk]),
        {"mode": "hand", "unit": units["oop"].pk, "staff": [gone.pk, units["staff"][0].pk]},
    )
    assert response.status_code == 400
    assert "Oud Collega is no longer active" in response.content.decode()
    assert stored(process) == before


def test_assign_through_the_page_is_refused_when_someone_is_of_another_school(
    client, process, units, director, other_school
):
    stranger = StaffMemberFactory(school=other_school)
    client.force_login(director)
    before = stored(process)
    response = client.post(
        reverse("units:unit-assign", args=[process.pk]),
        {"mode": "hand", "unit": units["oop"].pk, "staff": [stranger.pk]},
    )
    assert response.status_code == 400
    assert stored(process) == before


def test_copy_button_appears_when_last_year_has_units(client, school, process, director):
    client.force_login(director)
    assert "Copy last year" not in client.get(list_url(process)).content.decode()
    old = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    services.unit_create(process=old, actor=director, name="OP")
    html = client.get(list_url(process)).content.decode()
    assert "Copy last year's units (2025-2026)" in html
    response = client.post(reverse("units:unit-copy", args=[process.pk]), follow=True)
    assert "1 unit copied from 2025-2026" in response.content.decode()
    assert "Copy last year" not in response.content.decode()  # it has units now


def test_copy_through_the_page_is_refused_when_there_is_nothing_to_copy(client, process, director):
    client.force_login(director)
    response = client.post(reverse("units:unit-copy", args=[process.pk]))
    assert response.status_code == 400
    assert "There are no units of last year to copy." in response.content.decode()


def test_list_warns_that_changes_reopen_the_step_when_it_is_signed_off(
    client, process, units, director, pmr
):
    sign_both(process, 1, director, pmr)
    client.force_login(director)
    html = client.get(list_url(process)).content.decode()
    assert "Any change here reopens it" in html
    client.post(reverse("units:unit-create", args=[process.pk]), {"name": "MT", "kind": "theme"})
    assert step(process, 1).state == "open"
    assert Decision.objects.filter(action="processes.step.reopened").exists()


# --- one unit -------------------------------------------------------------------------


def test_detail_shows_members_groups_and_forms_when_director(client, process, units, director):
    client.force_login(director)
    html = client.get(detail_url(units["op"])).content.decode()
    for member in units["staff"]:
        assert escape(member.name) in html
    assert "G (1 member)" in html
    assert reverse("units:unit-members", args=[process.pk, units["op"].pk]) in html


def test_detail_hides_names_when_staff_member_of_another_unit(client, process, units, staff_user):
    client.force_login(staff_user)
    html = client.get(detail_url(units["op"])).content.decode()
    assert 'data-testid="members-hidden"' in html
    assert all(escape(member.name) not in html for member in units["staff"])
    assert '<form method="post"' not in html.split('id="main"')[1]


def test_detail_is_read_only_and_hides_fte_when_member_of_the_unit(
    client, process, units, staff_user
):
    from units.models import StaffMember, UnitMembership

    own = StaffMember.objects.get(user=staff_user)
    UnitMembership.objects.create(process=process, unit=units["op"], staff_member=own)
    client.force_login(staff_user)
    html = client.get(detail_url(units["op"])).content.decode()
    assert escape(units["staff"][0].name) in html
    assert '<form method="post"' not in html.split('id="main"')[1]
    assert ">fte<" not in html


def test_members_move_through_the_page_moves_them(client, process, units, director):
    client.force_login(director)
    staff = units["staff"]
    response = client.post(
        reverse("units:unit-members", args=[process.pk, units["op"].pk]),
        {"action": "move", "staff": [staff[0].pk, staff[1].pk], "target_unit": units["oop"].pk},
    )
    assert response.status_code == 302
    assert set(units["oop"].memberships.values_list("staff_member", flat=True)) == {
        staff[0].pk,
        staff[1].pk,
    }
    assert UnitMembership.objects.get(staff_member=staff[0]).group is None


def test_members_group_and_remove_through_the_page(client, process, units, director):
    client.force_login(director)
    staff = units["staff"]
    url = reverse("units:unit-members", args=[process.pk, units["op"].pk])
    response = client.post(
        url, {"action": "group", "staff": [staff[1].pk], "group": units["group"].pk}
    )
    assert response.status_code == 302
    assert units["group"].memberships.count() == 2
    response = client.post(url, {"action": "remove", "staff": [staff[2].pk]})
    assert response.status_code == 302
    assert not UnitMembership.objects.filter(staff_member=staff[2]).exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"action": "move"}, "Tick at least one member."),
        ({"action": "move", "staff": "first"}, "Choose the unit to move them to."),
        ({"action": "group", "staff": "first"}, "Choose the conversation group."),
        ({"action": "remove", "staff": "stranger"}, "Select a valid choice."),
    ],
)
def test_members_action_is_refused_with_a_reason_when_input_is_wrong(
    client, process, units, director, other_school, data, message
):
    stranger = StaffMemberFactory(school=other_school)
    pks = {"first": units["staff"][0].pk, "stranger": stranger.pk}
    data = {k: pks.get(v, v) for k, v in data.items()}
    client.force_login(director)
    before = stored(process)
    response = client.post(reverse("units:unit-members", args=[process.pk, units["op"].pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored(process) == before


def test_group_actions_through_the_page(client, process, units, director):
    client.force_login(director)
    op, group = units["op"], units["group"]
    client.post(reverse("units:group-create", args=[process.pk, op.pk]), {"group-name": "Team 2"})
    assert op.groups.filter(name="Team 2").exists()
    args = [process.pk, op.pk, group.pk]
    client.post(reverse("units:group-rename", args=args), {"rename-name": "Team 1"})
    group.refresh_from_db()
    assert group.name == "Team 1"
    response = client.post(reverse("units:group-rename", args=args), {"rename-name": "team 2"})
    assert response.status_code == 400
    assert "already has a conversation group named team 2" in response.content.decode()
    client.post(
        reverse("units:group-member-remove", args=args), {"staff_member": units["staff"][0].pk}
    )
    assert group.memberships.count() == 0
    client.post(reverse("units:group-delete", args=args))
    assert not ConversationGroup.objects.filter(pk=group.pk).exists()


def test_unit_update_and_delete_through_the_page(client, process, units, director):
    client.force_login(director)
    op = units["op"]
    response = client.post(
        reverse("units:unit-update", args=[process.pk, op.pk]),
        {"name": "Docenten", "kind": "department", "description": "Alle docenten"},
    )
    assert response.status_code == 302
    op.refresh_from_db()
    assert (op.name, op.kind, op.description) == ("Docenten", "department", "Alle docenten")
    response = client.post(reverse("units:unit-delete", args=[process.pk, op.pk]), follow=True)
    assert (
        "Unit Docenten has been deleted; 3 people are now in no unit." in response.content.decode()
    )
    assert not UnitMembership.objects.filter(process=process).exists()


# --- query counts ---------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(school, process, units, director, count):
    """Add ``count`` staff: half placed over the units and groups, a few inactive in a unit."""
    new = StaffMemberFactory.create_batch(
        count,
        school=school,
        category=StaffCategory.OOP,
        department=factory_department(),
        function="medewerker",
    )
    placed = new[: count // 2]
    services.unit_members_assign(unit=units["op"], actor=director, staff_members=placed)
    services.group_members_assign(group=units["group"], actor=director, staff_members=placed[:5])
    StaffMember.objects.filter(pk__in=[s.pk for s in placed[-3:]]).update(active=False)


def factory_department():
    import factory

    return factory.Iterator(["Talen", "Bèta", "Facilitair", "Administratie"])


@pytest.mark.parametrize(
    "role,page,expected",
    [
        # 2 fewer each since issue 20: the reader's roles in one query, not three
        ("director", "list", 13),
        ("director", "detail", 9),  # 1 fewer: the unit and the other units in one query
        ("staff_user", "list", 11),
        ("staff_user", "detail", 9),
    ],
)
def test_query_count_does_not_grow_with_staff(
    client, request, school, process, units, director, role, page, expected
):
    user = request.getfixturevalue(role)
    url = list_url(process) if page == "list" else detail_url(units["op"])
    client.force_login(user)
    _grow(school, process, units, director, 10)
    client.get(url)  # warm up session and caches
    small = _count(client, url)
    _grow(school, process, units, director, 200)
    large = _count(client, url)
    assert (small, large) == (expected, expected)
