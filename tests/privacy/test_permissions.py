"""Who may open the privacy pages: the school's director only (docs/privacy.md). Every URL of
the app against every role, including the anonymous visitor."""

import pytest
from django.urls import reverse

from processes.models import SchoolRole
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from units.models import StaffMember

URLS = ["privacy:staff", "privacy:export-json", "privacy:export-pdf", "privacy:remove"]


@pytest.fixture
def leaver(school):
    return StaffMemberFactory(school=school, active=False, name="Pieter Vertrokken")


def _url(name, leaver):
    kwargs = {"school_id": leaver.school_id}
    if name != "privacy:staff":
        kwargs["pk"] = leaver.pk
    return reverse(name, kwargs=kwargs)


def _user(who, school):
    if who == "director":
        return SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    if who in ("pmr", "steering"):
        return SchoolRoleFactory(school=school, role=who).user
    if who == "staff":
        return StaffMemberFactory(school=school, user=UserFactory()).user
    if who == "board_admin":  # the same board: decided no (docs/privacy.md)
        return BoardAdministratorFactory(board=school.board).user
    if who == "other_board_admin":
        return BoardAdministratorFactory(board=SchoolFactory().board).user
    if who == "other_director":
        return SchoolRoleFactory(school=SchoolFactory(), role=SchoolRole.Role.DIRECTOR).user
    raise AssertionError(who)


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize(
    "who",
    ["pmr", "steering", "staff", "board_admin", "other_board_admin", "other_director"],
)
def test_others_are_refused(client, school, leaver, name, who):
    client.force_login(_user(who, school))
    url = _url(name, leaver)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "left", "confirm": "on"}).status_code in (403, 405)
    leaver.refresh_from_db()
    assert leaver.pseudonymised_at is None


@pytest.mark.parametrize("name", URLS)
def test_the_anonymous_visitor_is_sent_to_sign_in(client, leaver, name):
    response = client.get(_url(name, leaver))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", URLS)
def test_the_director_may(client, school, leaver, name):
    client.force_login(_user("director", school))
    assert client.get(_url(name, leaver)).status_code == 200


def test_a_member_of_another_school_is_not_found(client, school, leaver):
    client.force_login(_user("director", school))
    stranger = StaffMemberFactory(school=SchoolFactory(), active=False)
    url = reverse("privacy:export-json", kwargs={"school_id": school.pk, "pk": stranger.pk})
    assert client.get(url).status_code == 404


def test_the_director_removes_with_confirmation_and_reason(client, school, leaver):
    client.force_login(_user("director", school))
    url = _url("privacy:remove", leaver)
    assert client.post(url, {"reason": "left"}).status_code == 400  # not confirmed
    leaver.refresh_from_db()
    assert leaver.pseudonymised_at is None
    response = client.post(url, {"reason": "left the school", "confirm": "on"})
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.pseudonymised_at is not None
    assert leaver.name != "Pieter Vertrokken"
    page = client.get(reverse("privacy:staff", kwargs={"school_id": school.pk}))
    assert "Pieter Vertrokken" not in page.content.decode()


def test_an_active_member_is_refused_with_the_reason(client, school):
    client.force_login(_user("director", school))
    member = StaffMemberFactory(school=school, active=True)
    url = reverse("privacy:remove", kwargs={"school_id": school.pk, "pk": member.pk})
    response = client.post(url, {"reason": "left", "confirm": "on"})
    assert response.status_code == 400
    assert StaffMember.objects.get(pk=member.pk).pseudonymised_at is None


def test_the_staff_list_links_the_privacy_page_for_the_director(client, school):
    client.force_login(_user("director", school))
    page = client.get(reverse("units:staff-list", kwargs={"school_id": school.pk}))
    assert reverse("privacy:staff", kwargs={"school_id": school.pk}) in page.content.decode()
