"""Writes about accounts and their e-mail addresses."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
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
    created = 0
    for email, name in names.items():
        if email in accounts:
            continue
        # An account whose own address this is but that has no verified row for it was made
        # outside create_user (which vouches): its maker vouched; record it.
        holder = User.objects.filter(email__iexact=email).first()
        if holder is not None:
            user_email_vouch(user=holder)
        else:
            holder = User.objects.create_user(email, name=name)
            created += 1
        accounts[email] = holder
    return accounts, created
