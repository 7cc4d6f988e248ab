"""The school's roles (organisation.services.roles, its pages): who may see and change them,
the last director, the recorded decisions, and a removed role that is gone on the next request.
"""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from organisation.services import roles as services
from processes.models import Decision, GmrMember, ProcessStep, SchoolRole
from tests.factories import (
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from werkdruk.exceptions import DomainError

ROLES = [
    "anonymous",
    "staff_user",
    "pmr",
    "steering",
    "director",
    "other_director",
    "board_admin",
    "other_board_admin",
    "gmr",
]


@pytest.fixture
def gmr(school):
    user = UserFactory()
    GmrMember.objects.create(user=user, board=school.board)
    return user


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def _staff(school, name="Staff Member"):
    """A new active staff member of ``school`` with an account."""
    user = UserFactory(name=name)
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


def _label(role):
    """The role's name as the decision list writes it: in the school's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(SchoolRole.Role(role).label)


def _roles(school):
    return sorted(
        (r.role, r.user_id) for r in SchoolRole.objects.filter(school=school).order_by("pk")
    )


# --- the permission matrix -----------------------------------------------------------------

PAGE_STATUS = {
    "anonymous": 302,
    "staff_user": 403,
    "pmr": 200,
    "steering": 200,
    "director": 200,
    "other_director": 404,
    "board_admin": 200,
    "other_board_admin": 404,
    "gmr": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_roles_page_is_for_role_holders_and_the_board_when_requested(
    client, request, school, director, role
):
    _login(client, request, role)
    response = client.get(reverse("organisation:school-roles", args=[school.pk]))
    assert response.status_code == PAGE_STATUS[role], role
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    if response.status_code == 200:
        assert director.email in response.content.decode()


def _change_status(role, allowed):
    return {
        "anonymous": 302,
        "staff_user": 403,
        "pmr": 403,
        "steering": 403,
        "director": allowed,
        "other_director": 404,
        "board_admin": allowed,
        "other_board_admin": 404,
        "gmr": 404,
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_appointing_is_for_the_director_and_the_board_only_when_posted(
    client, request, school, director, role
):
    candidate = _staff(school)
    _login(client, request, role)
    before = _roles(school)
    response = client.post(
        reverse("organisation:school-role-appoint", args=[school.pk]),
        {"role": "pmr", "user": candidate.pk},
    )
    assert response.status_code == _change_status(role, 302), role
    changed = SchoolRole.objects.filter(school=school, user=candidate, role="pmr").exists()
    assert changed == (response.status_code == 302 and role != "anonymous")
    if not changed:
        assert _roles(school) == before


@pytest.mark.parametrize("role", ROLES)
def test_removing_is_for_the_director_and_the_board_only_when_posted(
    client, request, school, director, role
):
    holder = SchoolRoleFactory(school=school, role=SchoolRole.Role.STEERING, user=_staff(school))
    request.getfixturevalue("steering")  # exists for the matrix
    _login(client, request, role)
    response = client.post(reverse("organisation:school-role-remove", args=[school.pk, holder.pk]))
    assert response.status_code == _change_status(role, 302), role
    gone = not SchoolRole.objects.filter(pk=holder.pk).exists()
    assert gone == (role in ("director", "board_admin"))


@pytest.mark.parametrize("role", ROLES)
def test_replacing_is_for_the_director_and_the_board_only_when_posted(
    client, request, school, director, role
):
    holder = SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR, user=_staff(school))
    newcomer = _staff(school, "New Comer")
    _login(client, request, role)
    response = client.post(
        reverse("organisation:school-role-replace", args=[school.pk, holder.pk]),
        {"replace-user": newcomer.pk},
    )
    assert response.status_code == _change_status(role, 302), role
    replaced = SchoolRole.objects.filter(school=school, user=newcomer, role="pmr").exists()
    assert replaced == (role in ("director", "board_admin"))
    assert SchoolRole.objects.filter(pk=holder.pk).exists() == (not replaced)


def test_another_schools_role_is_not_found_when_removed_through_this_school(
    client, school, director, other_school, other_director
):
    client.force_login(director)
    theirs = SchoolRole.objects.get(school=other_school, user=other_director)
    response = client.post(reverse("organisation:school-role-remove", args=[school.pk, theirs.pk]))
    assert response.status_code == 404
    assert SchoolRole.objects.filter(pk=theirs.pk).exists()


# --- the rules ----------------------------------------------------------------------------


def test_last_director_cannot_be_removed_when_the_board_tries(school, director, board_admin):
    role = SchoolRole.objects.get(school=school, user=director)
    with pytest.raises(DomainError, match="last director"):
        services.school_role_remove(school=school, actor=board_admin, school_role=role)
    assert SchoolRole.objects.filter(pk=role.pk).exists()
    assert not Decision.objects.filter(action=services.REMOVED).exists()


def test_last_director_cannot_remove_themselves_when_posting(client, school, director):
    client.force_login(director)
    role = SchoolRole.objects.get(school=school, user=director)
    response = client.post(
        reverse("organisation:school-role-remove", args=[school.pk, role.pk]), follow=True
    )
    assert SchoolRole.objects.filter(pk=role.pk).exists()
    assert "last director" in response.content.decode()


def test_a_director_can_leave_when_a_second_director_was_appointed(client, school, director):
    deputy = _staff(school, "Deputy Director")
    services.school_role_appoint(school=school, actor=director, user=deputy, role="director")
    client.force_login(director)
    own = SchoolRole.objects.get(school=school, user=director)
    response = client.post(reverse("organisation:school-role-remove", args=[school.pk, own.pk]))
    assert response.status_code == 302
    assert response.url == reverse("processes:dashboard")
    assert list(SchoolRole.objects.filter(school=school, role="director")) == [
        SchoolRole.objects.get(user=deputy)
    ]
    # the deputy, now the last director, cannot remove themselves either
    with pytest.raises(DomainError):
        services.school_role_remove(
            school=school, actor=deputy, school_role=SchoolRole.objects.get(user=deputy)
        )


def test_the_only_director_can_be_replaced_when_done_in_one_action(school, director):
    successor = _staff(school, "Successor")
    role = SchoolRole.objects.get(school=school, user=director)
    services.school_role_replace(school=school, actor=director, school_role=role, user=successor)
    assert [(r.role, r.user) for r in SchoolRole.objects.filter(school=school)] == [
        ("director", successor)
    ]
    decision = Decision.objects.get(action=services.REPLACED)
    for part in (str(successor), str(director), _label("director"), school.name):
        assert part in decision.summary
    assert decision.content["previous_user_id"] == director.pk


def test_director_cannot_appoint_someone_of_another_school_when_asked(
    client, school, director, other_school
):
    stranger = _staff(other_school, "Someone Else")
    with pytest.raises(DomainError, match="active staff member"):
        services.school_role_appoint(school=school, actor=director, user=stranger, role="pmr")
    client.force_login(director)
    response = client.post(
        reverse("organisation:school-role-appoint", args=[school.pk]),
        {"role": "pmr", "user": stranger.pk},
    )
    assert response.status_code == 400
    assert not SchoolRole.objects.filter(user=stranger).exists()


def test_inactive_staff_and_staff_without_account_cannot_be_appointed_when_chosen(school, director):
    left = UserFactory()
    StaffMemberFactory(school=school, user=left, email=left.email, active=False)
    with pytest.raises(DomainError):
        services.school_role_appoint(school=school, actor=director, user=left, role="pmr")
    assert not SchoolRole.objects.filter(user=left).exists()


def test_appointing_twice_is_refused_when_the_role_is_held(school, director):
    member = _staff(school)
    services.school_role_appoint(school=school, actor=director, user=member, role="pmr")
    with pytest.raises(DomainError, match="already"):
        services.school_role_appoint(school=school, actor=director, user=member, role="pmr")


def test_services_check_permission_when_called_directly(school, director, pmr):
    member = _staff(school)
    with pytest.raises(PermissionDenied):
        services.school_role_appoint(school=school, actor=pmr, user=member, role="steering")
    role = SchoolRole.objects.get(user=director)
    with pytest.raises(PermissionDenied):
        services.school_role_remove(school=school, actor=pmr, school_role=role)


# --- the decisions ------------------------------------------------------------------------


def test_change_is_recorded_on_the_open_process_when_there_is_one(
    client, school, director, process
):
    member = _staff(school, "Petra PMR")
    services.school_role_appoint(school=school, actor=director, user=member, role="pmr")
    decision = Decision.objects.get(action=services.APPOINTED)
    assert decision.process == process
    assert decision.school == school
    for part in ("Petra PMR", _label("pmr"), school.name):
        assert part in decision.summary
    assert decision.actor == director
    assert decision.content == {"role": "pmr", "user_id": member.pk, "name": "Petra PMR"}
    client.force_login(director)
    page = client.get(reverse("processes:decision-list", args=[process.pk])).content.decode()
    assert "Petra PMR" in page


def test_change_is_recorded_on_the_school_when_it_has_no_open_process(
    client, school, director, process
):
    ProcessStep.objects.filter(process=process, number=11).update(state="done")
    member = _staff(school, "Sam Steering")
    services.school_role_appoint(school=school, actor=director, user=member, role="steering")
    role = SchoolRole.objects.get(user=member)
    services.school_role_remove(school=school, actor=director, school_role=role)
    decisions = list(Decision.objects.filter(school=school, action__startswith="organisation."))
    assert [d.action for d in decisions] == [services.APPOINTED, services.REMOVED]
    assert all(d.process is None and d.board == school.board for d in decisions)
    assert all("Sam Steering" in d.summary for d in decisions)
    client.force_login(director)
    page = client.get(reverse("organisation:school-roles", args=[school.pk])).content.decode()
    history = page.split('data-testid="decisions"')[1]
    assert history.count("Sam Steering") == 2
    holders = page.split('data-testid="role-holders"')[1].split("</table>")[0]
    assert "<td>Sam Steering</td>" not in holders


def test_removal_is_recorded_with_who_and_what_when_done(school, director, board_admin):
    member = _staff(school, "Piet Pmr")
    services.school_role_appoint(school=school, actor=board_admin, user=member, role="pmr")
    role = SchoolRole.objects.get(user=member)
    services.school_role_remove(school=school, actor=board_admin, school_role=role)
    decision = Decision.objects.get(action=services.REMOVED)
    assert "Piet Pmr" in decision.summary
    assert decision.actor == board_admin
    assert decision.actor_role  # "board administrator" in the school's language
    assert decision.content["role"] == "pmr"


# --- access is gone at once ---------------------------------------------------------------


def test_removed_pmr_member_gets_403_on_the_next_request_when_removed_meanwhile(
    client, school, director, process
):
    member = _staff(school, "Leaving Member")
    services.school_role_appoint(school=school, actor=director, user=member, role="pmr")
    client.force_login(member)
    url = reverse("organisation:school-roles", args=[school.pk])
    assert client.get(url).status_code == 200
    manage = reverse("processes:step-plan", args=[process.pk, 1])
    services.school_role_remove(
        school=school, actor=director, school_role=SchoolRole.objects.get(user=member)
    )
    # The same client, the next request: the roles are read again.
    assert client.get(url).status_code == 403
    assert client.post(manage, {"planned_date": "1-1-2027"}).status_code == 403


# --- the GMR reads the board's step 0 and its decisions, and changes nothing ---------------


@pytest.fixture
def fixed_allocation(school, school_year, board_admin):
    from decimal import Decimal

    from tests.factories import PupilCountFactory
    from tests.fixtures.gmr import fix_and_consent

    PupilCountFactory(school=school, school_year=school_year, pupil_count=800)
    return fix_and_consent(
        board=school.board,
        school_year=school_year,
        total=Decimal("100000"),
        board_office_fte=Decimal("0"),
        actor=board_admin,
    )


def test_gmr_member_reads_step_0_and_the_boards_decisions_when_fixed(
    client, school, school_year, gmr, fixed_allocation
):
    client.force_login(gmr)
    dashboard = client.get(reverse("processes:dashboard")).content.decode()
    assert reverse("processes:board-detail", args=[school.board.pk]) in dashboard
    board_page = client.get(reverse("processes:board-detail", args=[school.board.pk]))
    assert board_page.status_code == 200
    content = board_page.content.decode()
    assert 'data-testid="read-only"' in content
    decision = Decision.objects.get(
        board=school.board, step_number=0, action="units.allocation.submitted"
    )
    assert escape(decision.summary) in content  # the board's decisions
    assert reverse("reporting:board-dashboard", args=[school.board.pk]) not in content
    page = client.get(reverse("units:allocation", args=[school.board.pk, school_year.start_year]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="allocation-fixed"' in content
    assert escape(decision.summary) in content
    assert reverse("units:allocation-reopen", args=[school.board.pk, 2026]) not in content
    current = reverse("units:allocation-for", args=[school.board.pk, "current"])
    assert client.get(current).status_code == 302


def test_gmr_member_sees_no_form_when_step_0_is_not_fixed(client, school, school_year, gmr):
    client.force_login(gmr)
    page = client.get(reverse("units:allocation", args=[school.board.pk, school_year.start_year]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="allocation-not-fixed"' in content
    assert 'data-testid="allocation-form"' not in content


@pytest.mark.parametrize(
    "name,data",
    [
        ("allocation-preview", {"total": "1000", "board_office_fte": "0"}),
        ("allocation-fix", {"total": "1000", "board_office_fte": "0", "preview": "x"}),
        ("allocation-reopen", {"grounds": "GMR wants it"}),
    ],
)
def test_gmr_member_gets_403_on_any_change_of_step_0_when_posting(
    client, school, school_year, gmr, fixed_allocation, name, data
):
    client.force_login(gmr)
    before = list(Decision.objects.values_list("pk", flat=True))
    url = reverse(f"units:{name}", args=[school.board.pk, school_year.start_year])
    assert client.post(url, data).status_code == 403
    assert list(Decision.objects.values_list("pk", flat=True)) == before
    fixed_allocation.refresh_from_db()
    assert fixed_allocation.fixed_at is not None


def test_gmr_member_cannot_change_through_the_services_when_called(
    school, school_year, gmr, fixed_allocation
):
    from units.services import allocation

    with pytest.raises(PermissionDenied):
        allocation.allocation_reopen(
            board=school.board, school_year=school_year, actor=gmr, grounds="x"
        )


def test_gmr_member_of_another_board_reads_nothing_when_requested(
    client, school, school_year, other_school
):
    outsider = UserFactory()
    GmrMember.objects.create(user=outsider, board=other_school.board)
    client.force_login(outsider)
    assert client.get(reverse("processes:board-detail", args=[school.board.pk])).status_code == 404
    url = reverse("units:allocation", args=[school.board.pk, school_year.start_year])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_board_page_is_read_by_admins_and_gmr_only_when_requested(client, request, school, role):
    _login(client, request, role)
    response = client.get(reverse("processes:board-detail", args=[school.board.pk]))
    expected = {"anonymous": 302, "board_admin": 200, "gmr": 200}.get(role, 404)
    assert response.status_code == expected, role


def test_roles_page_is_linked_where_the_director_looks_when_signed_in(
    client, school, director, process
):
    client.force_login(director)
    url = reverse("organisation:school-roles", args=[school.pk])
    dashboard = client.get(reverse("processes:dashboard")).content.decode()
    assert url in dashboard
    assert reverse("plans:function-costs", args=[school.pk]) in dashboard
    detail = client.get(reverse("processes:process-detail", args=[process.pk])).content.decode()
    assert url in detail


def test_roles_page_query_count_does_not_grow_with_holders_when_listed(
    client, school, director, process
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(director)
    url = reverse("organisation:school-roles", args=[school.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for index in range(6):
        member = _staff(school, f"Member {index}")
        services.school_role_appoint(school=school, actor=director, user=member, role="pmr")
    assert count() == before
