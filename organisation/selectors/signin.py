"""Reads for sign-in with the school's own account: the providers, the address a provider
vouches for, and whether a board knows that address."""

from django.utils import timezone

from accounts.selectors import email_owner
from processes.models import BoardAdministrator, GmrMember, SchoolRole
from units.models import StaffMember

from ..models import Invitation, SignInProvider

ENTRA_MULTI_TENANT = {"common", "organizations", "consumers"}


def signin_providers_enabled():
    """Every enabled provider of every board: the buttons on the sign-in page, allauth's apps."""
    return SignInProvider.objects.filter(enabled=True).select_related("board")


def signin_providers_of_board(*, board):
    return SignInProvider.objects.filter(board=board).order_by("label", "id")


def signin_provider_of_board(*, board, pk) -> SignInProvider:
    return SignInProvider.objects.get(board=board, pk=pk)


def signin_verified_address(*, provider: SignInProvider, id_token: dict, userinfo: dict):
    """The e-mail address the provider vouches for (lower case), or None.

    Google, SURFconext and other providers: the ``email`` claim, only with ``email_verified``
    true (the ID token's or the userinfo's; a string "true" counts, as some providers send it).
    Microsoft Entra ID sends no ``email_verified``: the address is the ``email`` claim, else the
    ``preferred_username`` (the work account's sign-in name), accepted only from the board's own
    tenant (the token's issuer and ``tid`` are the configured tenant's), so the school's
    directory vouches for it; an optional ``xms_edov`` claim that is not true refuses it. A
    domain check follows in ``signin_address_allowed``.
    """
    claims = {**id_token, **userinfo}
    if provider.kind == SignInProvider.Kind.ENTRA:
        tenant = provider.tenant_id.strip().lower()
        if not tenant or tenant in ENTRA_MULTI_TENANT:
            return None
        if str(id_token.get("iss", "")).rstrip("/") != provider.issuer.rstrip("/"):
            return None
        if str(id_token.get("tid", "")).lower() != tenant:
            return None
        if "xms_edov" in claims and not _is_true(claims["xms_edov"]):
            return None  # Microsoft says the address's domain is not verified by its owner
        address = claims.get("email") or claims.get("preferred_username") or ""
    else:
        if not _is_true(claims.get("email_verified")):
            return None
        address = claims.get("email") or ""
    address = str(address).strip().lower()
    if address.count("@") != 1 or not address.split("@")[0] or not address.split("@")[1]:
        return None
    return address


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def signin_address_allowed(*, provider: SignInProvider, address: str) -> bool:
    """Whether the address's domain is one of the provider's allowed domains (exactly: a
    subdomain is a different domain)."""
    return address.rpartition("@")[2] in provider.domains


def board_staff_by_address(*, board, address: str):
    """The board's active staff records with this address (any of its schools)."""
    return StaffMember.objects.filter(
        school__board=board,
        active=True,
        pseudonymised_at__isnull=True,
        email__iexact=address,
    )


def board_knows_address(*, board, address: str) -> bool:
    """Whether ``address`` belongs to someone of ``board``: an active staff member of one of
    its schools, an open invitation of the board, or an account (the address verified) with a
    role on the board (director, PMR or steering group at one of its schools, board
    administrator, GMR member). Nothing at another board counts."""
    if board_staff_by_address(board=board, address=address).exists():
        return True
    if Invitation.objects.filter(
        board=board,
        email__iexact=address,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        return True
    user = email_owner(address)
    if user is None:
        return False
    return (
        SchoolRole.objects.filter(user=user, school__board=board).exists()
        or BoardAdministrator.objects.filter(user=user, board=board).exists()
        or GmrMember.objects.filter(user=user, board=board).exists()
    )
