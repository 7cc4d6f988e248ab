"""Issue 17, item 3: sign-in with the school's own account. The linking rules (service and
adapter), the providers page and its permissions, the secret never shown, the login buttons,
and no callback code or state in the logs. The real redirects through a real provider are in
tests/integration/test_oidc_signin.py."""

import logging
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from organisation.models import Invitation, SignInProvider
from organisation.services.signin import (
    SignInRefused,
    signin_account,
    signin_provider_create,
    signin_provider_delete,
    signin_provider_update,
)
from organisation.signin_adapter import SignInAdapter
from processes.models import SchoolRole
from tests.factories import (
    BoardAdministratorFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from werkdruk.exceptions import DomainError
from werkdruk.logging import redact_codes

SECRET = "a-very-secret-client-secret-9f8e7d"
TENANT = "0a1b2c3d-1234-5678-9abc-def012345678"
User = get_user_model()


def make_provider(board, **fields) -> SignInProvider:
    values = {
        "kind": SignInProvider.Kind.GOOGLE,
        "label": "Google",
        "client_id": "client-1",
        "client_secret": SECRET,
        "allowed_domains": "school.example.org",
    }
    values.update(fields)
    return SignInProvider.objects.create(board=board, **values)


def verified(email, **more):
    return {"email": email, "email_verified": True, **more}


# --- the linking rules ---------------------------------------------------------------------


def test_staff_member_without_account_gets_one_linked_to_the_staff_record(school):
    member = StaffMemberFactory(school=school, email="Ann@School.example.org", name="Ann de Wit")
    provider = make_provider(school.board)

    user = signin_account(
        provider=provider, id_token=verified("ann@school.example.org"), userinfo={}
    )

    assert user.email == "ann@school.example.org"
    assert user.name == "Ann de Wit"
    assert user.emailaddress_set.get().verified
    member.refresh_from_db()
    assert member.user == user


def test_existing_account_is_the_one_signed_in(school, staff_user):
    provider = make_provider(school.board, allowed_domains="example.org")
    count = User.objects.count()

    user = signin_account(provider=provider, id_token={}, userinfo=verified(staff_user.email))

    assert user == staff_user
    assert User.objects.count() == count


@pytest.mark.parametrize("flag", [False, None, "false", 0])
def test_unverified_email_claim_is_refused(school, flag):
    StaffMemberFactory(school=school, email="ann@school.example.org")
    provider = make_provider(school.board)
    claims = {"email": "ann@school.example.org"}
    if flag is not None:
        claims["email_verified"] = flag

    with pytest.raises(SignInRefused) as refused:
        signin_account(provider=provider, id_token=claims, userinfo={})

    assert refused.value.reason == "no verified address"
    assert not User.objects.filter(email="ann@school.example.org").exists()


def test_a_domain_that_is_not_allowed_is_refused(school):
    StaffMemberFactory(school=school, email="ann@elsewhere.example.org")
    provider = make_provider(school.board)

    with pytest.raises(SignInRefused, match=school.board.name):
        signin_account(
            provider=provider, id_token=verified("ann@elsewhere.example.org"), userinfo={}
        )


def test_an_unknown_address_is_refused_and_nothing_is_made(school):
    provider = make_provider(school.board)
    count = User.objects.count()

    with pytest.raises(SignInRefused) as refused:
        signin_account(provider=provider, id_token=verified("who@school.example.org"), userinfo={})

    assert "not known at" in refused.value.message
    assert refused.value.reason == "address unknown at the board"
    assert User.objects.count() == count


def test_a_former_staff_member_is_refused(school):
    StaffMemberFactory(school=school, email="gone@school.example.org", active=False)
    provider = make_provider(school.board)

    with pytest.raises(SignInRefused):
        signin_account(provider=provider, id_token=verified("gone@school.example.org"), userinfo={})


def test_board_x_provider_refuses_someone_known_only_at_board_y(school, other_school):
    StaffMemberFactory(school=other_school, email="y@school.example.org")
    other_user = UserFactory(email="y.director@school.example.org")
    SchoolRoleFactory(school=other_school, user=other_user, role=SchoolRole.Role.DIRECTOR)
    provider = make_provider(school.board)

    for address in ("y@school.example.org", "y.director@school.example.org"):
        with pytest.raises(SignInRefused):
            signin_account(provider=provider, id_token=verified(address), userinfo={})
    assert not User.objects.filter(email="y@school.example.org").exists()


def test_role_holders_of_the_board_are_known(school):
    provider = make_provider(school.board)
    admin = BoardAdministratorFactory(
        board=school.board, user=UserFactory(email="admin@school.example.org")
    ).user
    director = SchoolRoleFactory(
        school=school, user=UserFactory(email="boss@school.example.org")
    ).user

    assert signin_account(provider=provider, id_token=verified(admin.email), userinfo={}) == admin
    assert (
        signin_account(provider=provider, id_token=verified(director.email), userinfo={})
        == director
    )


def test_an_open_invitation_counts_an_expired_one_does_not(school, board_admin):
    provider = make_provider(school.board)

    def invite(email, expires_at):
        return Invitation.objects.create(
            board=school.board,
            role=Invitation.Role.GMR,
            email=email,
            token_digest=email,
            invited_by=board_admin,
            expires_at=expires_at,
        )

    invite("new@school.example.org", timezone.now() + timedelta(days=3))
    invite("late@school.example.org", timezone.now() - timedelta(days=1))

    user = signin_account(
        provider=provider, id_token=verified("new@school.example.org"), userinfo={}
    )
    assert user.email == "new@school.example.org"
    with pytest.raises(SignInRefused):
        signin_account(provider=provider, id_token=verified("late@school.example.org"), userinfo={})


def test_a_provider_account_linked_to_another_account_is_refused(school, staff_user):
    provider = make_provider(school.board, allowed_domains="example.org")
    someone_else = UserFactory()

    with pytest.raises(SignInRefused):
        signin_account(
            provider=provider,
            id_token=verified(staff_user.email),
            userinfo={},
            linked=someone_else,
        )


def entra(school, **fields):
    return make_provider(
        school.board, kind=SignInProvider.Kind.ENTRA, tenant_id=TENANT, label="Microsoft", **fields
    )


def entra_token(**claims):
    return {"iss": f"https://login.microsoftonline.com/{TENANT}/v2.0", "tid": TENANT, **claims}


def test_entra_has_no_email_verified_the_own_tenant_vouches(school):
    StaffMemberFactory(school=school, email="ann@school.example.org")
    provider = entra(school)
    assert provider.issuer == f"https://login.microsoftonline.com/{TENANT}/v2.0"

    user = signin_account(
        provider=provider,
        id_token=entra_token(preferred_username="Ann@school.example.org"),
        userinfo={},
    )

    assert user.email == "ann@school.example.org"


@pytest.mark.parametrize(
    "token",
    [
        {"iss": f"https://login.microsoftonline.com/{TENANT}/v2.0", "tid": "another-tenant"},
        {"iss": "https://login.microsoftonline.com/another/v2.0", "tid": TENANT},
        {
            "iss": f"https://login.microsoftonline.com/{TENANT}/v2.0",
            "tid": TENANT,
            "xms_edov": False,
        },
    ],
)
def test_entra_from_another_tenant_is_refused(school, token):
    StaffMemberFactory(school=school, email="ann@school.example.org")
    provider = entra(school)

    with pytest.raises(SignInRefused):
        signin_account(
            provider=provider, id_token={**token, "email": "ann@school.example.org"}, userinfo={}
        )


# --- the adapter ---------------------------------------------------------------------------


def test_allauth_gets_the_enabled_providers_as_apps_nothing_from_settings(school, other_school):
    one = make_provider(school.board, label="Eén")
    make_provider(school.board, label="Uit", enabled=False)
    two = make_provider(other_school.board, kind=SignInProvider.Kind.SURFCONEXT, label="SURF")
    adapter = SignInAdapter()

    apps = adapter.list_apps(None)
    assert sorted(app.provider_id for app in apps) == sorted([one.provider_id, two.provider_id])
    assert {app.provider for app in apps} == {"openid_connect"}
    (app,) = adapter.list_apps(None, provider=two.provider_id)
    assert app.settings["server_url"] == "https://connect.surfconext.nl"
    assert app.settings["oauth_pkce_enabled"] is True
    assert app.name == "SURF"
    assert adapter.list_apps(None, provider="google") == []
    assert adapter.list_apps(None, provider="signin-x") == []


def _request():
    request = RequestFactory().get("/accounts/oidc/x/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    return request


def _sociallogin(provider, data, uid="sub-1"):
    adapter = SignInAdapter()
    request = _request()
    allauth_provider = adapter.get_provider(request, provider.provider_id)
    login = allauth_provider.sociallogin_from_response(request, {"id_token": data, **{"sub": uid}})
    login.state = {"process": "login"}
    return request, login


def test_pre_social_login_connects_the_account_then_finds_it_again(school):
    StaffMemberFactory(school=school, email="ann@school.example.org")
    provider = make_provider(school.board)
    request, login = _sociallogin(provider, verified("ann@school.example.org", sub="sub-1"))

    SignInAdapter().pre_social_login(request, login)

    assert login.is_existing
    account = SocialAccount.objects.get(provider=provider.provider_id, uid="sub-1")
    assert account.user.email == "ann@school.example.org"


def test_pre_social_login_refuses_with_a_page_and_makes_nothing(school):
    from allauth.core.exceptions import ImmediateHttpResponse

    provider = make_provider(school.board)
    request, login = _sociallogin(provider, verified("who@school.example.org", sub="sub-2"))

    with pytest.raises(ImmediateHttpResponse) as refused:
        SignInAdapter().pre_social_login(request, login)

    assert refused.value.response.status_code == 403
    assert school.board.name in refused.value.response.content.decode()
    assert not SocialAccount.objects.exists()
    assert not User.objects.filter(email="who@school.example.org").exists()


def test_pre_social_login_refuses_connecting_from_the_connections_page(school, staff_user):
    from allauth.core.exceptions import ImmediateHttpResponse

    provider = make_provider(school.board, allowed_domains="example.org")
    request, login = _sociallogin(provider, verified(staff_user.email, sub="sub-3"))
    login.state = {"process": "connect"}

    with pytest.raises(ImmediateHttpResponse):
        SignInAdapter().pre_social_login(request, login)
    assert not SocialAccount.objects.exists()


def test_a_disabled_provider_is_not_served(school):
    provider = make_provider(school.board, enabled=False)
    assert SignInAdapter().list_apps(None, provider=provider.provider_id) == []


# --- the providers page --------------------------------------------------------------------

PAGES = ["list", "add", "edit", "delete"]


def _url(page, board, provider):
    if page == "list":
        return reverse("organisation:signin-providers", args=[board.pk])
    if page == "add":
        return reverse("organisation:signin-provider-add", args=[board.pk])
    if page == "edit":
        return reverse("organisation:signin-provider-edit", args=[board.pk, provider.pk])
    return reverse("organisation:signin-provider-delete", args=[board.pk, provider.pk])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "staff_user",
        "director",
        "pmr",
        "steering",
        "other_director",
        "other_board_admin",
        "board_admin",
    ],
)
def test_permission_matrix(client, request, school, page, role):
    provider = make_provider(school.board)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = _url(page, school.board, provider)

    response = client.post(url) if page == "delete" else client.get(url)

    if role == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    elif role == "board_admin":
        assert response.status_code == (302 if page == "delete" else 200)
    else:
        assert response.status_code in (403, 404)
    assert SignInProvider.objects.filter(pk=provider.pk).exists() == (
        role != "board_admin" or page != "delete"
    )


