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
