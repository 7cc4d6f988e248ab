"""Issue 14, item 2: failed sign-ins lock one account from one address, never a whole network.

django-axes used to record every failure with an empty username (allauth posts ``email``, the
admin ``username``, axes looked for ``login``), so ten failures on any accounts from a school's
NAT locked everyone behind it out for an hour.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.adapter import get_adapter
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import axes_username
from tests.factories import UserFactory
from werkdruk.client_ip import client_ip

PASSWORD = "correct-horse-battery"
SCHOOL_NAT = "192.0.2.10"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _axes_on_and_a_fresh_cache(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 10
    cache.clear()  # allauth's rate limits live in the cache
    yield
    cache.clear()


def sign_in(client, email, password, address=SCHOOL_NAT, **headers):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(client):
    return client.get(reverse("processes:dashboard")).wsgi_request.user.is_authenticated


def lock_out(client, user, address=SCHOOL_NAT):
    """Ten failures on one account, spread over time (past allauth's five per five minutes)."""
    for _ in range(10):
        sign_in(client, user.email, "wrong", address)
        cache.clear()


def test_item2_failures_on_other_accounts_do_not_lock_out_the_next_account(client):
    colleagues = [UserFactory() for _ in range(10)]
    eleventh = UserFactory()
    for colleague in colleagues:
        assert sign_in(client, colleague.email, "wrong").status_code == 200

    # allauth's own limit (ten failures a minute per address) still applies...
    response = sign_in(client, eleventh.email, PASSWORD)
    assert response.status_code == 200
    assert "Te veel mislukte pogingen om in te loggen" in response.content.decode()
    assert not signed_in(client)

    # ...but a minute later the eleventh colleague signs in: axes locked no one.
    cache.clear()
    response = sign_in(client, eleventh.email, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_item2_failures_are_recorded_per_account(client):
    first, second = UserFactory(email="Eerste@School.example.org"), UserFactory()
    sign_in(client, "EERSTE@school.example.org", "wrong")
    sign_in(client, second.email, "wrong")
    assert sorted(AccessAttempt.objects.values_list("username", "ip_address")) == sorted(
        [(first.email, SCHOOL_NAT), (second.email, SCHOOL_NAT)]
    )


def test_item2_ten_failures_on_one_account_lock_that_account_from_that_address(client):
    target = UserFactory()
    colleague = UserFactory()
    lock_out(client, target)

    response = sign_in(client, target.email, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)

    # A colleague behind the same address signs in as usual.
    assert sign_in(client, colleague.email, PASSWORD).status_code == 302
    client.logout()
    # The same account from another address is not locked either.
    assert sign_in(client, target.email, PASSWORD, address="198.51.100.20").status_code == 302


def test_item2_the_lockout_page_is_dutch_in_the_sites_layout_and_says_what_to_do(client):
    target = UserFactory()
    lock_out(client, target)

    response = sign_in(client, target.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="nl"' in page
    assert 'class="navbar-brand' in page  # base.html's layout
    assert "Te veel mislukte pogingen" in page
    # When to try again: an hour after this attempt, in Dutch time.
    shown = re.search(r"tot (\d\d:\d\d) niet met een wachtwoord", page).group(1)
    in_an_hour = timezone.localtime() + timedelta(hours=1)
    assert shown in {(in_an_hour - timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    assert reverse("account_request_login_code") in page  # what to do now
    assert "beheerder" in page
    assert target.email not in page


def test_item2_a_locked_out_person_can_still_sign_in_by_emailed_code(client):
    target = UserFactory()
    lock_out(client, target)

    client.post(
        reverse("account_request_login_code"), {"email": target.email}, REMOTE_ADDR=SCHOOL_NAT
    )
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[-1].body).group(1)
    response = client.post(
        reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=SCHOOL_NAT
    )
    assert response.status_code == 302
    assert signed_in(client)


def test_item2_wrong_sign_in_codes_are_limited_by_allauth_not_by_axes(client):
    target = UserFactory()
    client.post(reverse("account_request_login_code"), {"email": target.email})
    for _ in range(3):
        response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG-CODE"})
    assert not AccessAttempt.objects.exists()
    # allauth allows three wrong codes, then the code is spent.
    assert response.status_code == 302
    assert response.url == reverse("account_request_login_code")
    assert not signed_in(client)


def test_item2_the_admin_sign_in_checks_no_password_and_records_no_failure(client):
    admin = UserFactory(is_staff=True)
    for _ in range(10):
        response = client.post(
            reverse("admin:login"), {"username": admin.email, "password": "wrong"}
        )
        assert response.status_code == 302
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": " Docent@School.example.org", "password": "x"},  # allauth's sign-in form
        {"username": "docent@school.example.org", "password": "x"},  # Django's ModelBackend
        {"login": "DOCENT@school.example.org"},  # axes itself, after a successful sign-in
        {"login": None, "email": "docent@school.example.org"},  # axes' backend adds "login"
    ],
)
def test_item2_axes_finds_the_account_in_every_credentials_shape(credentials):
    request = RequestFactory().post("/")
    assert axes_username(request, credentials) == "docent@school.example.org"


def test_item2_axes_falls_back_to_the_posted_form():
    request = RequestFactory().post("/", {"login": "Docent@School.example.org"})
    assert axes_username(request, None) == "docent@school.example.org"
    assert axes_username(RequestFactory().post("/"), None) is None


# Client address behind a proxy


def request_from(remote_addr, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_item2_a_spoofed_forwarded_for_is_ignored_without_trusted_proxies(client):
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"

    target = UserFactory()
    sign_in(client, target.email, "wrong", "203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_item2_one_trusted_proxy_gives_the_address_it_saw(client):
    # The proxy appends the address it saw; whatever the client sent stays to the left.
    spoofed = request_from("10.0.0.1", "6.6.6.6, 192.0.2.44")
    assert client_ip(spoofed) == "192.0.2.44"
    assert get_adapter().get_client_ip(spoofed) == "192.0.2.44"  # allauth's limits agree
    assert client_ip(request_from("10.0.0.1", "192.0.2.44")) == "192.0.2.44"
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"  # not through the proxy
    assert client_ip(request_from("10.0.0.1", "not-an-address")) == "10.0.0.1"

    # Two schools behind the same proxy: one school's failures lock nobody at the other.
    target = UserFactory()
    for _ in range(10):
        sign_in(client, target.email, "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.44")
        cache.clear()
    assert AccessAttempt.objects.get().ip_address == "192.0.2.44"
    response = sign_in(
        client, target.email, PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.3"
    )
    assert response.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_item2_two_trusted_proxies_take_the_second_address_from_the_right():
    request = request_from("10.0.0.2", "6.6.6.6, 192.0.2.44, 10.0.0.1")
    assert client_ip(request) == "192.0.2.44"


def test_item2_allauth_and_axes_trust_the_same_number_of_proxies():
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT
    assert settings.AXES_CLIENT_IP_CALLABLE == "werkdruk.client_ip.client_ip"
