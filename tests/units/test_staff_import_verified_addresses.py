"""Issue 14, item 3: the staff import links staff to accounts through verified addresses only.

The school's staff list is the authority for its staff's work addresses: an account it makes
has the address as its verified primary address. An address someone merely typed in on their
own account page (unverified) links nobody and gives way to the colleague it belongs to.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import SchoolFactory, UserFactory
from units.models import StaffMember
from units.services.staff import staff_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_rate_limits_left_over():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def school():
    # Overrides the shared school (tests/fixtures/people.py): no staff before the import.
    return SchoolFactory()


def import_staff(school, director, *rows):
    lines = ["naam;e-mail;categorie;wtf", *(f"{name};{email};OP;1" for name, email in rows)]
    content = "\r\n".join(lines).encode()
    return staff_import(
        school=school, file=SimpleUploadedFile("staff.csv", content), actor=director
    )


def member(email):
    return StaffMember.objects.select_related("user").get(email=email)


def test_item3_imported_staff_get_a_verified_primary_address(school, director):
    import_staff(school, director, ("Jan de Vries", "Jan@School.nl"))

    user = member("jan@school.nl").user
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("jan@school.nl", True, True)


def test_item3_colleague_imported_after_a_teacher_claimed_the_address_gets_own_account(
    client, school, director
):
    """The issue's case: a teacher adds a future colleague's address and tries to make it the
    main address; when the school imports the colleague, the colleague gets an account of
    their own and the teacher's claim is gone."""
    import_staff(school, director, ("Ad Aanvaller", "ad@school.nl"))
    teacher = member("ad@school.nl").user
    client.force_login(teacher)
    client.post(reverse("account_email"), {"email": "nieuw@school.nl", "action_add": ""})
    client.post(reverse("account_email"), {"email": "nieuw@school.nl", "action_primary": ""})

    result = import_staff(
        school, director, ("Ad Aanvaller", "ad@school.nl"), ("Nina Nieuw", "nieuw@school.nl")
    )

    colleague = member("nieuw@school.nl").user
    teacher.refresh_from_db()
    assert result.accounts_created == 1
    assert colleague != teacher
    assert colleague.email == "nieuw@school.nl"
    assert teacher.email == "ad@school.nl"
    holders = EmailAddress.objects.filter(email="nieuw@school.nl").values_list("user", flat=True)
    assert list(holders) == [colleague.pk]


def test_item3_unverified_claim_stored_before_the_fix_is_removed_when_the_owner_is_imported(
    school, director
):
    import_staff(school, director, ("Ad Aanvaller", "ad@school.nl"))
    teacher = member("ad@school.nl").user
    EmailAddress.objects.create(user=teacher, email="nieuw@school.nl", verified=False)

    import_staff(
        school, director, ("Ad Aanvaller", "ad@school.nl"), ("Nina Nieuw", "nieuw@school.nl")
    )

    colleague = member("nieuw@school.nl").user
    assert colleague != teacher
    assert not EmailAddress.objects.filter(user=teacher, email="nieuw@school.nl").exists()


def test_item3_import_links_to_the_account_that_verified_the_address(school, director):
    """Someone who confirmed their school address as an extra address of an account they
    already have (e.g. from another school of the board) is linked, not given a second one."""
    existing = UserFactory(email="jan.prive@example.net")
    EmailAddress.objects.create(user=existing, email="jan@school.nl", verified=True)

    result = import_staff(school, director, ("Jan de Vries", "jan@school.nl"))

    assert result.accounts_created == 0
    assert member("jan@school.nl").user == existing


def test_item3_account_whose_own_address_has_no_verified_row_is_linked_and_vouched(
    school, director
):
    """An account made outside create_user (which vouches) is still the address's own account:
    linking it must not fail on the unique address, and its address is recorded as verified."""
    existing = get_user_model().objects.create(email="jan@school.nl")

    result = import_staff(school, director, ("Jan de Vries", "jan@school.nl"))

    assert result.accounts_created == 0
    assert member("jan@school.nl").user == existing
    assert EmailAddress.objects.get(user=existing, email="jan@school.nl").verified
    assert get_user_model().objects.filter(email="jan@school.nl").count() == 1
