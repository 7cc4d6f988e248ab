"""Pages of step 6: the announcements overview (with the form to announce) and a unit's
announcement as its staff read it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from processes.selectors import process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from ..forms.announcements import AnnouncementForm
from ..selectors import announcements as selectors
from ..services import announcements as services

STEP = selectors.STEP


def _overview_context(request, process, form=None):
    step = process_step(process, STEP)
    rows = selectors.announcement_overview(process=process, step=step)
    can_announce = step.state == step.State.OPEN and selectors.may_announce(request.user, step)
    if can_announce and form is None:
        form = AnnouncementForm(
            rows=rows,
            initial={
                "units": [row.unit.pk for row in rows],
                "deadline": selectors.default_deadline(process),
                "text": selectors.default_requirements(),
            },
        )
    return {
        "process": process,
        "step": step,
        "rows": rows,
        "announced": sum(1 for row in rows if row.announcement),
        "can_announce": can_announce,
        "can_read_units": request.user.has_perm(selectors.COMPLETE, process),
        "form": form if can_announce else None,
    }


@idempotent_post
def announcement_overview(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    if not selectors.may_view_overview(request.user, process):
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request, "plans/announcement_overview.html", _overview_context(request, process)
        )

    step = process_step(process, STEP)
    if not selectors.may_announce(request.user, step):
        raise PermissionDenied
    rows = selectors.announcement_overview(process=process, step=step)
    form = AnnouncementForm(request.POST, rows=rows)
    if form.is_valid():
        data = form.cleaned_data
        with shows_domain_error(form=form) as attempt:
            made = services.announcement_send(
                process=process,
                actor=request.user,
                units=data["units"],
                deadline=data["deadline"],
                text=data["text"],
            )
        if attempt.succeeded:
            messages.success(
                request,
                ngettext(
                    "Announced to %(count)s unit; its members are told by e-mail.",
                    "Announced to %(count)s units; their members are told by e-mail.",
                    len(made),
                )
                % {"count": len(made)},
            )
            return redirect("plans:announcement-overview", pk=process.pk)
    context = _overview_context(request, process, form=form)
    return render(request, "plans/announcement_overview.html", context, status=400)


def announcement_unit(request, pk, unit_pk):
    process = process_get_for_user(user=request.user, pk=pk)
    page = selectors.unit_announcement_for_user(user=request.user, process=process, unit_pk=unit_pk)
    return render(
        request,
        "plans/announcement_unit.html",
        {
            "process": process,
            "page": page,
            "unit": page.unit,
            "announcement": page.announcement,
            "can_read_units": request.user.has_perm(selectors.COMPLETE, process),
        },
    )
