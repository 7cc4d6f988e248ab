import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.signin import sign_in_admin


def test_email_is_the_identifier_and_case_does_not_matter(db):
    User = get_user_model()
    user = User.objects.create_user("Docent@School.NL", "secret-password-1")
    assert user.email == "docent@school.nl"
    assert User.objects.get_by_natural_key("DOCENT@school.nl") == user
    with pytest.raises(IntegrityError):
        User.objects.create_user("docent@school.nl")


def test_sign_up_is_closed(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code in (200, 403)
    assert (
        "closed" in response.content.decode().lower()
        or response.status_code == 403
        or ("gesloten" in response.content.decode().lower())
    )
    client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "x-Very-long-1", "password2": "x-Very-long-1"},
    )
    assert not get_user_model().objects.filter(email="new@example.org").exists()


def test_login_page_is_dutch_by_default(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()
    assert "Inloggen" in response.content.decode()


def test_login_by_emailed_code_signs_in(client, db):
    user = UserFactory(email="teacher@school.example.org")
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[0].body).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("processes:dashboard")).wsgi_request.user == user


def test_login_by_code_rejects_a_wrong_code(client, db):
    user = UserFactory()
    client.post(reverse("account_request_login_code"), {"email": user.email})
    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    assert response.status_code == 200
    assert not client.get(reverse("processes:dashboard")).wsgi_request.user.is_authenticated


def test_admin_requires_two_factor_when_not_set_up(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_admin_opens_when_two_factor_is_set_up_and_passed(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in_admin(client, admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_ordinary_users_are_not_asked_for_two_factor(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("processes:dashboard")).status_code == 200


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account_out(client, db):
    user = UserFactory(email="target@example.org")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 429
    assert not client.get(reverse("processes:dashboard")).wsgi_request.user.is_authenticated


def test_unknown_address_gets_no_email_when_asking_for_a_code(client, db):
    client.post(reverse("account_request_login_code"), {"email": "nobody@example.org"})
    assert mail.outbox == []


def test_code_email_greets_without_the_host_name(client, db):
    user = UserFactory()
    client.post(reverse("account_request_login_code"), {"email": user.email})
    assert "testserver" not in mail.outbox[0].body
    assert "Werkdruk" in mail.outbox[0].body
