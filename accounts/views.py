"""Account pages of our own: the admin's sign-in door and the e-mail addresses page."""

from allauth.account.internal.flows.email_verification_by_code import EmailVerificationProcess
from allauth.account.models import EmailAddress
from allauth.account.views import EmailView as AllauthEmailView
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _


@login_not_required
def admin_login(request):
    """The admin's sign-in page: administrators sign in through allauth like everyone else.

    Django's own admin form checks a password only; allauth's sign-in asks for the second
    factor too. ``AdminMFARequiredMiddleware`` guards the admin itself, whichever way a
    session was opened; this page only sends people to the right door. Nothing is posted
    to a password check here.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
    if request.user.is_staff:
        # The middleware let this session through, so it passed the second factor.
        return redirect(next_url)
    # Signed in but no administrator: the admin would send them back here, round and round.
    messages.error(request, _("Only administrators can open the administration."))
    return redirect("processes:dashboard")


class EmailView(AllauthEmailView):
    """allauth's e-mail addresses page; only a confirmed address can become the main address.

    allauth allows an unverified main address while an account has no verified one, and then
    fails with a server error when the address is another account's.
    """

    def post(self, request, *args, **kwargs):
        if "action_primary" in request.POST and request.POST.get("email"):
            address = EmailAddress.objects.filter(
                user_id=request.user.pk, email__iexact=request.POST["email"].strip()
            ).first()
            if address is not None and not address.verified:
                messages.error(
                    request,
                    _(
                        "First confirm this address with the code we e-mail to it; then you "
                        "can make it your main address."
                    ),
                )
                return redirect("account_email")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        """Also whether any listed address is unconfirmed, and the address waiting for its
        code: allauth keeps that one in the session, not in the database, until the code is
        entered."""
        context = super().get_context_data(**kwargs)
        context["has_unconfirmed"] = any(not a.verified for a in context["emailaddresses"])
        process = EmailVerificationProcess.resume(self.request)
        pending = process.email_address if process else None
        if pending is not None and pending.user_id == self.request.user.pk and not pending.pk:
            context["pending_email"] = pending.email
        return context


email = EmailView.as_view()
