"""Invitations: a school's invitations page, re-send and withdraw, the acceptance page (no
sign-in needed: the link is the proof) and the "what to do first" page after it."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from processes.models import School
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.invitations import InvitationForm
from ..models import Invitation
from ..predicates import SCHOOL_TEAM_ROLES
from ..selectors import invitations as reads
from ..selectors.invitations import first_steps
from ..services import invitations as services

SIGN_IN_BACKEND = "accounts.auth_backends.AuthenticationBackend"
Role = Invitation.Role


def _school_roles_for(user, school) -> list:
    """The roles ``user`` may invite people to at ``school``: the board's administrators its
    director, the director its PMR and steering group."""
    roles = []
    if user.has_perm("organisation.invite_board_role", school):
        roles.append(Role.DIRECTOR)
    if user.has_perm("organisation.invite_school_team", school):
        roles.extend(SCHOOL_TEAM_ROLES)
    return roles


@method_decorator(idempotent_post, name="post")
class SchoolInvitationsView(View):
    template_name = "organisation/invitations/school.html"

    def _setup(self, request, pk):
        school = get_object_or_404(School.objects.select_related("board"), pk=pk)
        roles = _school_roles_for(request.user, school)
        if not roles:
            raise PermissionDenied
        return school, roles

    def _render(self, request, school, roles, form, status=200):
        context = {
            "school": school,
            "board": school.board,
            "form": form,
            "roles": roles,
            "is_board_admin": Role.DIRECTOR in roles,
            "holders": reads.school_role_holders(school=school, roles=roles),
            "invitations": reads.school_invitations(school=school, roles=roles),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        school, roles = self._setup(request, pk)
        return self._render(request, school, roles, InvitationForm(roles=roles))

    def post(self, request, pk):
        school, roles = self._setup(request, pk)
        form = InvitationForm(request.POST, roles=roles)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                invitation, _token = services.invitation_create(
                    actor=request.user, board=school.board, school=school, **form.service_kwargs()
                )
            if attempt.succeeded:
                messages.success(
                    request,
                    _("The invitation was sent to %(email)s.") % {"email": invitation.email},
                )
                return redirect("organisation:school-invitations", pk=school.pk)
        return self._render(request, school, roles, form, status=400)


def _after_managing(request, invitation):
    if invitation.school_id is not None:
        return redirect("organisation:school-invitations", pk=invitation.school_id)
    return redirect("organisation:board-manage", pk=invitation.board_id)


@require_POST
def invitation_resend(request, pk):
    invitation = reads.invitation_get_for_manager(user=request.user, pk=pk)
    with shows_domain_error(request=request) as attempt:
        services.invitation_resend(invitation=invitation, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _("The invitation was sent again to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
        )
    return _after_managing(request, invitation)


@require_POST
def invitation_withdraw(request, pk):
    invitation = reads.invitation_get_for_manager(user=request.user, pk=pk)
    with shows_domain_error(request=request) as attempt:
        services.invitation_withdraw(invitation=invitation, actor=request.user)
    if attempt.succeeded:
        messages.success(request, _("The invitation was withdrawn."))
    return _after_managing(request, invitation)


def _dead_link(request, invitation, message=None):
    """A used, withdrawn, expired or unknown link: say so, sign nobody in."""
    if message is None:
        if invitation is None:
            message = _("This invitation link does not work. Perhaps a newer one was sent.")
        elif invitation.accepted_at is not None:
            message = _("This invitation has been accepted already. Sign in to continue.")
        elif invitation.withdrawn_at is not None:
            message = _("This invitation has been withdrawn.")
        else:
            message = _("This invitation has expired. Ask the one who invited you for a new one.")
    return render(request, "organisation/invitations/dead.html", {"message": message}, status=410)


def _other_account(request, invitation):
    return render(
        request,
        "organisation/invitations/other_account.html",
        {"invitation": invitation},
        status=403,
    )


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(View):
    template_name = "organisation/invitations/accept.html"

    def _check(self, request, token):
        invitation = services.invitation_for_token(token)
        if invitation is None or not invitation.is_open:
            return invitation, _dead_link(request, invitation)
        user = request.user
        if user.is_authenticated and user.email.lower() != invitation.email.lower():
            return invitation, _other_account(request, invitation)
        return invitation, None

    def get(self, request, token):
        invitation, refusal = self._check(request, token)
        if refusal is not None:
            return refusal
        return render(request, self.template_name, {"invitation": invitation})

    def post(self, request, token):
        invitation, refusal = self._check(request, token)
        if refusal is not None:
            return refusal
        try:
            with shows_domain_error() as attempt:
                invitation, account = services.invitation_accept(token=token, user=request.user)
        except PermissionDenied:
            return _other_account(request, invitation)
        if attempt.failed:
            return _dead_link(request, invitation, " ".join(attempt.lines))
        login(request, account, backend=SIGN_IN_BACKEND)
        messages.success(
            request, _("Welcome! You are now %(role)s.") % {"role": invitation.get_role_display()}
        )
        return redirect("organisation:start", role=invitation.role)


def start(request, role):
    """What to do first, for the role just taken up (and any other the person holds)."""
    if role not in Role.values:
        raise Http404
    context = {"role": role, **first_steps(user=request.user)}
    return render(request, "organisation/invitations/start.html", context)
