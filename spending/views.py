"""Pages of the spending: the overview per process, the form per measure, the import and its
example file. The director records; the PMR and the board's administrators read."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from processes.selectors import process_get_for_user
from werkdruk.edit_conflicts import EditConflict, edit_conflict_report
from werkdruk.exceptions import DomainError
from werkdruk.files import download_name
from werkdruk.money import format_euro
from werkdruk.spreadsheets import csv_download
from werkdruk.submissions import idempotent_post

from . import selectors
from .forms import SpendingForm, SpendingImportForm
from .importing import TEMPLATE_HEADERS
from .services.imports import STATUS_ALIASES, SpendingImportError, spending_import
from .services.spending import spending_record

VIEW = "spending.view_spending"
RECORD = "spending.record_spending"
EXAMPLE_HEADERS = ("maatregel", "titel", *TEMPLATE_HEADERS[1:])

FILE_SPENDING_EXAMPLE = pgettext_lazy("file name", "spending example")


def _year(request) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if re.fullmatch(r"[0-9]{1,4}", value) else None


@require_GET
def spending_overview(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=VIEW)
    overview = selectors.spending_overview_or_404(process, year=_year(request))
    if overview.year not in overview.years:
        raise Http404
    context = {
        "process": process,
        "overview": overview,
        "can_record": request.user.has_perm(RECORD, process),
    }
    return render(request, "spending/overview.html", context)


@idempotent_post
def spending_measure(request, pk, year, number):
    process = process_get_for_user(user=request.user, pk=pk, perm=RECORD)
    figures = selectors.measure_figures(process, number=number, year=year)
    if not figures.runs_in_year:
        raise Http404
    form = SpendingForm(request.POST or None, initial=SpendingForm.initial_for(figures))
    edit_conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            spending_record(
                process=process,
                number=number,
                year=year,
                actor=request.user,
                data=form.data_for_service(),
                version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            # The row (MeasureSpending) has the fields of the figures the form starts from.
            edit_conflict = edit_conflict_report(
                conflict, form=form, initial_for=SpendingForm.initial_for
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The spending on measure %(number)s has been saved.") % {"number": number},
            )
            return redirect(f"{reverse('spending:overview', args=[process.pk])}?year={year}")
    status = (409 if edit_conflict else 400) if request.method == "POST" else 200
    context = {
        "process": process,
        "figures": figures,
        "form": form,
        "edit_conflict": edit_conflict,
    }
    return render(request, "spending/measure_form.html", context, status=status)


@idempotent_post
def spending_import_page(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=RECORD)
    overview = selectors.spending_overview_or_404(process)
    form = SpendingImportForm(request.POST or None, request.FILES or None)
    import_error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = spending_import(
                process=process, file=form.cleaned_data["file"], actor=request.user
            )
        except SpendingImportError as error:
            import_error = error
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The spending has been imported: %(count)s measures, %(total)s in all.")
                % {"count": result.measures, "total": format_euro(result.total)},
            )
            return redirect("spending:overview", pk=process.pk)
    errors = import_error.errors if import_error else []
    context = {
        "process": process,
        "overview": overview,
        "form": form,
        "import_error": import_error,
        "file_errors": [error for error in errors if error.row_number is None],
        "row_errors": [error for error in errors if error.row_number is not None],
        "template_headers": TEMPLATE_HEADERS,
        "statuses": [aliases[0] for aliases in STATUS_ALIASES.values()],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "spending/import.html", context, status=status)


@require_GET
def spending_import_example(request, pk):
    """The spending as recorded now, one row per measure of the process's school year, as
    Dutch Excel writes CSV (BOM, ``;``, decimal commas): fill in and import."""
    process = process_get_for_user(user=request.user, pk=pk, perm=VIEW)
    if not request.user.has_perm(RECORD, process):
        raise PermissionDenied
    overview = selectors.spending_overview_or_404(process)
    statuses = {status: aliases[0] for status, aliases in STATUS_ALIASES.items()}
    rows = [EXAMPLE_HEADERS]
    for figures in overview.measures:
        if figures.measure_id is None or not figures.runs_in_year:
            continue
        rows.append(
            [
                figures.number,
                figures.title,  # "titel" is not a column the import reads: for the reader
                overview.year_label,
                figures.actual,
                statuses[figures.status],
                figures.fte_hired,
                figures.note,
            ]
        )
    return csv_download(download_name(FILE_SPENDING_EXAMPLE, ext="csv"), rows)
