from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from werkdruk import outbox

CAUSE = "account"  # sign-in codes, address verification, password reset


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the school (staff import) or the administrator."""

    def is_open_for_signup(self, request):
        return False

    def get_email_verification_redirect_url(self, email_address):
        """Back to the e-mail addresses page after confirming an added address."""
        if self.request.user.is_authenticated:
            return reverse("account_email")
        return super().get_email_verification_redirect_url(email_address)

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (sign-in codes, verification, password reset) through the outbox:
        written in the request's transaction, sent by a worker right after the commit. The
        code lives in the body only until it is sent; it is never logged."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        msg = self.render_mail(template_prefix, email, ctx)
        outbox.enqueue(
            to=email,
            subject=msg.subject,
            body=msg.body,
            from_email=msg.from_email,
            reply_to=msg.reply_to,
            cause=CAUSE,
        )
