"""Conversation groups across units and the generator of the guide's four kinds of grouping
(issue 18, item 5)."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from processes.services import in_school_language
from tests.factories import StaffMemberFactory
from units.grouping import Kind, Person, propose
from units.models import ConversationGroup, OrganisationalUnit, UnitMembership
from units.selectors.conversations import conversation_people
from units.selectors.working_method import working_method_page
from units.services import conversations as services
from werkdruk.exceptions import DomainError

SIZES = {"Bèta": 13, "Talen": 9, "OOP": 7, "Directie": 2}


def people(sizes=SIZES):
    result, pk = [], 0
    for unit_id, (unit, size) in enumerate(sizes.items(), start=1):
        for index in range(size):
            pk += 1
            result.append(Person(pk, f"{unit} {index:02}", unit_id, unit))
    return result


def members_of(proposal):
    return [p.staff_member_id for group in proposal for p in group.members]


# --- the generator, pure --------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
def test_everyone_is_in_exactly_one_group(kind):
    everyone = people()
    proposal = propose(everyone, kind, seed=7)
    placed = members_of(proposal)
    assert Counter(placed) == Counter(p.staff_member_id for p in everyone)
    assert [group.number for group in proposal] == list(range(1, len(proposal) + 1))


@pytest.mark.parametrize("kind", Kind.values)
def test_nobody_gives_no_groups(kind):
    assert propose([], kind, seed=1) == []


def test_small_homogeneous_groups_stay_within_one_unit_with_four_to_six():
    proposal = propose(people(), Kind.SMALL_HOMOGENEOUS)
    for group in proposal:
        assert len(group.unit_names) == 1 and group.unit_id == group.members[0].unit_id
    sizes = {unit: [] for unit in SIZES}
    for group in proposal:
        sizes[group.unit_name].append(len(group.members))
    assert sorted(sizes["Bèta"]) == [4, 4, 5]
    assert sorted(sizes["Talen"]) == [4, 5]
    assert sizes["OOP"] == [7]  # too few for two groups: one group of the unit
    assert sizes["Directie"] == [2]


@pytest.mark.parametrize("size", range(8, 40))
def test_small_groups_have_four_to_six_from_eight_people(size):
    for kind in (Kind.SMALL_HOMOGENEOUS, Kind.SMALL_HETEROGENEOUS):
        proposal = propose(people({"A": size}), kind, seed=size)
        assert all(4 <= len(group.members) <= 6 for group in proposal), kind


@pytest.mark.parametrize("size", range(16, 60))
def test_medium_groups_have_eight_to_twelve(size):
    proposal = propose(people({"A": size // 2, "B": size - size // 2}), Kind.MEDIUM)
    assert all(8 <= len(group.members) <= 12 for group in proposal)


def test_medium_groups_keep_neighbouring_units_together():
    proposal = propose(people(), Kind.MEDIUM)
    assert [len(group.members) for group in proposal] == [11, 10, 10]
    # Clusters, half homogeneous: a unit is cut at most once, never scattered.
    for unit in SIZES:
        assert sum(unit in group.unit_names for group in proposal) <= 2
    assert proposal[0].unit_names == ["Bèta"]


def test_small_heterogeneous_groups_mix_the_units():
    proposal = propose(people(), Kind.SMALL_HETEROGENEOUS, seed=3)
    assert len(proposal) == 6
    assert all(4 <= len(group.members) <= 6 for group in proposal)
    assert all(len(group.unit_names) >= 2 for group in proposal)
    assert all(group.unit_id is None for group in proposal)


def test_the_random_proposal_is_reproducible_with_its_seed():
    first = propose(people(), Kind.SMALL_HETEROGENEOUS, seed=42)
    again = propose(list(reversed(people())), Kind.SMALL_HETEROGENEOUS, seed=42)
    assert [members_of([g]) for g in first] == [members_of([g]) for g in again]
    other = propose(people(), Kind.SMALL_HETEROGENEOUS, seed=43)
    assert [members_of([g]) for g in first] != [members_of([g]) for g in other]


def test_large_groups_are_at_least_a_whole_unit_and_mixed():
    proposal = propose(people(), Kind.LARGE_HETEROGENEOUS)
    assert len(proposal) == 2  # 31 people, groups of at least 15
    assert all(len(group.members) >= 15 for group in proposal)
    assert all(len(group.unit_names) >= 3 for group in proposal)
    big = people({"A": 40, "B": 5})
    assert all(len(g.members) >= 40 for g in propose(big, Kind.LARGE_HETEROGENEOUS))
    small_school = people({"A": 4, "B": 3})
    assert len(propose(small_school, Kind.LARGE_HETEROGENEOUS)) == 1


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        propose(people(), "huge")


# --- storing a proposal ---------------------------------------------------------------


@pytest.fixture
def placed(process, school):
    """Units with placed staff: 7 in Bèta, 5 in Talen, 2 in Directie (14)."""
    made = {}
    for name, size in (("Bèta", 7), ("Talen", 5), ("Directie", 2)):
        unit = OrganisationalUnit.objects.create(process=process, name=name)
        made[name] = unit
        for _ in range(size):
            member = StaffMemberFactory(school=school)
            UnitMembership.objects.create(process=process, unit=unit, staff_member=member)
    return made


def test_accepting_a_mixed_proposal_makes_cross_unit_groups(process, placed, director):
    old = ConversationGroup.objects.create(unit=placed["Bèta"], name="Old")
    UnitMembership.objects.filter(unit=placed["Bèta"]).update(group=old)
    groups = services.conversation_groups_accept(
        process=process, actor=director, kind=Kind.SMALL_HETEROGENEOUS, seed=5
    )
    assert len(groups) == 3
    assert not ConversationGroup.objects.filter(pk=old.pk).exists()
    assert all(g.unit_id is None and g.process_id == process.pk for g in groups)
    memberships = UnitMembership.objects.filter(process=process)
    assert not memberships.filter(group__isnull=True).exists()
    for group in groups:
        units = set(group.memberships.values_list("unit__name", flat=True))
        assert len(units) >= 2  # one group, members from several units
    assert [g.name for g in groups] == [
        in_school_language("Conversation group %(number)s", {"number": n}, school=process.school)
        for n in (1, 2, 3)
    ]
    expected = propose(conversation_people(process=process), Kind.SMALL_HETEROGENEOUS, 5)
    for group, proposed in zip(groups, expected, strict=True):
        assert sorted(group.memberships.values_list("staff_member_id", flat=True)) == sorted(
            p.staff_member_id for p in proposed.members
        )


def test_accepting_a_homogeneous_proposal_makes_groups_within_units(process, placed, pmr):
    groups = services.conversation_groups_accept(
        process=process, actor=pmr, kind=Kind.SMALL_HOMOGENEOUS, seed=0
    )
    names = sorted(g.name for g in groups)
    assert names == ["Bèta", "Directie", "Talen"]
    for group in groups:
        assert set(group.memberships.values_list("unit_id", flat=True)) == {group.unit_id}


def test_accepting_again_replaces_the_groups(process, placed, director):
    services.conversation_groups_accept(
        process=process, actor=director, kind=Kind.SMALL_HETEROGENEOUS, seed=1
    )
    services.conversation_groups_accept(process=process, actor=director, kind=Kind.MEDIUM, seed=1)
    groups = ConversationGroup.objects.filter(process=process)
    assert groups.count() == 1  # 14 people: one medium group
    assert groups.get().memberships.count() == 14


def test_accepting_with_nobody_placed_is_refused(process, director):
    with pytest.raises(DomainError, match="Nobody is placed"):
        services.conversation_groups_accept(
            process=process, actor=director, kind=Kind.MEDIUM, seed=1
        )


def test_an_unknown_kind_is_refused_by_the_service(process, placed, director):
    with pytest.raises(DomainError):
        services.conversation_groups_accept(process=process, actor=director, kind="x", seed=1)


@pytest.mark.parametrize(
    "who", ["staff_user", "steering", "board_admin", "other_director", "other_board_admin"]
)
def test_only_director_and_pmr_accept(process, placed, who, request):
    with pytest.raises(PermissionDenied):
        services.conversation_groups_accept(
            process=process, actor=request.getfixturevalue(who), kind=Kind.MEDIUM, seed=1
        )
    assert not ConversationGroup.objects.exists()


# --- the page -------------------------------------------------------------------------


def page(process):
    return reverse("units:conversation-groups", args=[process.pk])


def test_preview_then_accept_through_the_page(client, process, placed, director):
    client.force_login(director)
    response = client.get(page(process), {"kind": Kind.SMALL_HETEROGENEOUS, "seed": 9})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="proposed-group"') == 3
    assert f"kind={Kind.SMALL_HETEROGENEOUS}&amp;seed=" in html  # draw again
    assert not ConversationGroup.objects.exists()  # a preview stores nothing
    response = client.post(page(process), {"kind": Kind.SMALL_HETEROGENEOUS, "seed": 9})
    assert response.status_code == 302
    assert ConversationGroup.objects.filter(process=process).count() == 3
    assert not UnitMembership.objects.filter(process=process, group__isnull=True).exists()


def test_an_invalid_choice_on_the_page(client, process, placed, director):
    client.force_login(director)
    assert client.get(page(process), {"kind": "huge", "seed": 1}).status_code == 400
    assert client.post(page(process), {"kind": "huge", "seed": 1}).status_code == 400
    assert not ConversationGroup.objects.exists()


def test_the_unit_list_links_the_generator_for_managers(client, process, director, staff_user):
    client.force_login(director)
    assert (
        page(process) in client.get(reverse("units:unit-list", args=[process.pk])).content.decode()
    )


ROLES = {
    "anonymous": (302, 302),
    "staff_user": (403, 403),
    "steering": (403, 403),
    "board_admin": (403, 403),
    "other_director": (404, 404),
    "other_board_admin": (404, 404),
    "director": (200, 302),
    "pmr": (200, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, request, process, placed, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    get_status, post_status = ROLES[role]
    response = client.get(page(process), {"kind": Kind.MEDIUM, "seed": 1})
    assert response.status_code == get_status
    response = client.post(page(process), {"kind": Kind.MEDIUM, "seed": 1})
    assert response.status_code == post_status
    assert ConversationGroup.objects.exists() == (role in ("director", "pmr"))


def test_the_unit_page_shows_members_of_cross_unit_groups(client, process, placed, director):
    services.conversation_groups_accept(
        process=process, actor=director, kind=Kind.LARGE_HETEROGENEOUS, seed=1
    )
    client.force_login(director)
    unit = placed["Talen"]
    html = client.get(reverse("units:unit-detail", args=[process.pk, unit.pk])).content.decode()
    assert 'data-testid="cross-unit-members"' in html
    group = ConversationGroup.objects.get(process=process)
    assert group.name in html


def test_the_working_method_page_shows_the_cross_unit_group(process, placed, director):
    services.conversation_groups_accept(
        process=process, actor=director, kind=Kind.LARGE_HETEROGENEOUS, seed=1
    )
    unit = placed["Talen"]
    page = working_method_page(process=process, unit_pk=unit.pk, user=director)
    (row,) = page.groups
    assert row.group.unit_id is None and len(row.members) == 5
