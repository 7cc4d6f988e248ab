"""Step 2's page: split the school budget over the units, with a preview that follows the input.

GET shows the page (read-only for whoever may only view the process). The form posts to the
preview view: htmx gets the preview partial while the user types; without JavaScript the
"Calculate" button gets the whole page. "Save this split" posts the same inputs plus the
preview's fingerprint to the save view.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from processes.selectors import current_sign_offs, process_get_for_user, process_step
from werkdruk.exceptions import DomainError

from ..forms.split import SplitForm, initial_inputs
from ..services.split import SplitError, split_preview, split_save, split_status

MANAGE = "processes.manage_process"


def _try_preview(process, status, form):
    """The preview of a valid form, or None with the problems put on the form."""
    if not form.is_valid():
        return None
    try:
        return split_preview(process=process, status=status, **form.inputs())
    except SplitError as error:
        form.add_split_error(error)
        return None


def _context(request, process, status, form=None, preview=None):
    step = process_step(process, 2)
    return {
        "process": process,
        "step": step,
        "step_signed": bool(step and (step.is_finished or current_sign_offs(step))),
        "status": status,
        "can_manage": form is not None,
        "form": form,
        "preview": preview,
        "preview_errors": form.error_messages() if form is not None else [],
        "shown_method": form.shown_method if form is not None else "",
    }


def _render_page(request, process, status, form=None, preview=None, http_status=200):
    context = _context(request, process, status, form, preview)
    return render(request, "units/split_detail.html", context, status=http_status)


@require_GET
def split_detail(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    status = split_status(process=process)
    if not request.user.has_perm(MANAGE, process):
        return _render_page(request, process, status)
    inputs = initial_inputs(status)
    form = SplitForm(units=status.rows, initial=SplitForm.initial_for(inputs))
    preview = None
    try:
        preview = split_preview(process=process, status=status, **inputs)
    except SplitError as error:
        form.domain_messages.extend(str(problem) for problem in error.problems)
    context = _context(request, process, status, form, preview)
    if preview is None:
        context["preview_errors"] = form.domain_messages
    return render(request, "units/split_detail.html", context)


@require_POST
def split_preview_view(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    status = split_status(process=process)
    form = SplitForm(request.POST, units=status.rows)
    preview = _try_preview(process, status, form)
    if request.htmx:
        context = _context(request, process, status, form, preview)
        # Swap the per-unit inputs too when the method changed (the user is not typing there).
        context["oob"] = request.POST.get("shown_method") != form.shown_method
        context["refresh_errors"] = True  # the errors next to the fields, out of band
        return render(request, "units/includes/_split_preview.html", context)
    return _render_page(request, process, status, form, preview, 200 if preview else 400)


@require_POST
def split_save_view(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    status = split_status(process=process)
    form = SplitForm(request.POST, units=status.rows)
    if not form.is_valid():
        return _render_page(request, process, status, form, None, 400)
    revision = process_step(process, 2).revision
    try:
        if not request.POST.get("fingerprint"):
            raise DomainError(_("Calculate the split first, then save it."))
        split_save(
            process=process,
            actor=request.user,
            expected_fingerprint=request.POST["fingerprint"],
            **form.inputs(),
        )
    except SplitError as error:
        form.add_split_error(error)
        return _render_page(request, process, status, form, None, 400)
    except DomainError as error:
        # Show the split as it is now, with a fresh fingerprint, next to the refusal.
        status = split_status(process=process)
        form = SplitForm(request.POST, units=status.rows)
        preview = _try_preview(process, status, form)
        form.add_error(None, error.message)
        return _render_page(request, process, status, form, preview, 400)
    reopened = process.steps.filter(number=2, revision__gt=revision).exists()
    messages.success(
        request,
        _(
            "The split has been saved. Step 2 was reopened: the director and the PMR sign it "
            "off again."
        )
        if reopened
        else _("The split has been saved."),
    )
    return redirect("units:split", pk=process.pk)
