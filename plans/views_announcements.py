"""Pages of step 6: the announcements overview (with the form to announce) and a unit's
announcement as its staff read it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext

from processes.selectors import process_get_for_user, process_step
from werkdruk.exceptions import DomainError
from werkdruk.forms import DutchDateField
from werkdruk.submissions import idempotent_post

from . import announcements

STEP = announcements.STEP


class AnnouncementForm(forms.Form):
    """To whom, by when, and what a plan must contain."""

    units = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Units"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one unit.")},
    )
    deadline = DutchDateField(
        label=gettext_lazy("Deadline for the unit plans"),
        help_text=gettext_lazy("By default the planned date of step 8."),
    )
    text = forms.CharField(
        label=gettext_lazy("What a plan must contain"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 12, "class": "form-control"}),
        help_text=gettext_lazy("The standard text; adapt it to your school where needed."),
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(row.unit.pk, row.unit.name) for row in rows]


def _overview_context(request, process, form=None):
    step = process_step(process, STEP)
    rows = announcements.announcement_overview(process=process, step=step)
    can_announce = step.state == step.State.OPEN and announcements.may_announce(request.user, step)
    if can_announce and form is None:
        form = AnnouncementForm(
            rows=rows,
            initial={
                "units": [row.unit.pk for row in rows],
                "deadline": announcements.default_deadline(process),
                "text": announcements.default_requirements(),
            },
        )
    return {
        "process": process,
        "step": step,
        "rows": rows,
        "announced": sum(1 for row in rows if row.announcement),
        "can_announce": can_announce,
        "can_read_units": request.user.has_perm(announcements.COMPLETE, process),
        "form": form if can_announce else None,
    }


@idempotent_post
def announcement_overview(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    if not announcements.may_view_overview(request.user, process):
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request, "plans/announcement_overview.html", _overview_context(request, process)
        )

    step = process_step(process, STEP)
    if not announcements.may_announce(request.user, step):
        raise PermissionDenied
    rows = announcements.announcement_overview(process=process, step=step)
    form = AnnouncementForm(request.POST, rows=rows)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = announcements.announcement_send(
                process=process,
                actor=request.user,
                units=data["units"],
                deadline=data["deadline"],
                text=data["text"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            for detail in error.details:
                form.add_error(None, detail)
        else:
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
    page = announcements.unit_announcement_for_user(
        user=request.user, process=process, unit_pk=unit_pk
    )
    return render(
        request,
        "plans/announcement_unit.html",
        {
            "process": process,
            "page": page,
            "unit": page.unit,
            "announcement": page.announcement,
            "can_read_units": request.user.has_perm(announcements.COMPLETE, process),
        },
    )
