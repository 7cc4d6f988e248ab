"""Issue 14, item 3: the data migrations that make existing accounts' addresses verified.

They run on the data as it was before the fix: accounts made by the staff import or an
administrator with no EmailAddress rows, extra addresses users added (never verified), and
main addresses users switched to an address they never confirmed.
"""

from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from tests.factories import SchoolFactory, StaffMemberFactory
from units.models import StaffMember

pytestmark = pytest.mark.django_db

accounts_0002 = import_module("accounts.migrations.0002_email_addresses_verified")
units_0006 = import_module("units.migrations.0006_staff_links_through_verified_addresses")


def migrate():
    accounts_0002.email_addresses_verify(apps, None)
    units_0006.staff_links_verify(apps, None)


def addresses(user) -> set[tuple]:
    return set(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def old_account(email):
    """An account as the import or the admin made it before the fix: no address rows."""
    return get_user_model().objects.create(email=email, password=make_password(None))


def test_item3_migration_makes_each_accounts_own_address_verified_and_primary():
    imported = old_account("jan@school.nl")
    with_extra = old_account("els@school.nl")
    EmailAddress.objects.create(user=with_extra, email="els@example.net", verified=False)
    EmailAddress.objects.create(user=with_extra, email="els@school.nl", verified=False)
    signed_in_by_code = old_account("piet@school.nl")
    EmailAddress.objects.create(user=signed_in_by_code, email="piet@example.net", verified=True)

    migrate()

    assert addresses(imported) == {("jan@school.nl", True, True)}
    assert addresses(with_extra) == {
        ("els@school.nl", True, True),
        ("els@example.net", False, False),  # added by the user: stays unverified
    }
    assert addresses(signed_in_by_code) == {
        ("piet@school.nl", True, True),
        ("piet@example.net", True, False),
    }


def test_item3_migration_undoes_a_main_address_switched_to_an_unconfirmed_address():
    teacher = old_account("ad@school.nl")
    # The e-mail page first recorded the main address, then the user added another address
    # and made it the main address without confirming it.
    EmailAddress.objects.create(user=teacher, email="ad@school.nl", verified=False)
    EmailAddress.objects.create(user=teacher, email="nieuw@school.nl", primary=True)
    teacher.email = "nieuw@school.nl"
    teacher.save()

    migrate()

    teacher.refresh_from_db()
    assert teacher.email == "ad@school.nl"
    assert addresses(teacher) == {("ad@school.nl", True, True), ("nieuw@school.nl", False, False)}


def test_item3_migration_removes_other_accounts_claims_on_someones_own_address():
    victim = old_account("vera@school.nl")
    attacker = old_account("ad@school.nl")
    # Verified through the hole: the victim entered a sign-in code that signed in the attacker.
    EmailAddress.objects.create(user=attacker, email="vera@school.nl", verified=True)

    migrate()

    assert addresses(victim) == {("vera@school.nl", True, True)}
    assert addresses(attacker) == {("ad@school.nl", True, True)}


def test_item3_migration_relinks_a_colleague_linked_through_an_unconfirmed_main_address():
    """The issue's attack, done before the fix: the teacher made a future colleague's address
    the main address (and removed the own one); the import then linked the colleague to the
    teacher's account. The teacher goes back to the address in the staff list, the colleague
    gets an account of their own."""
    school = SchoolFactory()
    teacher = old_account("nieuw@school.nl")
    EmailAddress.objects.create(user=teacher, email="nieuw@school.nl", primary=True)
    StaffMemberFactory(school=school, email="ad@school.nl", user=teacher)
    StaffMemberFactory(school=school, email="nieuw@school.nl", name="Nina Nieuw", user=teacher)

    migrate()

    teacher.refresh_from_db()
    colleague = StaffMember.objects.get(email="nieuw@school.nl").user
    assert teacher.email == "ad@school.nl"
    assert addresses(teacher) == {("ad@school.nl", True, True)}
    assert colleague != teacher
    assert (colleague.email, colleague.name) == ("nieuw@school.nl", "Nina Nieuw")
    assert not colleague.has_usable_password()
    assert addresses(colleague) == {("nieuw@school.nl", True, True)}
    assert StaffMember.objects.get(email="ad@school.nl").user == teacher


def test_item3_migration_keeps_an_unconfirmed_main_address_with_nothing_to_go_back_to():
    board_admin = old_account("bestuur@stichting.nl")
    EmailAddress.objects.create(user=board_admin, email="bestuur@stichting.nl", primary=True)

    migrate()

    assert addresses(board_admin) == {("bestuur@stichting.nl", True, True)}
