"""The board's sign-in providers page (board administrators only). Thin: every write goes
through ``services.signin``, which checks permission again."""

from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from processes.selectors import board_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.signin import SignInProviderForm
from ..models import SignInProvider
from ..selectors import signin as reads
from ..services import signin as services

MANAGE = "organisation.manage_signin"


def _board(request, pk):
    """The board (404 if the user cannot see it) whose sign-in the user manages (403 else)."""
    board = board_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm(MANAGE, board):
        raise PermissionDenied
    return board


def _provider(board, provider_pk):
    try:
        return reads.signin_provider_of_board(board=board, pk=provider_pk)
    except SignInProvider.DoesNotExist:
        raise Http404 from None


def callback_url(request, provider) -> str:
    """The redirect URL to register at the provider for this sign-in."""
    path = reverse("openid_connect_callback", kwargs={"provider_id": provider.provider_id})
    return build_absolute_uri(request, path)  # as allauth builds the one it sends


def signin_providers(request, pk):
    board = _board(request, pk)
    providers = [
        {"provider": provider, "callback_url": callback_url(request, provider)}
        for provider in reads.signin_providers_of_board(board=board)
    ]
    return render(
        request,
        "organisation/signin/providers.html",
        {"board": board, "providers": providers},
    )


class _ProviderFormView(View):
    template_name = "organisation/signin/provider_form.html"

    def _render(self, request, board, form, provider=None, status=200):
        context = {"board": board, "form": form, "provider": provider}
        if provider is not None:
            context["callback_url"] = callback_url(request, provider)
        return render(request, self.template_name, context, status=status)


@method_decorator(idempotent_post, name="post")
class SignInProviderCreateView(_ProviderFormView):
    def get(self, request, pk):
        board = _board(request, pk)
        return self._render(request, board, SignInProviderForm())

    def post(self, request, pk):
        board = _board(request, pk)
        form = SignInProviderForm(request.POST)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                provider = services.signin_provider_create(
                    actor=request.user, board=board, **form.service_kwargs()
                )
            if attempt.succeeded:
                messages.success(
                    request,
                    _("Sign-in with %(label)s was added. Register its redirect URL at %(label)s.")
                    % {"label": provider.label},
                )
                return redirect("organisation:signin-providers", pk=board.pk)
        return self._render(request, board, form, status=400)


class SignInProviderUpdateView(_ProviderFormView):
    def get(self, request, pk, provider_pk):
        board = _board(request, pk)
        provider = _provider(board, provider_pk)
        form = SignInProviderForm(instance=provider, editing=True)
        return self._render(request, board, form, provider)

    def post(self, request, pk, provider_pk):
        board = _board(request, pk)
        provider = _provider(board, provider_pk)
        form = SignInProviderForm(request.POST, instance=provider, editing=True)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                services.signin_provider_update(
                    actor=request.user, provider=provider, **form.service_kwargs()
                )
            if attempt.succeeded:
                messages.success(request, _("The sign-in was changed."))
                return redirect("organisation:signin-providers", pk=board.pk)
        provider.refresh_from_db()
        return self._render(request, board, form, provider, status=400)


@require_POST
def signin_provider_delete(request, pk, provider_pk):
    board = _board(request, pk)
    provider = _provider(board, provider_pk)
    services.signin_provider_delete(actor=request.user, provider=provider)
    messages.success(
        request, _("The sign-in with %(label)s was removed.") % {"label": provider.label}
    )
    return redirect("organisation:signin-providers", pk=board.pk)
