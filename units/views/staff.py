"""Pages of the staff list: the list itself (with the "address unusable" mark, which the
director and PMR clear here), the import, and the import's CSV template."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from processes.models import School
from werkdruk.domain_errors import shows_domain_error
from werkdruk.files import download_name
from werkdruk.spreadsheets import csv_download
from werkdruk.submissions import idempotent_post

from ..forms.staff import StaffImportForm
from ..importing import TEMPLATE_HEADERS
from ..models import StaffMember
from ..selectors.staff import staff_member_list, staff_member_summary
from ..services.addresses import staff_email_unusable_clear
from ..services.staff import StaffImportError, staff_import

FILE_STAFF_TEMPLATE = pgettext_lazy("file name", "staff import template")


def _school_for(user, school_id, perm) -> School:
    """The school, 404 if it does not exist, 403 if ``user`` lacks ``perm`` on it."""
    school = get_object_or_404(School.objects.select_related("board"), pk=school_id)
    if not user.has_perm(perm, school):
        raise PermissionDenied
    return school


def staff_list(request, school_id):
    school = _school_for(request.user, school_id, "units.view_staff")
    context = {
        "school": school,
        "staff_members": staff_member_list(school=school),
        "summary": staff_member_summary(school=school),
        "can_import": request.user.has_perm("units.import_staff", school),
        "can_mark": request.user.has_perm("units.mark_email_unusable", school),
    }
    return render(request, "units/staff_list.html", context)


@require_POST
def staff_email_usable(request, school_id, pk):
    """The director or PMR clears the "address unusable" mark: the address works again."""
    school = _school_for(request.user, school_id, "units.mark_email_unusable")
    member = get_object_or_404(StaffMember, pk=pk, school=school)
    with shows_domain_error(request=request) as attempt:
        staff_email_unusable_clear(member=member, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _("The e-mail address of %(name)s counts as working again.") % {"name": member.name},
        )
    return redirect("units:staff-list", school_id=school.pk)


@method_decorator(idempotent_post, name="post")
class StaffImportView(View):
    template_name = "units/staff_import.html"

    def get(self, request, school_id):
        school = _school_for(request.user, school_id, "units.import_staff")
        return self._render(request, school, StaffImportForm())

    def post(self, request, school_id):
        school = _school_for(request.user, school_id, "units.import_staff")
        form = StaffImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, school, form, status=400)
        try:
            result = staff_import(school=school, file=form.cleaned_data["file"], actor=request.user)
        except StaffImportError as error:
            return self._render(request, school, form, import_error=error, status=400)
        messages.success(
            request,
            ngettext(
                "The staff list has been imported: %(added)s added, %(changed)s changed, "
                "%(unchanged)s unchanged, %(deactivated)s deactivated; %(accounts)s new "
                "account (this person signs in with a code sent by e-mail).",
                "The staff list has been imported: %(added)s added, %(changed)s changed, "
                "%(unchanged)s unchanged, %(deactivated)s deactivated; %(accounts)s new "
                "accounts (they sign in with a code sent by e-mail).",
                result.accounts_created,
            )
            % {
                "added": result.added,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "deactivated": result.deactivated,
                "accounts": result.accounts_created,
            },
        )
        return redirect("units:staff-list", school_id=school.pk)

    def _render(self, request, school, form, import_error=None, status=200):
        errors = import_error.errors if import_error else []
        context = {
            "school": school,
            "form": form,
            "import_error": import_error,
            "file_errors": [error for error in errors if error.row_number is None],
            "row_errors": [error for error in errors if error.row_number is not None],
            "template_headers": TEMPLATE_HEADERS,
        }
        return render(request, self.template_name, context, status=status)


def staff_import_template(request, school_id):
    """An empty staff list with the Dutch headers, as Excel writes CSV (BOM, ``;``)."""
    _school_for(request.user, school_id, "units.import_staff")
    return csv_download(download_name(FILE_STAFF_TEMPLATE, ext="csv"), [TEMPLATE_HEADERS])
