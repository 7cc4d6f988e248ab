"""Pages of step 5, the collective kick-off. Thin: every write goes through
``services.kickoff``, which checks permission and state again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from processes.selectors import process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.submissions import idempotent_post

from .. import ics
from ..forms.kickoff import (
    AttendanceCountForm,
    AttendancePerPersonForm,
    HeldForm,
    KickoffSessionForm,
)
from ..models import KickoffSession
from ..selectors import kickoff as reads
from ..services import kickoff as kickoff_services

STEP = 5
ORGANISE = "processes.complete_step"


def _process_and_step(request, pk, *, organise=False):
    """The visible process (404 otherwise) and its step 5; 403 for a non-organiser when
    ``organise``."""
    process = process_get_for_user(user=request.user, pk=pk)
    step = process_step(process, STEP)
    if organise and not request.user.has_perm(ORGANISE, step):
        raise PermissionDenied
    return process, step


def _back(process):
    return redirect("units:kickoff", pk=process.pk)


def kickoff(request, pk):
    process, step = _process_and_step(request, pk)
    page = reads.kickoff_page(process=process, step=step, user=request.user)
    return render(
        request,
        "units/kickoff/kickoff.html",
        {"process": process, "step": step, "page": page},
    )


class _SessionFormView(View):
    template_name = "units/kickoff/session_form.html"

    def _render(self, request, process, step, form, session=None, status=200):
        context = {"process": process, "step": step, "form": form, "session": session}
        return render(request, self.template_name, context, status=status)

    def _call(self, request, process, step, form, session, call, message):
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                call(**form.service_kwargs())
            if attempt.succeeded:
                messages.success(request, message)
                return _back(process)
        return self._render(request, process, step, form, session, status=400)


@method_decorator(idempotent_post, name="post")
class KickoffSessionCreateView(_SessionFormView):
    def get(self, request, pk):
        process, step = _process_and_step(request, pk, organise=True)
        return self._render(request, process, step, KickoffSessionForm())

    def post(self, request, pk):
        process, step = _process_and_step(request, pk, organise=True)
        form = KickoffSessionForm(request.POST)

        def call(**data):
            kickoff_services.kickoff_session_create(process=process, actor=request.user, **data)

        return self._call(
            request, process, step, form, None, call, _("The session has been added.")
        )


class KickoffSessionUpdateView(_SessionFormView):
    def get(self, request, pk, session_pk):
        process, step = _process_and_step(request, pk, organise=True)
        session = reads.kickoff_session_get(process=process, pk=session_pk)
        form = KickoffSessionForm(initial=KickoffSessionForm.initial_for(session))
        return self._render(request, process, step, form, session)

    def post(self, request, pk, session_pk):
        process, step = _process_and_step(request, pk, organise=True)
        session = reads.kickoff_session_get(process=process, pk=session_pk)
        form = KickoffSessionForm(request.POST)

        def call(**data):
            kickoff_services.kickoff_session_update(session=session, actor=request.user, **data)

        return self._call(
            request,
            process,
            step,
            form,
            session,
            call,
            _("The session has been saved. Send the invitations again to announce the change."),
        )


class KickoffSessionDeleteView(View):
    """GET asks for confirmation (no JavaScript needed); POST cancels the session."""

    def get(self, request, pk, session_pk):
        process, step = _process_and_step(request, pk, organise=True)
        session = reads.kickoff_session_get(process=process, pk=session_pk)
        return render(
            request,
            "units/kickoff/session_confirm_delete.html",
            {"process": process, "step": step, "session": session},
        )

    def post(self, request, pk, session_pk):
        process, _step = _process_and_step(request, pk, organise=True)
        session = reads.kickoff_session_get(process=process, pk=session_pk)
        with shows_domain_error(request=request) as attempt:
            kickoff_services.kickoff_session_delete(session=session, actor=request.user)
        if attempt.succeeded:
            messages.success(request, _("The session has been removed."))
        return _back(process)


@require_POST
def kickoff_invite(request, pk, session_pk):
    process, _step = _process_and_step(request, pk, organise=True)
    session = reads.kickoff_session_get(process=process, pk=session_pk)
    with shows_domain_error(request=request) as attempt:
        sent = kickoff_services.kickoff_invitations_send(session=session, actor=request.user)
    if attempt.succeeded:
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)s invitation has been sent.",
                    "%(count)s invitations have been sent.",
                    sent,
                )
                % {"count": sent},
            )
        else:
            messages.info(request, _("Everyone has already been invited to this version."))
    return _back(process)


class KickoffAttendanceView(View):
    template_name = "units/kickoff/attendance.html"

    def _setup(self, request, pk, session_pk):
        process, step = _process_and_step(request, pk, organise=True)
        session = reads.kickoff_session_get(process=process, pk=session_pk)
        return process, step, session

    def _render(self, request, process, step, session, rows, count_form, status=200, error=None):
        context = {
            "process": process,
            "step": step,
            "session": session,
            "rows": rows,
            "count_form": count_form,
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk, session_pk):
        process, step, session = self._setup(request, pk, session_pk)
        rows = reads.kickoff_attendance_rows(session=session)
        initial = (
            {"count": session.attendance_count}
            if session.attendance_mode == KickoffSession.AttendanceMode.COUNTED
            else {}
        )
        return self._render(
            request, process, step, session, rows, AttendanceCountForm(initial=initial)
        )

    def post(self, request, pk, session_pk):
        process, step, session = self._setup(request, pk, session_pk)
        rows = reads.kickoff_attendance_rows(session=session)
        count_form = AttendanceCountForm()
        with shows_domain_error() as attempt:  # the page shows the refusal above the forms
            if request.POST.get("mode") == "counted":
                count_form = AttendanceCountForm(request.POST)
                if not count_form.is_valid():
                    return self._render(
                        request, process, step, session, rows, count_form, status=400
                    )
                kickoff_services.kickoff_attendance_count(
                    session=session, actor=request.user, count=count_form.cleaned_data["count"]
                )
            else:
                form = AttendancePerPersonForm(
                    request.POST, staff_ids=[row.staff_member.pk for row in rows]
                )
                if not form.is_valid():
                    error = _("Tick only staff members from the list.")
                    return self._render(
                        request, process, step, session, rows, count_form, 400, error
                    )
                kickoff_services.kickoff_attendance_record(
                    session=session,
                    actor=request.user,
                    attended_staff_ids=form.cleaned_data["present"],
                )
        if attempt.failed:
            return self._render(
                request, process, step, session, rows, count_form, 400, attempt.error.message
            )
        messages.success(request, _("The attendance has been recorded."))
        return _back(process)


@require_POST
def kickoff_held(request, pk, session_pk):
    process, _step = _process_and_step(request, pk, organise=True)
    session = reads.kickoff_session_get(process=process, pk=session_pk)
    form = HeldForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    with shows_domain_error(request=request) as attempt:
        kickoff_services.kickoff_session_mark_held(session=session, actor=request.user, note=note)
    if attempt.succeeded:
        messages.success(
            request,
            _(
                "The session has been recorded as held. Step 5 can now be recorded as done on "
                "the step page."
            ),
        )
    return _back(process)


def _own_sign_up(request, pk, session_pk, service, success):
    """Sign up or withdraw (the signed-in staff member's own choice) and go back to the page."""
    process, _step = _process_and_step(request, pk)
    session = reads.kickoff_session_get(process=process, pk=session_pk)
    with shows_domain_error(request=request) as attempt:
        service(session=session, actor=request.user)
    if attempt.succeeded:
        messages.success(request, success)
    return _back(process)


@require_POST
def kickoff_sign_up(request, pk, session_pk):
    return _own_sign_up(
        request,
        pk,
        session_pk,
        kickoff_services.kickoff_sign_up,
        _("You have signed up for the session."),
    )


@require_POST
def kickoff_withdraw(request, pk, session_pk):
    return _own_sign_up(
        request,
        pk,
        session_pk,
        kickoff_services.kickoff_withdraw,
        _("Your sign-up has been withdrawn."),
    )


@require_GET
def kickoff_ics(request, pk, session_pk):
    process, _step = _process_and_step(request, pk)
    session = reads.kickoff_session_get(process=process, pk=session_pk)
    response = HttpResponse(ics.session_calendar(session), content_type=ics.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics.session_filename(session)}"'
    return response
