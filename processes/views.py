from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from werkdruk.domain_errors import shows_domain_error
from werkdruk.files import download_name
from werkdruk.pdf import pdf_response, render_pdf
from werkdruk.submissions import idempotent_post

from . import agreement, registry, selectors, services, todos
from .forms import (
    GroundsForm,
    ProcessCreateForm,
    SignOffForm,
    StepActorAgreeForm,
    StepActorForm,
    StepActorRejectForm,
    StepCompleteForm,
    StepPlanForm,
)
from .models import Process, SchoolYear
from .registry import Actor, Completion

FILE_AGREEMENT = pgettext_lazy("file name", "agreement")


def dashboard(request):
    return render(
        request, "processes/dashboard.html", selectors.dashboard_for_user(user=request.user)
    )


def board_detail(request, pk):
    """The board's page: for its administrators everything; its GMR members read step 0 and
    the board's decisions only."""
    board = selectors.board_get_for_user(user=request.user, pk=pk, perm="processes.read_board")
    decisions = selectors.board_decisions(board=board)
    if not request.user.has_perm("processes.view_board", board):
        context = {
            "board": board,
            "read_only": True,
            "decisions": decisions,
            "board_processes": selectors.board_processes(board=board),
        }
        return render(request, "processes/board_detail.html", context)
    overview = selectors.board_overview(board=board)
    found = todos.board_todos(request.user, [overview])
    context = {**overview, "todos": found[board.pk], "decisions": decisions}
    return render(request, "processes/board_detail.html", context)


@method_decorator(idempotent_post, name="post")
class ProcessCreateView(View):
    template_name = "processes/process_create.html"

    def _setup(self, request, school_id):
        school = selectors.school_get_for_user(user=request.user, pk=school_id)
        if not request.user.has_perm("processes.manage_process", school):
            raise PermissionDenied
        current = SchoolYear.objects.current()
        years = SchoolYear.objects.filter(
            start_year__in=[current.start_year, current.next().start_year]
        ).exclude(pk__in=Process.objects.filter(school=school).values("school_year"))
        return school, years

    def _form(self, school, years, data=None):
        has_previous = Process.objects.filter(school=school).exists()
        return ProcessCreateForm(data, school_years=years, has_previous=has_previous)

    def get(self, request, school_id):
        school, years = self._setup(request, school_id)
        form = self._form(school, years)
        return render(request, self.template_name, {"school": school, "form": form})

    def post(self, request, school_id):
        school, years = self._setup(request, school_id)
        form = self._form(school, years, request.POST)
        if form.is_valid():
            year = form.cleaned_data["school_year"]
            copy_from = None
            if form.cleaned_data.get("copy_previous"):
                copy_from = Process.objects.filter(
                    school=school, school_year__start_year=year.start_year - 1
                ).first()
                if copy_from is None:
                    form.add_error(
                        "copy_previous", _("There is no process for the previous school year.")
                    )
            if form.is_valid():
                with shows_domain_error(form=form) as attempt:
                    process = services.process_create(
                        school=school,
                        school_year=year,
                        actor=request.user,
                        copy_from=copy_from,
                        kind=form.cleaned_data["kind"],
                        reminder_lead_days=form.cleaned_data["reminder_lead_days"],
                    )
                if attempt.succeeded:
                    messages.success(request, _("The process has started: step 1 is open."))
                    return redirect("processes:process-detail", pk=process.pk)
        return render(request, self.template_name, {"school": school, "form": form}, status=400)


def process_detail(request, pk):
    process = selectors.process_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "processes/process_detail.html",
        {
            "process": process,
            "steps": _timeline_rows(process),
            "board_step": selectors.board_step(process),
            "board_definition": registry.BOARD_STEP,
            "todos": todos.todos_for(request.user, process),
            "can_manage": request.user.has_perm("processes.manage_process", process),
        },
    )


def _timeline_rows(process):
    rows = []
    for step in process.steps.all():
        step.process = process
        rows.append(
            {
                "step": step,
                "signed": selectors.current_sign_offs(step),
                "needs_sign_off": services.step_needs_sign_off(step),
            }
        )
    return rows


def _agreement_context(process, version):
    content = version.content if version else agreement.agreement_content(process)
    return {
        "process": process,
        "version": version,
        "content": content,
        "sections": agreement.section_list(content),
    }


