"""The school's roles page: who holds which role; the director appoints, removes, replaces."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from processes.models import SchoolRole
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.roles import SchoolRoleAppointForm, SchoolRoleReplaceForm
from ..selectors import roles as selectors
from ..services import roles as services

PAGE = "organisation/roles/school_roles.html"
CHANGE = services.CHANGE


def _page(request, school, *, appoint_form=None, status=200):
    candidates = selectors.role_candidates(school)
    can_change = request.user.has_perm(CHANGE, school)
    context = {
        "school": school,
        "candidates": list(candidates) if can_change else [],
        "holders": selectors.role_holders(school),
        "history": selectors.role_history(school),
        "can_change": can_change,
        "can_invite": request.user.has_perm("organisation.invite_school_team", school),
        "appoint_form": appoint_form or SchoolRoleAppointForm(candidates=candidates),
        "process": selectors.open_process_of(school),
    }
    return render(request, PAGE, context, status=status)


def school_roles(request, pk):
    school = selectors.school_roles_get_for_user(user=request.user, pk=pk)
    return _page(request, school)


@require_POST
@idempotent_post
def school_role_appoint(request, pk):
    school = selectors.school_roles_get_for_user(user=request.user, pk=pk, perm=CHANGE)
    form = SchoolRoleAppointForm(request.POST, candidates=selectors.role_candidates(school))
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(form=form) as attempt:
            services.school_role_appoint(
                school=school, actor=request.user, user=data["user"], role=data["role"]
            )
        if attempt.succeeded:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": data["user"], "role": SchoolRole.Role(data["role"]).label},
            )
            return redirect("organisation:school-roles", pk=school.pk)
    return _page(request, school, appoint_form=form, status=400)


def _role_or_404(school, role_pk) -> SchoolRole:
    return get_object_or_404(SchoolRole.objects.select_related("user"), pk=role_pk, school=school)


@require_POST
def school_role_remove(request, pk, role_pk):
    school = selectors.school_roles_get_for_user(user=request.user, pk=pk, perm=CHANGE)
    school_role = _role_or_404(school, role_pk)
    with shows_domain_error(request=request) as attempt:
        services.school_role_remove(school=school, actor=request.user, school_role=school_role)
    if attempt.succeeded:
        messages.success(
            request,
            _("%(name)s is no longer %(role)s.")
            % {"name": school_role.user, "role": school_role.get_role_display()},
        )
    if not request.user.has_perm(selectors.VIEW, school):  # removed their own last role here
        return redirect("processes:dashboard")
    return redirect("organisation:school-roles", pk=school.pk)


@require_POST
def school_role_replace(request, pk, role_pk):
    school = selectors.school_roles_get_for_user(user=request.user, pk=pk, perm=CHANGE)
    school_role = _role_or_404(school, role_pk)
    form = SchoolRoleReplaceForm(
        request.POST, candidates=selectors.role_candidates(school), prefix="replace"
    )
    if not form.is_valid():
        messages.error(request, _("Choose the new holder from the staff list."))
        return _page(request, school, status=400)
    user = form.cleaned_data["user"]
    with shows_domain_error(request=request) as attempt:
        services.school_role_replace(
            school=school, actor=request.user, school_role=school_role, user=user
        )
    if attempt.succeeded:
        messages.success(
            request,
            _("%(name)s replaces %(previous)s as %(role)s.")
            % {
                "name": user,
                "previous": school_role.user,
                "role": school_role.get_role_display(),
            },
        )
    if not request.user.has_perm(selectors.VIEW, school):
        return redirect("processes:dashboard")
    return redirect("organisation:school-roles", pk=school.pk)
