"""Reads about accounts and their e-mail addresses.

An address counts for an account only once it is verified: the school's staff list or an
administrator vouched for it (``services.user_email_vouch``) or the user entered the code
e-mailed to it. Sign-in (by code or password), password reset and staff linking all ask
``email_owner``; an unverified address belongs to nobody.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Subquery


def email_owner(email: str):
    """The account that verified ``email`` (case-insensitive), or None.

    The database allows one verified row per address (allauth's unique_verified_email), so
    there is at most one owner.
    """
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


def email_owners(emails) -> dict:
    """``email_owner`` for many addresses in one query: {address (lower case): account}."""
    lowered = {email.strip().lower() for email in emails}
    addresses = EmailAddress.objects.filter(email__in=lowered, verified=True).select_related("user")
    return {address.email.lower(): address.user for address in addresses}


def email_owner_subquery(email):
    """The pk of ``email_owner`` of the address ``email`` (an expression, e.g. ``OuterRef``
    lower-cased), for an UPDATE or annotation over many rows."""
    return Subquery(EmailAddress.objects.filter(email=email, verified=True).values("user_id")[:1])


def email_is_another_accounts(email: str, user) -> bool:
    """Whether ``email`` is another account's own address or one it added, verified or not.

    Such an address cannot be added: a colleague's address is theirs even before they
    confirmed it, and an unconfirmed claim of someone else's is not ours to take over.
    """
    email = email.strip()
    return (
        get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user_id=user.pk).exists()
    )
