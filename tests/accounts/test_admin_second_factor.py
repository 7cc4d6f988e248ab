"""Issue 14, item 1: the admin opens only for a session that passed the second factor.

A password alone (Django's own admin sign-in, or any sign-in that skipped allauth's MFA
step) must never open the admin for an administrator who has an authenticator app.
"""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory
from tests.signin import sign_in_admin

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth remembers used TOTP codes and rate limits in the cache; user ids repeat
    # between tests, so a code used in an earlier test would be refused here.
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret`` (allauth's own algorithm)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def administrator(db):
    """A superuser with a password and an authenticator app (TOTP)."""
    admin = UserFactory(email="beheer@school.example.org", is_staff=True, is_superuser=True)
    admin.secret = generate_totp_secret()
    TOTP.activate(admin, admin.secret)
    return admin


def test_item1_password_only_admin_login_does_not_open_the_admin(client, administrator):
    response = client.post(
        reverse("admin:login"),
        {"username": administrator.email, "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302

    response = client.get(reverse("admin:index"), follow=True)
    assert response.request["PATH_INFO"] == reverse("account_login")
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 302


def test_item1_admin_login_page_sends_people_to_allauths_sign_in(client, db):
    response = client.get(reverse("admin:login"), {"next": "/admin/plans/"})
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2Fplans%2F"


def test_item1_admin_login_page_refuses_a_foreign_next_address(client, db):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example.com/"})
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"


def test_item1_session_that_completed_totp_via_allauth_opens_the_admin(client, administrator):
    response = client.post(
        reverse("account_login"), {"login": administrator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(administrator.secret)})
    assert response.status_code == 302

    assert client.get(reverse("admin:index")).status_code == 200


def test_item1_sign_in_by_code_still_asks_for_totp_before_the_admin(client, administrator):
    client.post(reverse("account_request_login_code"), {"email": administrator.email})
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[0].body).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302

    client.post(reverse("mfa_authenticate"), {"code": totp_code(administrator.secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_item1_session_without_second_factor_is_asked_for_it_at_the_admin(client, db):
    # Signed in by password before the authenticator app existed (or by any other way that
    # skipped the MFA step): the admin asks for a code first, through allauth.
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)

    response = client.get(reverse("admin:auth_group_changelist"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_reauthenticate") + "?next=%2Fadmin%2Fauth%2Fgroup%2F"
    page = client.get(response.url).content.decode()
    assert "Vul de code uit je authenticator-app in om het beheer te openen." in page

    response = client.post(response.url, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("admin:auth_group_changelist")
    assert client.get(response.url).status_code == 200


def test_item1_a_wrong_code_does_not_open_the_admin(client, administrator):
    client.force_login(administrator)
    client.post(reverse("mfa_reauthenticate"), {"code": "000000"})
    assert client.get(reverse("admin:index")).status_code == 302


def test_item1_second_factor_of_another_user_does_not_count(client, administrator):
    # allauth keeps the records per user: a record from an earlier session user is ignored.
    other = UserFactory(is_staff=True, is_superuser=True)
    sign_in_admin(client, other)
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 302


def test_item1_staff_without_totp_must_set_it_up_first(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_item1_signed_in_non_staff_at_the_admin_sign_in_goes_to_the_dashboard(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("processes:dashboard")
    assert response.status_code == 200


def test_item1_test_helper_opens_the_admin(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in_admin(client, admin)
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("admin:index")).status_code == 200
