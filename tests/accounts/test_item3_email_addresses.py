"""Issue 14, item 3: e-mail addresses are identities.

An address a user adds counts for nothing (sign-in by code or password, password reset, primary
address, staff linking) until it is confirmed with the code e-mailed to it, and an address that
belongs to another account cannot be added at all.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from processes.models import SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory, UserFactory
from tests.signin import sign_in_admin
from units.services.staff import staff_import

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
# allauth's codes stand on a line of their own: "K7PX-3MQA" (sign-in), "Q4ZP7K" (verification).
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]{3,})*)\s*$", re.MULTILINE)


def code_in(message) -> str:
    codes = [c for c in CODE_LINE.findall(message.body) if len(c.replace("-", "")) >= 6]
    assert len(codes) == 1, message.body
    return codes[0]


def mail_to(address) -> list:
    return [m for m in mail.outbox if address in m.to]


def add_address(client, address):
    return client.post(reverse("account_email"), {"email": address, "action_add": ""})


def make_primary(client, address):
    return client.post(reverse("account_email"), {"email": address, "action_primary": ""})


def signed_in_user(client):
    return client.get(reverse("processes:dashboard")).wsgi_request.user


def sign_in_by_code(client, address):
    """Ask for a sign-in code for ``address`` and enter the code that reached that mailbox."""
    mail.outbox.clear()
    client.post(reverse("account_request_login_code"), {"email": address})
    sent = mail_to(address)
    if not sent:
        return None
    client.post(reverse("account_confirm_login_code"), {"code": code_in(sent[0])})
    return signed_in_user(client)


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def imported(school, director, *rows):
    """Accounts as the school makes them: through the staff import."""
    lines = ["naam;e-mail;categorie;wtf", *(f"{name};{email};OP;1" for name, email in rows)]
    content = "\r\n".join(lines).encode()
    staff_import(school=school, file=SimpleUploadedFile("staff.csv", content), actor=director)
    User = get_user_model()
    return [User.objects.get(email=email) for _, email in rows]


@pytest.fixture(autouse=True)
def no_rate_limits_left_over():
    """allauth's rate limits (one confirmation mail per address per few minutes) live in the
    cache, which outlives a test; the tests here reuse addresses."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def school_and_director():
    school = SchoolFactory()
    return school, SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user


# --- Adding an address -------------------------------------------------------------------------


def test_item3_added_address_is_unverified_until_the_code_emailed_to_it_is_entered(client):
    teacher = UserFactory(email="docent@school.nl")
    client.force_login(teacher)

    response = add_address(client, "Docent.Prive@Example.NET")

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["docent.prive@example.net"]]
    assert "Docent" not in mail.outbox[0].subject  # the code, for the account named in the body
    assert not EmailAddress.objects.filter(email="docent.prive@example.net", verified=True).exists()
    page = client.get(reverse("account_email")).content.decode()
    assert "docent.prive@example.net" in page and "Nog niet bevestigd" in page

    # Until it is confirmed the address cannot become the main address.
    make_primary(client, "docent.prive@example.net")
    teacher.refresh_from_db()
    assert teacher.email == "docent@school.nl"

    # The code went to that address only; entering it confirms the address for this account.
    client.post(reverse("account_email_verification_sent"), {"code": code_in(mail.outbox[0])})
    address = EmailAddress.objects.get(email="docent.prive@example.net")
    assert (address.user, address.verified, address.primary) == (teacher, True, False)


@pytest.mark.parametrize("account", ["made by the school", "with no confirmed address"])
def test_item3_unverified_address_cannot_be_made_primary_and_the_user_is_told_why(client, account):
    if account == "made by the school":
        teacher = UserFactory(email="docent@school.nl")
    else:  # made outside create_user: allauth itself would allow any main address then
        teacher = get_user_model().objects.create(email="docent@school.nl")
        EmailAddress.objects.create(user=teacher, email="docent@school.nl", verified=False)
    EmailAddress.objects.create(user=teacher, email="ander@example.net", verified=False)
    client.force_login(teacher)

    response = make_primary(client, "ander@example.net")

    assert response.status_code == 302
    assert "bevestig dit adres eerst" in messages_of(response).lower()
    teacher.refresh_from_db()
    assert teacher.email == "docent@school.nl"
    assert not EmailAddress.objects.filter(user=teacher, email="ander@example.net", primary=True)


