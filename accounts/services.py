"""Writes about accounts and their e-mail addresses."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from werkdruk.exceptions import DomainError

from .selectors import email_owner, email_owners


@transaction.atomic
def user_email_vouch(*, user) -> EmailAddress:
    """Record ``user.email`` as the account's verified primary address.

    For whoever makes or corrects accounts: the school's staff import, an administrator, the
    demo. They vouch for the address, the user proves nothing: a school's staff list is the
    authority for its staff's work addresses (and the first sign-in by code proves possession
    anyway). Other accounts' unverified claims on the address are removed, so it counts for
    this account alone. Callers check permission; this service has no actor.

    Raises DomainError when another account has verified the address.
    """
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    email = user.email.lower()
    owner = email_owner(email)
    if owner is not None and owner.pk != user.pk:
        raise DomainError(_("Another account has already confirmed this e-mail address."))
    EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=user).delete()
    EmailAddress.objects.filter(user=user, primary=True).exclude(email=email).update(primary=False)
    address, _created = EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return address


@transaction.atomic
def users_get_or_create_by_address(*, people) -> tuple[dict, int]:
    """The account for each (e-mail, name) of a school's staff list, made where missing.

    An address belongs to the account that verified it; staff linking never goes through an
    unverified address. A new account gets the address as its verified primary address (the
    school vouches, see ``user_email_vouch``), which removes other accounts' unverified claims
    on it. Returns ({address: account}, number of accounts created).
    """
    User = get_user_model()
    names = {email.strip().lower(): name for email, name in people}
    accounts = email_owners(names)
    missing = [email for email in names if email not in accounts]
    if not missing:
        return accounts, 0
    # An account whose own address this is but that has no verified row for it was made
    # outside create_user (which vouches): its maker vouched; record it.
    holders: dict = {}
    for user in (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=missing)
        .order_by("pk")
    ):
        holders.setdefault(user.email_lower, user)
    for email, holder in holders.items():
        user_email_vouch(user=holder)
        accounts[email] = holder
    # The others get a new account, made as create_user makes one (no password, the address
    # verified and primary) but all at once: a staff list of thousands in a few statements.
    new = []
    for email in missing:
        if email in holders:
            continue
        user = User(email=email, name=names[email], is_staff=False, is_superuser=False)
        user.set_unusable_password()
        new.append(user)
    if not new:
        return accounts, 0
    new = User.objects.bulk_create(new)
    emails = [user.email for user in new]
    EmailAddress.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=emails, verified=False
    ).delete()
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in new
    )
    accounts.update((user.email, user) for user in new)
    return accounts, len(new)
