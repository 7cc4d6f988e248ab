from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.contrib.auth import get_user_model
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

    def confirm_email(self, request, email_address):
        """Never verify another account's own address for this one.

        allauth checks only other accounts' verified addresses; an account made outside
        create_user (which records its address as verified) may not have that row.
        """
        User = get_user_model()
        if (
            User.objects.filter(email__iexact=email_address.email)
            .exclude(pk=email_address.user_id)
            .exists()
        ):
            self.add_message(
                request,
                messages.ERROR,
                "account/messages/email_confirmation_failed.txt",
                {"email": email_address.email},
            )
            return False
        return super().confirm_email(request, email_address)