def agreement_detail(request, pk):
    """The agreement of steps 1-3: a frozen version (the latest, or ?version=N) or the draft."""
    process = selectors.process_get_for_user(user=request.user, pk=pk)
    # The content is read only to render a version's body the first time (then cached).
    versions = list(
        process.agreements.select_related("created_by").defer("content").order_by("-number")
    )
    requested = request.GET.get("version")
    version = next((v for v in versions if str(v.number) == requested), None)
    if requested and version is None:
        raise Http404
    if version is None and not requested and versions:
        version = versions[0]
    steps = {s.number: s for s in process.steps.all()}
    if version is None:
        context = _agreement_context(process, version)
    else:
        # A frozen version never changes: its body is rendered once and cached
        # (agreement.version_body_html), its content is not even read after that.
        context = {
            "process": process,
            "version": version,
            "agreement_html": agreement.version_body_html(version),
        }
    # As agreement_freeze: steps 1-3 done and the vote (step 4) not held yet.
    can_freeze = (
        request.user.has_perm("processes.manage_process", process)
        and all(steps[n].state == "done" for n in (1, 2, 3))
        and getattr(steps.get(4), "state", None) == "open"
    )
    if can_freeze and versions:
        # Offered only when steps 1-3 now say something else than the latest frozen version.
        live = agreement.content_hash(agreement.agreement_content(process))
        can_freeze = live != versions[0].content_hash
    context.update(
        {
            "versions": versions,
            "can_freeze": can_freeze,
            "steps": [steps[n] for n in (1, 2, 3)],
        }
    )
    return render(request, "processes/agreement_detail.html", context)


@require_POST
def agreement_freeze(request, pk):
    process = selectors.process_get_for_user(
        user=request.user, pk=pk, perm="processes.manage_process"
    )
    with shows_domain_error(request=request) as attempt:
        version = agreement.agreement_freeze(process=process, actor=request.user)
    if attempt.succeeded:
        messages.success(
            request,
            _("Version %(number)s of the agreement is frozen: this is what the staff vote on.")
            % {"number": version.number},
        )
    return redirect("processes:agreement", pk=process.pk)


def agreement_pdf(request, pk, number):
    process = selectors.process_get_for_user(user=request.user, pk=pk)
    version = process.agreements.filter(number=number).first()
    if version is None:
        raise Http404
    # The frozen document reads the same for everyone: in the school's language.
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf("processes/agreement_pdf.html", _agreement_context(process, version))
    name = download_name(
        FILE_AGREEMENT, process.school.brin, process.school_year, f"v{number}", ext="pdf"
    )
    return pdf_response(pdf, name)


def decision_list(request, pk):
    process = selectors.process_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "processes/decision_list.html",
        {"process": process, "decisions": selectors.decision_list(process=process)},
    )


def step_detail(request, pk, number, forms=None, status=200):
    step = selectors.step_get_for_user(user=request.user, process_pk=pk, number=number)
    user = request.user
    can_manage = user.has_perm("processes.manage_process", step)
    needs_sign_off = services.step_needs_sign_off(step)
    sides = services.sign_off_sides_for(user, step) if needs_sign_off else []
    signed = selectors.current_sign_offs(step)
    open_sides = [s for s in sides if s not in signed]
    d = step.definition
    forms = forms or {}
    context = {
        "process": step.process,
        "step": step,
        "definition": d,
        "signed": signed,
        "needs_sign_off": needs_sign_off,
        "blockers": registry.step_blockers(step) if step.state == "open" else [],
        "pages": selectors.step_page_links(user=user, process=step.process, number=number),
        "decisions": selectors.decision_list(process=step.process).filter(step_number=number),
        "can_manage": can_manage,
        "is_agreed_step": d.actor == Actor.AGREED,
        "is_actor_step": d.completion == Completion.ACTOR and not needs_sign_off,
        "can_complete": user.has_perm("processes.complete_step", step),
        "can_skip": can_manage and step.process.is_light and d.skippable_when_light,
        "sign_off_form": forms.get("sign_off")
        or (SignOffForm(sides=open_sides) if open_sides else None),
        "complete_form": forms.get("complete") or StepCompleteForm(),
        "actor_form": forms.get("actor")
        or StepActorForm(
            initial={"agreed_actor": step.agreed_actor, "detail": step.agreed_actor_detail}
        ),
        "proposal_waiting_for": services.actor_proposal_waiting_for(step),
        "can_answer_proposal": services.may_answer_actor_proposal(user, step),
        "agree_form": forms.get("actor_agree")
        or StepActorAgreeForm(prefix="agree", initial={"proposal": step.proposal_number}),
        "reject_form": forms.get("actor_reject")
        or StepActorRejectForm(prefix="reject", initial={"proposal": step.proposal_number}),
        "plan_form": forms.get("plan") or StepPlanForm(initial={"planned_date": step.planned_date}),
        "reopen_form": forms.get("reopen") or GroundsForm(prefix="reopen"),
        "skip_form": forms.get("skip") or GroundsForm(prefix="skip"),
    }
    return render(request, "processes/step_detail.html", context, status=status)


