"""Pages of the staff list: the list itself (with the "address unusable" mark, which the
director and PMR clear here), the import, and the import's CSV template.

The import page uploads to the preview (how the file was read, what would change, the category
of new functions); its "Import" button confirms. A file posted to the import page itself is
imported at once, as before the preview existed (same rules; a file whose functions still need
a category is refused there)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from processes.models import School
from werkdruk.domain_errors import shows_domain_error
from werkdruk.exceptions import DomainError
from werkdruk.files import download_name
from werkdruk.numbers import format_number
from werkdruk.spreadsheets import csv_download
from werkdruk.submissions import idempotent_post

from ..forms.staff import StaffImportConfirmForm, StaffImportForm
from ..importing import TEMPLATE_HEADERS
from ..models import StaffImportJob, StaffMember
from ..selectors.staff import staff_member_list, staff_member_summary
from ..services.addresses import staff_email_unusable_clear
from ..services.staff import (
    StaffImportError,
    StaffImportRowError,
    staff_import,
    staff_import_confirm,
    staff_import_job_start,
    staff_import_preview,
    staff_import_preview_restore,
    staff_import_runs_in_background,
)

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
        _imported(request, result)
        return redirect("units:staff-list", school_id=school.pk)

    def _render(self, request, school, form, import_error=None, status=200):
        return _render_upload(request, school, form, import_error=import_error, status=status)


def _render_upload(request, school, form, import_error=None, status=200):
    errors = import_error.errors if import_error else []
    context = {
        "school": school,
        "form": form,
        "import_error": import_error,
        "file_errors": [error for error in errors if error.row_number is None],
        "row_errors": [error for error in errors if error.row_number is not None],
        "template_headers": TEMPLATE_HEADERS,
    }
    return render(request, "units/staff_import.html", context, status=status)


def _imported(request, result) -> None:
    messages.success(
        request,
        _imported_text(
            added=result.added,
            changed=result.changed,
            unchanged=result.unchanged,
            deactivated=result.deactivated,
            accounts_created=result.accounts_created,
        ),
    )


def _imported_text(*, added, changed, unchanged, deactivated, accounts_created) -> str:
    return ngettext(
        "The staff list has been imported: %(added)s added, %(changed)s changed, "
        "%(unchanged)s unchanged, %(deactivated)s deactivated; %(accounts)s new "
        "account (this person signs in with a code sent by e-mail).",
        "The staff list has been imported: %(added)s added, %(changed)s changed, "
        "%(unchanged)s unchanged, %(deactivated)s deactivated; %(accounts)s new "
        "accounts (they sign in with a code sent by e-mail).",
        accounts_created,
    ) % {
        "added": added,
        "changed": changed,
        "unchanged": unchanged,
        "deactivated": deactivated,
        "accounts": accounts_created,
    }


class StaffImportPreviewView(View):
    """The uploaded file as read: nothing is imported until the preview is confirmed."""

    def get(self, request, school_id):
        _school_for(request.user, school_id, "units.import_staff")
        return redirect("units:staff-import", school_id=school_id)

    def post(self, request, school_id):
        school = _school_for(request.user, school_id, "units.import_staff")
        form = StaffImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render_upload(request, school, form, status=400)
        try:
            preview = staff_import_preview(
                school=school, file=form.cleaned_data["file"], actor=request.user
            )
        except StaffImportError as error:
            return _render_upload(request, school, form, import_error=error, status=400)
        confirm = StaffImportConfirmForm(
            initial={"token": preview.token}, functions=preview.choices_needed
        )
        return _render_preview(request, school, preview, confirm)


@method_decorator(idempotent_post, name="post")
class StaffImportConfirmView(View):
    """The preview's "Import" button: the categories of new functions, then the import."""

    def get(self, request, school_id):
        _school_for(request.user, school_id, "units.import_staff")
        return redirect("units:staff-import", school_id=school_id)

    def post(self, request, school_id):
        school = _school_for(request.user, school_id, "units.import_staff")
        try:
            preview = staff_import_preview_restore(
                school=school, token=request.POST.get("token", ""), actor=request.user
            )
        except StaffImportError as error:  # the staff list changed since: rows now refused
            return _render_upload(
                request, school, StaffImportForm(), import_error=error, status=400
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("units:staff-import", school_id=school.pk)
        form = StaffImportConfirmForm(request.POST, functions=preview.choices_needed)
        if not form.is_valid():
            return _render_preview(request, school, preview, form, status=400)
        if staff_import_runs_in_background(preview):
            try:
                job = staff_import_job_start(
                    school=school,
                    token=form.cleaned_data["token"],
                    choices=form.choices(),
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(None, error.message)
                return _render_preview(request, school, preview, form, status=400)
            return redirect("units:staff-import-job", school_id=school.pk, pk=job.pk)
        try:
            result = staff_import_confirm(
                school=school,
                token=form.cleaned_data["token"],
                choices=form.choices(),
                actor=request.user,
            )
        except StaffImportError as error:
            return _render_upload(
                request, school, StaffImportForm(), import_error=error, status=400
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _render_preview(request, school, preview, form, status=400)
        _imported(request, result)
        return redirect("units:staff-list", school_id=school.pk)


@require_GET
def staff_import_job(request, school_id, pk):
    """A large import's page: its progress while the worker runs it (htmx polls the job's part
    of the page), then the counts or every row error."""
    school = _school_for(request.user, school_id, "units.import_staff")
    job = get_object_or_404(StaffImportJob, pk=pk, school=school)
    template = "units/_staff_import_job.html" if request.htmx else "units/staff_import_job.html"
    return render(request, template, _job_context(school, job))


def _job_context(school, job) -> dict:
    errors = [StaffImportRowError(row, tuple(messages)) for row, messages in job.row_errors]
    import_error = StaffImportError(errors) if errors else None
    if job.error:
        import_error = StaffImportError([StaffImportRowError(None, (_(job.error),))])
    summary = ""
    if job.state == StaffImportJob.State.DONE and job.result:
        summary = _imported_text(
            added=job.result["added"],
            changed=job.result["changed"],
            unchanged=job.result["unchanged"],
            deactivated=job.result["deactivated"],
            accounts_created=job.result["accounts_created"],
        )
    stages = {
        0: _("Waiting for the background worker…"),
        1: _("Checking every row…"),
        2: _("Writing the staff list…"),
        3: _("Done."),
    }
    # A job no worker finished in this time will not finish (a lost worker, a lost message);
    # the import is one transaction, so nothing of it was kept. The page stops polling.
    stale = job.active and job.created_at < timezone.now() - datetime.timedelta(
        seconds=settings.STAFF_IMPORT_JOB_STALE_SECONDS
    )
    return {
        "school": school,
        "job": job,
        "stale": stale,
        "polling": job.active and not stale,
        "summary": summary,
        "stage": stages.get(job.progress_done, ""),
        "import_error": import_error,
        "file_errors": [error for error in errors if error.row_number is None]
        or (import_error.errors if job.error else []),
        "row_errors": [error for error in errors if error.row_number is not None],
    }


# The preview lists at most this many people of each kind of change (new, changed, unchanged),
# in the file's order, with a note saying how many there are: a file of 5,000 people made a page
# of 3.1 MB (issue 20). The counts cover everyone; rows with errors are all listed (another page).
PREVIEW_PEOPLE_PER_KIND = 50


def _preview_people(people, counts):
    """The people the preview lists (the first ``PREVIEW_PEOPLE_PER_KIND`` of each kind) and a
    line per kind that is listed in part."""
    seen = dict.fromkeys(counts, 0)
    shown = []
    for item in people:
        seen[item.status] += 1
        if seen[item.status] <= PREVIEW_PEOPLE_PER_KIND:
            shown.append(item)
    shortened = [
        _shortened_text(status, count) % {"shown": PREVIEW_PEOPLE_PER_KIND, "count": count}
        for status, count in counts.items()
        if count > PREVIEW_PEOPLE_PER_KIND
    ]
    return shown, shortened


def _shortened_text(status, count) -> str:
    if status == "new":
        return ngettext(
            "the first %(shown)s of %(count)s new person",
            "the first %(shown)s of %(count)s new people",
            count,
        )
    if status == "changed":
        return ngettext(
            "the first %(shown)s of %(count)s changed person",
            "the first %(shown)s of %(count)s changed people",
            count,
        )
    return ngettext(
        "the first %(shown)s of %(count)s unchanged person",
        "the first %(shown)s of %(count)s unchanged people",
        count,
    )


def _render_preview(request, school, preview, form, status=200):
    fte = sum((person.fte for person in preview.people), start=0)
    counts = {status: preview.count(status) for status in ("new", "changed", "unchanged")}
    people, shortened = _preview_people(preview.people, counts)
    summary = _("%(appointments)s → %(people)s, %(fte)s fte") % {
        "appointments": ngettext(
            "%(count)s appointment", "%(count)s appointments", preview.appointments
        )
        % {"count": preview.appointments},
        "people": ngettext("%(count)s person", "%(count)s people", len(preview.people))
        % {"count": len(preview.people)},
        "fte": format_number(fte),
    }
    context = {
        "school": school,
        "preview": preview,
        "form": form,
        "summary": summary,
        "counts": counts,
        "people": people,
        "shortened": shortened,
        "choice_fields": [(form[name], choice) for name, choice in form.function_fields],
    }
    return render(request, "units/staff_import_preview.html", context, status=status)


def staff_import_template(request, school_id):
    """An empty staff list with the Dutch headers, as Excel writes CSV (BOM, ``;``)."""
    _school_for(request.user, school_id, "units.import_staff")
    return csv_download(download_name(FILE_STAFF_TEMPLATE, ext="csv"), [TEMPLATE_HEADERS])