def test_item3_making_another_accounts_address_primary_is_refused_not_a_server_error(client):
    """Data from before the fix: an unverified secondary address that is a colleague's."""
    UserFactory(email="collega@school.nl")
    attacker = UserFactory(email="docent@school.nl")
    EmailAddress.objects.create(user=attacker, email="collega@school.nl", verified=False)
    client.force_login(attacker)

    response = make_primary(client, "collega@school.nl")

    assert response.status_code == 302
    attacker.refresh_from_db()
    assert attacker.email == "docent@school.nl"


def test_item3_confirmed_address_can_be_made_primary_and_then_signs_in(client):
    teacher = UserFactory(email="docent@school.nl")
    client.force_login(teacher)
    add_address(client, "docent.prive@example.net")
    client.post(reverse("account_email_verification_sent"), {"code": code_in(mail.outbox[0])})

    make_primary(client, "docent.prive@example.net")

    teacher.refresh_from_db()
    assert teacher.email == "docent.prive@example.net"
    client.logout()
    assert sign_in_by_code(client, "docent.prive@example.net") == teacher


@pytest.mark.parametrize(
    "claim",
    ["main address", "main address in capitals", "verified extra address", "unverified extra"],
)
def test_item3_address_of_another_account_cannot_be_added(client, claim):
    other = UserFactory(email="collega@school.nl", name="Carla Collega")
    address = {
        "main address": "collega@school.nl",
        "main address in capitals": "Collega@SCHOOL.nl",
        "verified extra address": "carla@example.net",
        "unverified extra": "carla@example.net",
    }[claim]
    if claim.endswith("extra address"):
        EmailAddress.objects.create(user=other, email="carla@example.net", verified=True)
    elif claim == "unverified extra":
        EmailAddress.objects.create(user=other, email="carla@example.net", verified=False)
    teacher = UserFactory(email="docent@school.nl")
    client.force_login(teacher)

    response = add_address(client, address)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["email"])
    assert "kun je niet toevoegen" in errors
    # The refusal names no one and says nothing about the other account.
    assert "Carla" not in errors and "collega@" not in errors.lower()
    assert not EmailAddress.objects.filter(user=teacher, email=address.lower()).exists()
    assert mail.outbox == []


def test_item3_code_does_not_confirm_an_address_that_became_another_accounts_meanwhile(client):
    teacher = UserFactory(email="docent@school.nl")
    client.force_login(teacher)
    add_address(client, "nieuw@school.nl")
    # Before the code is entered, the school makes an account for that address.
    get_user_model().objects.create_user("nieuw@school.nl")

    response = client.post(
        reverse("account_email_verification_sent"), {"code": code_in(mail.outbox[0])}
    )

    assert "hoort al bij een ander account" in response.content.decode()
    assert not EmailAddress.objects.filter(user=teacher, email="nieuw@school.nl").exists()


# --- Signing in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["added on the page", "stored before the fix"])
def test_item3_unverified_address_signs_in_nobody_by_code(client, how):
    teacher = UserFactory(email="docent@school.nl")
    if how == "added on the page":
        client.force_login(teacher)
        add_address(client, "docent.prive@example.net")
        client.logout()
    else:
        EmailAddress.objects.create(user=teacher, email="docent.prive@example.net")

    assert sign_in_by_code(client, "docent.prive@example.net") is None
    assert not signed_in_user(client).is_authenticated


@pytest.mark.parametrize("how", ["added on the page", "stored before the fix"])
def test_item3_unverified_address_signs_in_nobody_by_password(client, how):
    teacher = UserFactory(email="docent@school.nl")
    if how == "added on the page":
        client.force_login(teacher)
        add_address(client, "docent.prive@example.net")
        client.logout()
    else:
        EmailAddress.objects.create(user=teacher, email="docent.prive@example.net")
    mail.outbox.clear()

    client.post(
        reverse("account_login"), {"login": "docent.prive@example.net", "password": PASSWORD}
    )

    assert not signed_in_user(client).is_authenticated
    # Refused outright: no account is found (allauth's own lookup would find the teacher and
    # then mail a confirmation code to the unverified address).
    assert mail.outbox == []
    # The main address still works.
    client.post(reverse("account_login"), {"login": "docent@school.nl", "password": PASSWORD})
    assert signed_in_user(client) == teacher


def test_item3_account_without_a_verified_address_confirms_it_at_its_first_password_sign_in(
    client,
):
    """An account made outside create_user (which vouches) has no verified address: its
    first sign-in asks for the code e-mailed to its address before it lets the user in."""
    User = get_user_model()
    user = User.objects.create(email="beheer@school.nl")
    user.set_password(PASSWORD)
    user.save()

    client.post(reverse("account_login"), {"login": "beheer@school.nl", "password": PASSWORD})

    assert not signed_in_user(client).is_authenticated
    [message] = mail_to("beheer@school.nl")
    client.post(reverse("account_email_verification_sent"), {"code": code_in(message)})
    assert signed_in_user(client) == user
    assert EmailAddress.objects.get(user=user, email="beheer@school.nl").verified


