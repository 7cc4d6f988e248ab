"""Pages of the unit meetings: a meeting's minutes and attendance, and the PMR's own record.

A meeting's page is for whoever reads the unit's working method (its members, the director,
PMR and steering group): they read the minutes and the number present. Whoever runs the
unit's meetings, the director and the PMR also see who attended and record both. The PMR's
record is for the school's PMR members only (403 for the director and everyone else).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from processes.selectors import process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.meetings import MinutesForm, PmrNoteForm
from ..selectors import meetings as selectors
from ..services import meetings as services


@require_http_methods(["GET", "POST"])
def unit_meeting(request, pk, unit_pk, meeting_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.meeting_page(
        user=request.user, process=process, unit_pk=unit_pk, meeting_pk=meeting_pk
    )
    status = 200
    if request.method == "POST":
        if not page.can_record:
            raise PermissionDenied
        form = MinutesForm(request.POST, members=page.members)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                services.meeting_minutes_record(
                    meeting=page.meeting,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    present=form.cleaned_data["present"],
                )
            if attempt.succeeded:
                messages.success(request, _("The minutes are recorded."))
                return redirect(
                    "units:unit-meeting", pk=process.pk, unit_pk=page.unit.pk, meeting_pk=meeting_pk
                )
        status = 400
    else:
        initial = {}
        if page.minutes is not None:
            initial = {"text": page.minutes.text, "present": [m.pk for m in page.present or ()]}
        form = MinutesForm(initial=initial, members=page.members)
    return render(
        request,
        "units/meeting.html",
        {
            "process": process,
            "step": process_step(process, services.STEP),
            "page": page,
            "unit": page.unit,
            "form": form if page.can_record and page.is_due else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@idempotent_post
def pmr_record(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.pmr_record_page(user=request.user, process=process)
    status = 200
    if request.method == "POST":
        form = PmrNoteForm(request.POST, meetings=page.meetings, steps=page.steps)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                services.pmr_note_add(
                    process=process,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    **form.target(),
                )
            if attempt.succeeded:
                messages.success(request, _("The note is added to the PMR's record."))
                return redirect("units:pmr-record", pk=process.pk)
        status = 400
    else:
        form = PmrNoteForm(meetings=page.meetings, steps=page.steps)
    return render(
        request,
        "units/pmr_record.html",
        {"process": process, "page": page, "form": form},
        status=status,
    )
