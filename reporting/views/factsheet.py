"""The factsheet before step 1: page and PDF. The director and the PMR write it (opening the
page creates it, prefilled from last year); everyone of the school reads it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from processes.selectors import process_get_for_user
from werkdruk.domain_errors import shows_domain_error
from werkdruk.edit_conflicts import EditConflict, edit_conflict_report
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf

from ..factsheet import factsheet_create, factsheet_save
from ..forms import FactsheetForm
from ..selectors import factsheet as selectors

FILE_FACTSHEET = pgettext_lazy("file name", "factsheet")


def _context(process, factsheet) -> dict:
    return {
        "process": process,
        "factsheet": factsheet,
        "figures": selectors.figures(factsheet),
        "last_year": selectors.last_year(process),
    }


def factsheet_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=selectors.READ)
    may_edit = request.user.has_perm(selectors.EDIT, process)
    factsheet = selectors.factsheet_of(process)
    if factsheet is None and may_edit:
        factsheet = factsheet_create(process=process, actor=request.user)
    form = None
    status = 200
    edit_conflict = None
    if may_edit:
        form = FactsheetForm(request.POST or None, initial=FactsheetForm.initial_for(factsheet))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                try:
                    factsheet_save(factsheet=factsheet, actor=request.user, **form.cleaned_data)
                except EditConflict as conflict:
                    edit_conflict = edit_conflict_report(
                        conflict, form=form, initial_for=FactsheetForm.initial_for
                    )
            if attempt.succeeded and edit_conflict is None:
                messages.success(request, _("The factsheet has been saved."))
                return redirect("reporting:factsheet", pk=process.pk)
        status = 409 if edit_conflict else 400
    context = {**_context(process, factsheet), "form": form, "edit_conflict": edit_conflict}
    return render(request, "reporting/factsheet/detail.html", context, status=status)


def factsheet_pdf(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=selectors.READ)
    factsheet = selectors.factsheet_of(process)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf("reporting/factsheet/pdf.html", _context(process, factsheet))
    name = download_name(FILE_FACTSHEET, process.school.brin, process.school_year, ext="pdf")
    return pdf_response(pdf, name)
