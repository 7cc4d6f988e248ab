"""Issue 14, item 10: the "address unusable" mark on a staff member.

Set when the member has no address, when the mail server refused a message (see the vote's and
the survey's tests), or by the director or PMR; cleared by a new address or by them on the
staff list. Printing pages offer the marked people first.
"""

import codecs

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from processes.models import SchoolRole
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from units.models import EmailUnusable, StaffMember
from units.services.addresses import staff_email_unusable_clear, staff_email_unusable_mark
from units.services.staff import staff_import
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory()


def role(school, name):
    return SchoolRoleFactory(school=school, role=name).user


def marked(member, reason=EmailUnusable.REFUSED):
    staff_email_unusable_mark(
        members=[member], actor=role(member.school, SchoolRole.Role.PMR), reason=reason
    )
    member.refresh_from_db()
    return member


def test_item10_a_member_without_an_address_is_marked_and_a_new_address_clears_it(school):
    member = StaffMemberFactory(school=school, email="")
    assert member.email_unusable and member.email_unusable_reason == EmailUnusable.NO_ADDRESS

    member = StaffMember.objects.get(pk=member.pk)
    member.email = "Nieuw@School.example.org"
    member.save()
    member.refresh_from_db()
    assert member.email == "nieuw@school.example.org" and not member.email_unusable

    member = marked(member)
    member.name = "Another Name"
    member.save(update_fields=["name"])  # the same address: the mark stays
    member.refresh_from_db()
    assert member.email_unusable_reason == EmailUnusable.REFUSED

    member.email = "corrected@school.example.org"
    member.save(update_fields=["email"])
    member.refresh_from_db()
    assert not member.email_unusable and member.email_unusable_reason == ""
    assert member.history.count() >= 4  # every change of the mark is in the history


def test_item10_only_the_director_and_the_pmr_set_or_clear_the_mark(school):
    member = StaffMemberFactory(school=school)
    teacher = StaffMemberFactory(school=school, user=UserFactory()).user
    other_director = role(SchoolFactory(), SchoolRole.Role.DIRECTOR)
    board_admin = BoardAdministratorFactory(board=school.board).user
    for user in (teacher, other_director, board_admin):
        with pytest.raises(PermissionDenied):
            staff_email_unusable_mark(members=[member], actor=user)
        with pytest.raises(PermissionDenied):
            staff_email_unusable_clear(member=member, actor=user)
    for name in (SchoolRole.Role.DIRECTOR, SchoolRole.Role.PMR):
        actor = role(school, name)
        assert staff_email_unusable_mark(members=[member], actor=actor) == 1
        member.refresh_from_db()
        assert member.email_unusable_reason == EmailUnusable.MARKED
        staff_email_unusable_clear(member=member, actor=actor)
        member.refresh_from_db()
        assert not member.email_unusable


def test_item10_an_earlier_mark_keeps_its_date_and_reason(school):
    member = marked(StaffMemberFactory(school=school))
    since = member.email_unusable_since
    assert (
        staff_email_unusable_mark(members=[member], actor=role(school, SchoolRole.Role.DIRECTOR))
        == 0
    )
    member.refresh_from_db()
    assert (member.email_unusable_since, member.email_unusable_reason) == (
        since,
        EmailUnusable.REFUSED,
    )


def test_item10_no_address_cannot_be_declared_working(school):
    member = StaffMemberFactory(school=school, email="")
    with pytest.raises(DomainError, match="no e-mail address"):
        staff_email_unusable_clear(member=member, actor=role(school, SchoolRole.Role.PMR))


def test_item10_the_staff_list_shows_the_mark_and_the_director_clears_it(client, school):
    director = role(school, SchoolRole.Role.DIRECTOR)
    member = marked(StaffMemberFactory(school=school, name="Jan de Vries"))
    fine = StaffMemberFactory(school=school, name="Els Bakker")
    url = reverse("units:staff-list", kwargs={"school_id": school.pk})
    client.force_login(director)
    html = client.get(url).content.decode()
    assert html.count('data-testid="email-unusable"') == 1
    row = html[html.index("Jan de Vries") : html.index("Jan de Vries") + 1500]
    assert "does not work" in row and "refused by the mail server" in row
    clear = reverse("units:staff-email-usable", kwargs={"school_id": school.pk, "pk": member.pk})
    assert clear in row

    response = client.post(clear)
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.email_unusable
    assert (
        client.post(
            reverse("units:staff-email-usable", kwargs={"school_id": school.pk, "pk": fine.pk})
        ).status_code
        == 302
    )  # clearing no mark changes nothing


@pytest.mark.parametrize(
    ("who", "status"),
    [("pmr", 302), ("board_admin", 403), ("teacher", 403), ("other_director", 403)],
)
def test_item10_who_may_clear_the_mark_on_the_staff_list(client, school, who, status):
    member = marked(StaffMemberFactory(school=school))
    users = {
        "pmr": lambda: role(school, SchoolRole.Role.PMR),
        "board_admin": lambda: BoardAdministratorFactory(board=school.board).user,
        "teacher": lambda: StaffMemberFactory(school=school, user=UserFactory()).user,
        "other_director": lambda: role(SchoolFactory(), SchoolRole.Role.DIRECTOR),
    }
    client.force_login(users[who]())
    url = reverse("units:staff-email-usable", kwargs={"school_id": school.pk, "pk": member.pk})
    assert client.post(url).status_code == status
    assert client.get(url).status_code in (403, 405)
    member.refresh_from_db()
    assert member.email_unusable == (status != 302)
    if who == "board_admin":  # sees the list and the mark, without the button
        html = client.get(reverse("units:staff-list", kwargs={"school_id": school.pk}))
        assert 'data-testid="email-unusable"' in html.content.decode()
        assert url not in html.content.decode()


def test_item10_the_staff_import_keeps_the_mark_of_a_kept_address_and_a_new_one_starts_clean(
    school,
):
    director = role(school, SchoolRole.Role.DIRECTOR)
    kept = marked(StaffMemberFactory(school=school, name="Jan de Vries", email="jan@school.nl"))
    moved = marked(StaffMemberFactory(school=school, name="Els Bakker", email="els@school.nl"))
    content = codecs.BOM_UTF8 + (
        b"naam;e-mail;categorie;functie;afdeling;wtf\r\n"
        b"Jan de Vries;jan@school.nl;OP;docent;;0,8\r\n"
        b"Els Bakker;els.bakker@school.nl;OP;docent;;0,8\r\n"
    )
    staff_import(school=school, file=SimpleUploadedFile("personeel.csv", content), actor=director)
    kept.refresh_from_db()
    moved.refresh_from_db()
    assert kept.email_unusable_reason == EmailUnusable.REFUSED  # the same address: still broken
    assert not moved.active  # matched by address: the old one leaves the list, marked
    new = StaffMember.objects.get(school=school, email="els.bakker@school.nl")
    assert new.active and not new.email_unusable
