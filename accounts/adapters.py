from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the school (staff import) or the administrator."""

    def is_open_for_signup(self, request):
        return False

    def get_email_verification_redirect_url(self, email_address):
        """Back to the e-mail addresses page after confirming an added address."""
        if self.request.user.is_authenticated:
            return reverse("account_email")
        return super().get_email_verification_redirect_url(email_address)