def _step_action(form_key, perm, make_form, call):
    """A POST view: check permission, validate the form, call one service, report."""

    @require_POST
    @idempotent_post
    def view(request, pk, number):
        step = selectors.step_get_for_user(user=request.user, process_pk=pk, number=number)
        if not request.user.has_perm(perm, step):
            raise PermissionDenied
        form = make_form(request, step)
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                message = call(request.user, step, form.cleaned_data)
            if attempt.succeeded:
                messages.success(request, message)
                return redirect("processes:step-detail", pk=pk, number=number)
        return step_detail(request, pk, number, forms={form_key: form}, status=400)

    return view


def _sign_off_form(request, step):
    return SignOffForm(request.POST, sides=services.sign_off_sides_for(request.user, step))


def _sign_off(user, step, data):
    services.step_sign_off(step=step, actor=user, side=data["side"], grounds=data["grounds"])
    return _("Your sign-off has been recorded.")


def _complete(user, step, data):
    services.step_complete(step=step, actor=user, note=data["note"])
    return _("The step has been recorded as done.")


def _propose_actor(user, step, data):
    services.step_propose_actor(
        step=step, actor=user, agreed_actor=data["agreed_actor"], detail=data["detail"]
    )
    return _("Your proposal has been recorded; it applies once the other side agrees.")


def _agree_actor(user, step, data):
    services.step_agree_actor(
        step=step, actor=user, proposal=data["proposal"], grounds=data["grounds"]
    )
    return _("You have agreed: it is now recorded who carries out this step.")


def _reject_actor(user, step, data):
    services.step_reject_actor(
        step=step, actor=user, proposal=data["proposal"], grounds=data["grounds"]
    )
    return _("You have rejected the proposal.")


def _plan(user, step, data):
    services.step_plan(step=step, actor=user, planned_date=data["planned_date"])
    return _("The planned date has been saved.")


def _reopen(user, step, data):
    services.step_reopen(step=step, actor=user, grounds=data["grounds"])
    return _("The step has been reopened.")


def _skip(user, step, data):
    services.step_skip(step=step, actor=user, grounds=data["grounds"])
    return _("The step has been skipped.")


MANAGE = "processes.manage_process"
step_sign_off = _step_action("sign_off", MANAGE, _sign_off_form, _sign_off)
step_complete = _step_action(
    "complete",
    "processes.complete_step",
    lambda request, step: StepCompleteForm(request.POST),
    _complete,
)
step_assign_actor = _step_action(
    "actor", MANAGE, lambda request, step: StepActorForm(request.POST), _propose_actor
)
step_agree_actor = _step_action(
    "actor_agree",
    MANAGE,
    lambda request, step: StepActorAgreeForm(request.POST, prefix="agree"),
    _agree_actor,
)
step_reject_actor = _step_action(
    "actor_reject",
    MANAGE,
    lambda request, step: StepActorRejectForm(request.POST, prefix="reject"),
    _reject_actor,
)
step_plan = _step_action("plan", MANAGE, lambda request, step: StepPlanForm(request.POST), _plan)
step_reopen = _step_action(
    "reopen", MANAGE, lambda request, step: GroundsForm(request.POST, prefix="reopen"), _reopen
)
step_skip = _step_action(
    "skip", MANAGE, lambda request, step: GroundsForm(request.POST, prefix="skip"), _skip
)