def test_item3_password_reset_is_not_sent_for_an_unverified_address(client):
    teacher = UserFactory(email="docent@school.nl")
    EmailAddress.objects.create(user=teacher, email="docent.prive@example.net", verified=False)

    client.post(reverse("account_reset_password"), {"email": "docent.prive@example.net"})

    assert mail.outbox == []


def test_item3_hijack_attacker_adds_victims_address_and_the_code_signs_in_only_the_victim(
    client, school_and_director
):
    """The attack of the issue: a teacher adds a colleague's address as their own extra address;
    the colleague then asks for a sign-in code. The code reaches the colleague and must sign
    the colleague in (or nobody), never the teacher."""
    school, director = school_and_director
    attacker, victim = imported(
        school, director, ("Ad Aanvaller", "ad@school.nl"), ("Vera Slachtoffer", "vera@school.nl")
    )
    client.force_login(attacker)
    add_address(client, "vera@school.nl")
    client.logout()

    assert sign_in_by_code(client, "vera@school.nl") == victim
    assert not EmailAddress.objects.filter(user=attacker, email="vera@school.nl").exists()


def test_item3_old_unverified_claim_on_a_colleagues_address_does_not_divert_the_code(
    client, school_and_director
):
    """The same, with the claim already stored before the fix (no add form involved)."""
    school, director = school_and_director
    attacker, victim = imported(
        school, director, ("Ad Aanvaller", "ad@school.nl"), ("Vera Slachtoffer", "vera@school.nl")
    )
    EmailAddress.objects.create(user=attacker, email="vera@school.nl", verified=False)

    assert sign_in_by_code(client, "vera@school.nl") == victim
    assert not EmailAddress.objects.filter(user=attacker, verified=True, email="vera@school.nl")


# --- Accounts the school or an administrator makes -----------------------------------------------


def test_item3_accounts_made_by_create_user_have_a_verified_primary_address(db):
    User = get_user_model()
    user = User.objects.create_user("Nieuw@School.nl")
    admin = User.objects.create_superuser("beheer@school.nl", "a-long-password-1")

    for account in (user, admin):
        address = EmailAddress.objects.get(user=account)
        assert (address.email, address.verified, address.primary) == (account.email, True, True)


def test_item3_user_added_in_the_admin_gets_a_verified_primary_address(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in_admin(client, admin)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nieuw@School.nl",
            "usable_password": "false",
            "password1": "",
            "password2": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    user = get_user_model().objects.get(email="nieuw@school.nl")
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("nieuw@school.nl", True, True)


def test_item3_address_changed_in_the_admin_becomes_the_verified_primary_address(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory(email="oud@school.nl", name="Jan")
    sign_in_admin(client, admin)

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "email": "Nieuw@School.nl",
            "name": "Jan",
            "is_active": "on",
            "date_joined_0": "2026-09-01",
            "date_joined_1": "08:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    ) == {("nieuw@school.nl", True, True), ("oud@school.nl", True, False)}


def test_item3_admin_refuses_an_address_another_account_has_confirmed(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    other = UserFactory(email="collega@school.nl")
    EmailAddress.objects.create(user=other, email="prive@example.net", verified=True)
    sign_in_admin(client, admin)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "prive@example.net", "usable_password": "false"},
    )

    assert response.status_code == 200
    assert not get_user_model().objects.filter(email="prive@example.net").exists()


# --- The page ------------------------------------------------------------------------------------


def test_item3_email_page_is_dutch_in_the_site_layout_and_shows_what_is_confirmed(client):
    teacher = UserFactory(email="docent@school.nl")
    EmailAddress.objects.create(user=teacher, email="oud@example.net", verified=False)
    client.force_login(teacher)

    response = client.get(reverse("account_email"))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl"' in page
    assert 'href="/accounts/logout/"' in page or "account_logout" in page or "Uitloggen" in page
    assert "E-mailadressen" in page
    assert "Bevestigd" in page and "Nog niet bevestigd" in page
    assert "Hoofdadres" in page
    assert "Ongeverifieerd" not in page and "Primair" not in page


def test_item3_demo_accounts_have_verified_addresses_and_sign_in_by_code(client):
    from plans.demo import demo_load

    users = demo_load()["users"]

    for user in users.values():
        address = EmailAddress.objects.get(user=user, primary=True)
        assert (address.email, address.verified) == (user.email, True)
    assert sign_in_by_code(client, users["docent"].email) == users["docent"]
