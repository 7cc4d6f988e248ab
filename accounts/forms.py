"""allauth's forms where an e-mail address identifies an account (``ACCOUNT_FORMS``).

allauth looks accounts up by any address they listed, verified or not, and lets anyone add
any address. Here an address identifies the account that verified it (``email_owner``), and
an address of another account cannot be added.
"""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import email_is_another_accounts, email_owner


def _active_owner(email):
    owner = email_owner(email) if email else None
    return owner if owner is not None and owner.is_active else None


class AddEmailForm(allauth_forms.AddEmailForm):
    """Add an address: refused when it is another account's, verified or not."""

    def clean_email(self):
        email = super().clean_email()
        if email_is_another_accounts(email, self.user):
            # Says no more than needed: not whose it is, nor whether they confirmed it.
            raise forms.ValidationError(
                _(
                    "You cannot add this e-mail address. If it is yours, ask your school's "
                    "administrator for help."
                ),
                code="email_taken",
            )
        return email


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    """Ask for a sign-in code: it goes to the address and signs in the address's owner only."""

    def clean_email(self):
        email = super().clean_email()
        self._user = _active_owner(email)
        return email


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """Password reset: only for the account that verified the address."""

    def clean_email(self):
        email = super().clean_email()
        owner = _active_owner(email)
        self.users = [owner] if owner else []
        return email
