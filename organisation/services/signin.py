"""Writes for sign-in with the school's own account: a board's providers (kept by its board
administrators) and the account a sign-in gets (the linking rules, asked by
``organisation.signin_adapter`` for every sign-in)."""

import logging
import re
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import email_owner
from accounts.services import user_email_vouch
from processes.services import require_perm
from werkdruk.exceptions import DomainError

from ..models import SignInProvider, domains_parse
from ..selectors.signin import (
    ENTRA_MULTI_TENANT,
    board_knows_address,
    board_staff_by_address,
    signin_address_allowed,
    signin_verified_address,
)

logger = logging.getLogger(__name__)

MANAGE = "organisation.manage_signin"
TENANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FIELDS = ("kind", "label", "client_id", "tenant_id", "server_url", "allowed_domains", "enabled")


class SignInRefused(DomainError):
    """A sign-in through a board's provider that gets no account. ``reason`` is a short code
    for the log (never the address or a claim)."""

    def __init__(self, message, *, reason):
        super().__init__(message)
        self.reason = reason


def _checked(fields: dict) -> dict:
    """The provider's fields, normalised, or a DomainError naming what is wrong."""
    kind = fields["kind"]
    fields["label"] = fields["label"].strip()
    fields["client_id"] = fields["client_id"].strip()
    fields["tenant_id"] = (fields.get("tenant_id") or "").strip().lower()
    fields["server_url"] = (fields.get("server_url") or "").strip().rstrip("/")
    domains = domains_parse(fields["allowed_domains"])
    if not domains:
        raise DomainError(_("Give at least one allowed e-mail domain."))
    if any("@" in d or "." not in d or "/" in d for d in domains):
        raise DomainError(_("Give e-mail domains like school.nl, without names or addresses."))
    fields["allowed_domains"] = "\n".join(domains)
    if kind == SignInProvider.Kind.ENTRA:
        if fields["tenant_id"] in ENTRA_MULTI_TENANT or not TENANT_ID.match(fields["tenant_id"]):
            raise DomainError(
                _(
                    "Give the directory (tenant) ID of the school's Microsoft account: 36 "
                    "characters like 0a1b2c3d-1234-5678-9abc-def012345678. A shared tenant "
                    "(common, organizations) is not allowed."
                )
            )
        fields["server_url"] = ""
    else:
        fields["tenant_id"] = ""
    if kind == SignInProvider.Kind.GOOGLE:
        fields["server_url"] = ""
    if kind == SignInProvider.Kind.OIDC and not fields["server_url"]:
        raise DomainError(_("Give the issuer (server URL) of the OpenID Connect provider."))
    if fields["server_url"]:
        url = urlsplit(fields["server_url"])
        local = url.hostname in ("localhost", "127.0.0.1", "::1")
        if url.scheme != "https" and not (url.scheme == "http" and local):
            raise DomainError(_("The issuer (server URL) must start with https://."))
    return fields


@transaction.atomic
def signin_provider_create(*, actor, board, client_secret: str, **fields) -> SignInProvider:
    """Add a sign-in provider to ``board`` (its board administrators only)."""
    require_perm(actor, MANAGE, board)
    fields = _checked({key: fields.get(key) for key in FIELDS})
    if not client_secret.strip():
        raise DomainError(_("Give the client secret."))
    return SignInProvider.objects.create(board=board, client_secret=client_secret.strip(), **fields)


@transaction.atomic
def signin_provider_update(*, actor, provider, client_secret: str = "", **fields):
    """Change a provider; an empty ``client_secret`` keeps the one it has."""
    require_perm(actor, MANAGE, provider.board)
    provider = SignInProvider.objects.select_for_update().get(pk=provider.pk)
    for key, value in _checked({key: fields.get(key) for key in FIELDS}).items():
        setattr(provider, key, value)
    if client_secret.strip():
        provider.client_secret = client_secret.strip()
    provider.save()
    return provider


@transaction.atomic
def signin_provider_delete(*, actor, provider) -> None:
    """Remove a provider. Accounts keep working by e-mail code; the provider's links to
    accounts (allauth's social accounts) go with it."""
    from allauth.socialaccount.models import SocialAccount

    require_perm(actor, MANAGE, provider.board)
    SocialAccount.objects.filter(provider=provider.provider_id).delete()
    provider.delete()


def _refuse(provider, reason, message):
    logger.info("Sign-in through provider %s refused: %s", provider.pk, reason)
    raise SignInRefused(message, reason=reason)


@transaction.atomic
def signin_account(*, provider: SignInProvider, id_token: dict, userinfo: dict, linked=None):
    """The account a sign-in through ``provider`` gets, made if needed; SignInRefused if none.

    The rules: the provider vouches for the address (``signin_verified_address``), its domain
    is one of the provider's allowed domains, and the provider's own board knows the address
    (``board_knows_address``). The account is the one that verified the address; without
    one, an account is made (``create_user``, which records the address as verified) for a
    staff member or an open invitation of the board. The board's active staff records with the
    address are linked to it, as the staff import does. ``linked`` is the account an earlier
    sign-in through this provider was linked to: it must be the same one.
    """
    board = provider.board
    address = signin_verified_address(provider=provider, id_token=id_token, userinfo=userinfo)
    if address is None:
        _refuse(
            provider,
            "no verified address",
            _(
                "%(provider)s did not confirm a verified e-mail address for your account, so "
                "you cannot sign in with it. Sign in with your e-mail code instead."
            )
            % {"provider": provider.label},
        )
    unknown = _(
        "This address is not known at %(board)s; sign in with your e-mail code. (Ask your "
        "school to add you to the staff list if you work there.)"
    ) % {"board": board.name}
    if not signin_address_allowed(provider=provider, address=address):
        _refuse(provider, "domain not allowed", unknown)
    if not board_knows_address(board=board, address=address):
        _refuse(provider, "address unknown at the board", unknown)
    user = email_owner(address)
    if user is None:
        User = get_user_model()
        user = User.objects.filter(email__iexact=address).first()
        if user is not None:
            user_email_vouch(user=user)  # the provider verified the account's own address
        else:
            staff = board_staff_by_address(board=board, address=address).first()
            user = User.objects.create_user(address, name=staff.name if staff else "")
    if linked is not None and linked.pk != user.pk:
        _refuse(provider, "linked to another account", unknown)
    board_staff_by_address(board=board, address=address).filter(user__isnull=True).update(user=user)
    return user
