"""Sign-in with the school's account through a REAL OpenID Connect provider (issue 17, item 3).

The provider is tests/oidc_provider/ (django-oauth-toolkit), started as a subprocess on a
free port with its own SQLite database and a fresh RSA key; the relying party is this
project's live server. A requests.Session plays the browser and follows the real redirects:
our sign-in page → the provider's authorize endpoint → our callback, which fetches the token
and the userinfo from the provider and verifies the ID token.
"""

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model

from organisation.models import SignInProvider
from tests.factories import SchoolFactory, StaffMemberFactory

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "werkdruk-test-client"
CLIENT_SECRET = "test-client-secret-that-is-long-enough"
USERS = {
    "teacher": {"email": "teacher@school-x.nl", "email_verified": True, "name": "Tessa Leraar"},
    "stranger": {"email": "stranger@school-x.nl", "email_verified": True},
    "unverified": {"email": "unverified@school-x.nl", "email_verified": False},
    "y_only": {"email": "y.only@school-x.nl", "email_verified": True},
}

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oidc_provider(live_server, tmp_path_factory):
    """The provider subprocess; yields its issuer URL. Stopped (and its folder left to pytest's
    tmp cleanup) at the end of the module."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    issuer = f"http://localhost:{port}/o"
    config = {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_prefix": f"{live_server.url}/accounts/oidc/",
        "users": USERS,
    }
    (folder / "config.json").write_text(json.dumps(config))
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "oidc_provider" / "serve.py"),
            str(folder),
            str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError((folder / "provider.log").read_text()[-3000:])
            try:
                response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
                if response.ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the OIDC provider did not start")
            time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def boards(transactional_db):
    """Board X with its school (a staff member "teacher") and board Y, whose school alone has
    "y_only" on its staff list."""
    school_x = SchoolFactory(name="College X")
    school_y = SchoolFactory(name="College Y")
    StaffMemberFactory(school=school_x, email=USERS["teacher"]["email"], name="Tessa Leraar")
    StaffMemberFactory(school=school_x, email=USERS["unverified"]["email"])
    StaffMemberFactory(school=school_y, email=USERS["y_only"]["email"])
    return school_x.board, school_y.board


def _provider(board, issuer) -> SignInProvider:
    return SignInProvider.objects.create(
        board=board,
        kind=SignInProvider.Kind.OIDC,
        label="Test-IdP",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        server_url=issuer,
        allowed_domains="school-x.nl",
    )


def _sign_in(live_server, issuer, provider, username) -> requests.Response:
    """The browser's way: sign in at the provider as ``username``, then press the provider's
    button on our sign-in page and follow every redirect."""
    browser = requests.Session()
    provider_base = issuer.rsplit("/o", 1)[0]
    assert browser.get(f"{provider_base}/as/", params={"user": username}, timeout=10).ok
    page = browser.get(f"{live_server.url}/accounts/login/", timeout=10)
    assert page.ok
    assert f"signin-provider-{provider.provider_id}" in page.text
    action = re.search(
        r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrfmiddlewaretoken"'
        r' value="([^"]+)"',
        page.text,
    )
    assert action, "no POST form for the provider on the sign-in page"
    return browser.post(
        f"{live_server.url}{action.group(1).replace('&amp;', '&')}",
        data={"csrfmiddlewaretoken": action.group(2)},
        timeout=30,
    )


def test_staff_member_signs_in_and_lands_on_the_dashboard(live_server, oidc_provider, boards):
    board_x, _board_y = boards
    provider = _provider(board_x, oidc_provider)

    response = _sign_in(live_server, oidc_provider, provider, "teacher")

    assert response.status_code == 200, response.text[-2000:]
    assert response.url.rstrip("/") == live_server.url, response.url
    user = get_user_model().objects.get(email=USERS["teacher"]["email"])
    assert user.name == "Tessa Leraar"
    assert user.staff_memberships.filter(school__board=board_x).exists()
    assert user.socialaccount_set.filter(provider=provider.provider_id).exists()
    assert "accounts/logout" in response.text  # the dashboard of a signed-in user

    # The second time the linked account is used again: still one account.
    again = _sign_in(live_server, oidc_provider, provider, "teacher")
    assert again.status_code == 200
    assert get_user_model().objects.filter(email=USERS["teacher"]["email"]).count() == 1


def test_unknown_address_is_refused_and_no_account_made(live_server, oidc_provider, boards):
    board_x, _ = boards
    provider = _provider(board_x, oidc_provider)
    users_before = get_user_model().objects.count()

    response = _sign_in(live_server, oidc_provider, provider, "stranger")

    assert response.status_code == 403
    assert 'data-testid="signin-refused"' in response.text
    assert board_x.name in response.text
    assert get_user_model().objects.count() == users_before
    assert not get_user_model().objects.filter(email=USERS["stranger"]["email"]).exists()


def test_unverified_email_claim_is_refused(live_server, oidc_provider, boards):
    board_x, _ = boards
    provider = _provider(board_x, oidc_provider)

    response = _sign_in(live_server, oidc_provider, provider, "unverified")

    assert response.status_code == 403
    assert 'data-testid="signin-refused"' in response.text
    assert not get_user_model().objects.filter(email=USERS["unverified"]["email"]).exists()


def test_board_x_provider_refuses_staff_of_board_y_only(live_server, oidc_provider, boards):
    board_x, board_y = boards
    provider = _provider(board_x, oidc_provider)

    response = _sign_in(live_server, oidc_provider, provider, "y_only")

    assert response.status_code == 403
    assert board_x.name in response.text
    assert not get_user_model().objects.filter(email=USERS["y_only"]["email"]).exists()
