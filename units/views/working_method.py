"""Pages of step 7: the overview of the units' working methods, and one unit's working method
with the form to record it.

Everyone who may see the process sees the overview (which units have recorded a working
method, their leaders and how they decide). A unit's own page is for its members, the director,
PMR and steering group; its members, the director and PMR record it (403 for anyone else).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from processes.selectors import process_get_for_user, process_step
from werkdruk.domain_errors import error_lines
from werkdruk.edit_conflicts import NOT_KEPT, EditConflict, edit_conflict_report, from_history
from werkdruk.exceptions import DomainError

from ..forms.working_method import MeetingFormSet, WorkingMethodForm
from ..selectors import working_method as selectors
from ..services import working_method as services

STEP = services.STEP


@require_GET
def working_method_overview(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    overview = selectors.working_method_overview(user=request.user, process=process)
    return render(
        request,
        "units/working_method_overview.html",
        {"process": process, "step": process_step(process, STEP), "overview": overview},
    )


def _initial(page) -> tuple[dict, list[dict]]:
    method = page.method
    if method is None:
        return WorkingMethodForm.initial_for(None), []
    return (
        WorkingMethodForm.initial_for(method),
        [
            {"date": m.date, "starts_at": m.starts_at, "place": m.place, "note": m.note}
            for m in page.meetings
        ],
    )


def _meetings_text(meetings) -> str:
    """Meetings (stored or typed) in one line each, for the conflict report."""
    lines = []
    for m in meetings:
        parts = [formats.localize(m.date), formats.localize(m.starts_at) if m.starts_at else ""]
        lines.append(" ".join(p for p in [*parts, m.place, m.note] if p))
    return "\n".join(lines)


def _conflict_report(conflict, form, meetings):
    """The conflict report of a working method, its meetings included (the history keeps
    the meetings only in part, so what was loaded is not shown for them)."""

    def values(method):
        stored = WorkingMethodForm.initial_for(method)
        stored["meetings"] = (
            NOT_KEPT
            if from_history(method)
            else _meetings_text(method.meetings.order_by("date", "starts_at", "pk"))
        )
        return stored

    return edit_conflict_report(
        conflict,
        form=form,
        initial_for=values,
        typed={**form.cleaned_data, "meetings": _meetings_text(meetings)},
        labels={"meetings": _("Meetings")},
    )


def _may_edit(step, page) -> bool:
    return page.can_record and step.state in (step.State.OPEN, step.State.DONE)


@require_http_methods(["GET", "POST"])
def working_method_unit(request, pk, unit_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.working_method_page(user=request.user, process=process, unit_pk=unit_pk)
    step = process_step(process, STEP)
    errors = []
    status = 200
    edit_conflict = None
    if request.method == "POST":
        if not page.can_record:
            raise PermissionDenied
        form = WorkingMethodForm(request.POST, members=page.members)
        formset = MeetingFormSet(request.POST, prefix="meetings")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            meetings = [m for m in (f.meeting() for f in formset.forms) if m is not None]
            try:
                services.working_method_record(
                    unit=page.unit,
                    actor=request.user,
                    leader=data["leader"],
                    decision_mode=data["decision_mode"],
                    participation=data["participation"],
                    facilitation=data["facilitation"],
                    hours_credited=data["hours_credited"],
                    meetings=meetings,
                    version=data["version"],
                )
            except EditConflict as conflict:
                edit_conflict = _conflict_report(conflict, form, meetings)
                status = 409
            except DomainError as error:  # after EditConflict, which is a DomainError too
                errors = error_lines(error)
            else:
                messages.success(
                    request,
                    _("The working method of %(unit)s is recorded.") % {"unit": page.unit.name},
                )
                return redirect("units:working-method-unit", pk=process.pk, unit_pk=page.unit.pk)
        status = status if edit_conflict else 400
    else:
        initial, meetings = _initial(page)
        form = WorkingMethodForm(initial=initial, members=page.members)
        formset = MeetingFormSet(initial=meetings, prefix="meetings")
    return render(
        request,
        "units/working_method_unit.html",
        {
            "process": process,
            "step": step,
            "page": page,
            "unit": page.unit,
            "method": page.method,
            "form": form if _may_edit(step, page) else None,
            "formset": formset,
            "errors": errors,
            "edit_conflict": edit_conflict,
        },
        status=status,
    )
