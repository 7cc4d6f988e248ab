"""The board's administration pages: schools, pupil counts, administrators, GMR, settings.
Thin: every write goes through ``services.board`` or ``services.invitations``, which check
permission again. Only the board's administrators see these pages (404 for anyone else)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from processes.models import BoardAdministrator, GmrMember
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.board import (
    BoardSettingsForm,
    PupilCountForm,
    SchoolCreateForm,
    SchoolForm,
    school_initial,
)
from ..forms.invitations import InvitationForm
from ..models import Invitation
from ..selectors import board as reads
from ..services import board as services
from ..services import invitations as invitation_services


def _back(board):
    return redirect("organisation:board-manage", pk=board.pk)


def board_manage(request, pk):
    board = reads.board_get_for_admin(user=request.user, pk=pk)
    return render(request, "organisation/board/manage.html", reads.board_admin_page(board=board))


@method_decorator(idempotent_post, name="post")
class SchoolCreateView(View):
    template_name = "organisation/board/school_form.html"

    def get(self, request, pk):
        board = reads.board_get_for_admin(user=request.user, pk=pk)
        return render(request, self.template_name, {"board": board, "form": SchoolCreateForm()})

    def post(self, request, pk):
        board = reads.board_get_for_admin(user=request.user, pk=pk)
        form = SchoolCreateForm(request.POST)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                school = services.school_create(
                    actor=request.user, board=board, **form.service_kwargs()
                )
            if attempt.succeeded:
                messages.success(
                    request,
                    _("%(school)s was added. Invite its director now.") % {"school": school},
                )
                return redirect("organisation:school-invitations", pk=school.pk)
        return render(request, self.template_name, {"board": board, "form": form}, status=400)


class SchoolEditView(View):
    template_name = "organisation/board/school_edit.html"

    def _render(self, request, school, form=None, count_form=None, status=200):
        context = {
            "board": school.board,
            "school": school,
            "form": form or SchoolForm(initial=school_initial(school)),
            "count_form": count_form or PupilCountForm(),
            "pupil_counts": school.pupil_counts.select_related("school_year").order_by(
                "-school_year__start_year"
            ),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        school = reads.school_get_for_admin(user=request.user, pk=pk)
        return self._render(request, school)

    def post(self, request, pk):
        school = reads.school_get_for_admin(user=request.user, pk=pk)
        if "pupil_count_submit" in request.POST:
            count_form = PupilCountForm(request.POST)
            if count_form.is_valid():
                with shows_domain_error(form=count_form) as attempt:
                    services.pupil_count_set(
                        actor=request.user,
                        school=school,
                        school_year=count_form.chosen_school_year(),
                        pupil_count=count_form.cleaned_data["pupil_count"],
                    )
                if attempt.succeeded:
                    messages.success(request, _("The pupil count was saved."))
                    return redirect("organisation:school-edit", pk=school.pk)
            return self._render(request, school, count_form=count_form, status=400)
        form = SchoolForm(request.POST)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                services.school_update(actor=request.user, school=school, **form.service_kwargs())
            if attempt.succeeded:
                messages.success(request, _("The school was saved."))
                return _back(school.board)
        return self._render(request, school, form=form, status=400)


class BoardSettingsView(View):
    template_name = "organisation/board/settings.html"

    def get(self, request, pk):
        board = reads.board_get_for_admin(user=request.user, pk=pk)
        form = BoardSettingsForm(instance=board)
        return render(request, self.template_name, {"board": board, "form": form})

    def post(self, request, pk):
        board = reads.board_get_for_admin(user=request.user, pk=pk)
        form = BoardSettingsForm(request.POST, instance=board)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                services.board_settings_update(
                    actor=request.user, board=board, **form.service_kwargs()
                )
            if attempt.succeeded:
                messages.success(request, _("The board's settings were saved."))
                return _back(board)
        return render(request, self.template_name, {"board": board, "form": form}, status=400)


BOARD_INVITE_ROLES = {
    Invitation.Role.BOARD_ADMIN.value: Invitation.Role.BOARD_ADMIN,
    Invitation.Role.GMR.value: Invitation.Role.GMR,
}


@method_decorator(idempotent_post, name="post")
class BoardInviteView(View):
    """Invite a board administrator or a GMR member."""

    template_name = "organisation/board/invite.html"

    def _setup(self, request, pk, role):
        board = reads.board_get_for_admin(user=request.user, pk=pk)
        if role not in BOARD_INVITE_ROLES:
            raise Http404
        return board, BOARD_INVITE_ROLES[role]

    def get(self, request, pk, role):
        board, role = self._setup(request, pk, role)
        form = InvitationForm(roles=[role])
        return render(request, self.template_name, {"board": board, "role": role, "form": form})

    def post(self, request, pk, role):
        board, role = self._setup(request, pk, role)
        form = InvitationForm(request.POST, roles=[role])
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                invitation, _token = invitation_services.invitation_create(
                    actor=request.user, board=board, **form.service_kwargs()
                )
            if attempt.succeeded:
                messages.success(
                    request,
                    _("The invitation was sent to %(email)s.") % {"email": invitation.email},
                )
                return _back(board)
        context = {"board": board, "role": role, "form": form}
        return render(request, self.template_name, context, status=400)


@require_POST
def board_admin_remove(request, pk, admin_pk):
    board = reads.board_get_for_admin(user=request.user, pk=pk)
    administrator = get_object_or_404(BoardAdministrator, pk=admin_pk, board=board)
    with shows_domain_error(request=request) as attempt:
        services.board_admin_remove(actor=request.user, administrator=administrator)
    if attempt.succeeded:
        if administrator.user_id == request.user.pk:
            messages.success(request, _("You stepped down as board administrator."))
            return redirect("processes:dashboard")
        messages.success(request, _("%(name)s was removed.") % {"name": administrator.user})
    return _back(board)


@require_POST
def gmr_member_remove(request, pk, member_pk):
    board = reads.board_get_for_admin(user=request.user, pk=pk)
    member = get_object_or_404(GmrMember, pk=member_pk, board=board)
    with shows_domain_error(request=request) as attempt:
        services.gmr_member_remove(actor=request.user, member=member)
    if attempt.succeeded:
        messages.success(request, _("%(name)s was removed.") % {"name": member.user})
    return _back(board)