def test_a_provider_of_another_board_is_not_found_under_this_board(
    client, school, other_school, board_admin
):
    theirs = make_provider(other_school.board)
    client.force_login(board_admin)
    url = reverse("organisation:signin-provider-edit", args=[school.board.pk, theirs.pk])
    assert client.get(url).status_code == 404


def test_the_secret_is_never_rendered(client, school, board_admin):
    provider = make_provider(school.board)
    client.force_login(board_admin)

    for url in (
        _url("list", school.board, provider),
        _url("edit", school.board, provider),
    ):
        content = client.get(url).content.decode()
        assert SECRET not in content
        assert SECRET[:12] not in content
        assert provider.secret_hint in content
    listing = client.get(_url("list", school.board, provider)).content.decode()
    assert f"/accounts/oidc/{provider.provider_id}/login/callback/" in listing


def test_board_admin_adds_changes_and_removes_a_provider(client, school, board_admin):
    client.force_login(board_admin)
    add = _url("add", school.board, None)
    response = client.post(
        add,
        {
            "kind": "entra",
            "label": "Microsoft",
            "client_id": "abc",
            "client_secret": SECRET,
            "tenant_id": TENANT.upper(),
            "allowed_domains": "@School.example.org, school2.example.org",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    provider = SignInProvider.objects.get()
    assert provider.tenant_id == TENANT
    assert provider.domains == ["school.example.org", "school2.example.org"]
    assert provider.client_secret == SECRET

    edit = _url("edit", school.board, provider)
    response = client.post(
        edit,
        {
            "kind": "entra",
            "label": "Microsoft 365",
            "client_id": "abc",
            "client_secret": "",
            "tenant_id": TENANT,
            "allowed_domains": "school.example.org",
        },
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.label == "Microsoft 365"
    assert provider.client_secret == SECRET  # left empty: kept
    assert not provider.enabled

    SocialAccount.objects.create(user=board_admin, provider=provider.provider_id, uid="x")
    response = client.post(_url("delete", school.board, provider))
    assert response.status_code == 302
    assert not SignInProvider.objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": "entra", "tenant_id": "common"}, "tenant"),
        ({"kind": "entra", "tenant_id": ""}, "tenant"),
        ({"kind": "oidc", "server_url": ""}, "issuer"),
        ({"kind": "oidc", "server_url": "http://idp.example.org"}, "https"),
        ({"allowed_domains": " , "}, "domain"),
        ({"allowed_domains": "ann@school.nl"}, "domain"),
    ],
)
def test_the_service_refuses_incomplete_providers(school, board_admin, fields, message):
    values = {
        "kind": "google",
        "label": "X",
        "client_id": "c",
        "client_secret": "s",
        "tenant_id": "",
        "server_url": "",
        "allowed_domains": "school.nl",
        "enabled": True,
    }
    values.update(fields)
    with pytest.raises(DomainError, match=f"(?i){message}"):
        signin_provider_create(actor=board_admin, board=school.board, **values)


def test_the_services_check_permission(school, director, other_board_admin):
    from django.core.exceptions import PermissionDenied

    provider = make_provider(school.board)
    values = {
        "kind": "google",
        "label": "X",
        "client_id": "c",
        "client_secret": "s",
        "allowed_domains": "school.nl",
        "enabled": True,
    }
    for actor in (director, other_board_admin):
        with pytest.raises(PermissionDenied):
            signin_provider_create(actor=actor, board=school.board, **values)
        with pytest.raises(PermissionDenied):
            signin_provider_update(actor=actor, provider=provider, **values)
        with pytest.raises(PermissionDenied):
            signin_provider_delete(actor=actor, provider=provider)


def test_board_page_links_the_sign_in_page_for_board_admins_only(client, school, board_admin):
    url = reverse("processes:board-detail", args=[school.board.pk])
    client.force_login(board_admin)
    assert 'data-testid="signin-link"' in client.get(url).content.decode()


# --- the sign-in page ----------------------------------------------------------------------


def test_login_page_has_a_post_button_per_enabled_provider(client, school, other_school):
    on = make_provider(school.board, label="Google van X")
    off = make_provider(school.board, label="Uitgezet", enabled=False)
    surf = make_provider(other_school.board, kind="surfconext", label="SURFconext Y")

    content = client.get(reverse("account_login")).content.decode()

    for provider in (on, surf):
        assert f'data-testid="signin-provider-{provider.provider_id}"' in content
        assert f'action="/accounts/oidc/{provider.provider_id}/login/?process=login"' in content
    assert off.label not in content
    assert "Google van X" in content
    assert 'method="post"' in content
    assert "<script>" not in content  # CSP: no inline script
    assert reverse("account_request_login_code") in content  # the e-mail code stays


def test_login_page_without_providers_shows_no_provider_buttons(client, db):
    content = client.get(reverse("account_login")).content.decode()
    assert "signin-providers" not in content


def test_starting_a_sign_in_by_get_does_not_leave_for_the_provider(client, school):
    provider = make_provider(school.board)
    response = client.get(f"/accounts/oidc/{provider.provider_id}/login/")
    assert response.status_code == 200  # allauth's confirmation page, no redirect


# --- the logs ------------------------------------------------------------------------------


def test_the_callbacks_code_and_state_are_redacted():
    line = (
        '"GET /accounts/oidc/signin-3/login/callback/?code=SplxlOBeZQQYbYS6WxSbIA'
        '&state=af0ifjsldkj&iss=https%3A%2F%2Fidp HTTP/1.1" 403'
    )
    redacted = redact_codes(line)
    assert "SplxlOBeZQQYbYS6WxSbIA" not in redacted
    assert "af0ifjsldkj" not in redacted
    assert "?code=…&state=…&iss=" in redacted
    assert "id_token=…" in redact_codes("/cb#id_token=eyJhbGciOi.x.y&session_state=abc")


def test_the_projects_handler_writes_no_callback_code_or_state():
    from tests.werkdruk.test_log_redaction import console_output

    logger = logging.getLogger("django.server")
    with console_output() as output:
        logger.warning(
            '"GET /accounts/oidc/signin-1/login/callback/?state=Zt5sTaTe&code=c0d3V4lue '
            'HTTP/1.1" 403'
        )
    logged = output.getvalue()
    assert "callback/?state=…&code=…" in logged
    assert "Zt5sTaTe" not in logged
    assert "c0d3V4lue" not in logged


def test_a_refusal_logs_no_address(school, caplog):
    provider = make_provider(school.board)
    with (
        caplog.at_level(logging.INFO, logger="organisation.services.signin"),
        pytest.raises(SignInRefused),
    ):
        signin_account(provider=provider, id_token=verified("who@school.example.org"), userinfo={})
    assert "refused" in caplog.text
    assert "who@school.example.org" not in caplog.text
