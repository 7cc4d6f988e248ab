"""Pages of the plans app: the frameworks of step 3."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from processes.models import ProcessStep
from processes.selectors import current_sign_offs, process_get_for_user, process_step
from werkdruk.domain_errors import shows_domain_error
from werkdruk.edit_conflicts import EditConflict, edit_conflict_report
from werkdruk.submissions import idempotent_post

from ..forms.frameworks import FrameworkMoveForm, FrameworkRuleForm
from ..selectors import frameworks as selectors
from ..services import frameworks as services

MANAGE = "processes.manage_process"
STEP = 3


def _succeeded(request, process, message):
    """Report a change, and say so when it reopened a signed-off step 3."""
    before = process_step(process, STEP)
    after = ProcessStep.objects.only("revision").get(pk=before.pk)
    messages.success(request, message)
    if after.revision != before.revision:
        messages.warning(
            request,
            _(
                "Step 3 had been signed off, so it has been reopened (recorded as a decision): "
                "the director and the PMR sign it off again."
            ),
        )
    return redirect("plans:framework-list", pk=process.pk)


def framework_list(request, pk):
    process = process_get_for_user(user=request.user, pk=pk)
    step = process_step(process, STEP)
    rules = selectors.framework_rule_list(process=process)
    return render(
        request,
        "plans/framework_list.html",
        {
            "process": process,
            "step": step,
            "groups": selectors.framework_rules_by_kind(rules),
            "rule_count": len(rules),
            "can_manage": request.user.has_perm(MANAGE, process),
            "signed": bool(current_sign_offs(step)) or step.is_finished,
        },
    )


class _RuleFormView(View):
    template_name = "plans/framework_form.html"

    def _render(self, request, process, form, rule=None, status=200, conflict=None):
        step = process_step(process, STEP)
        context = {
            "process": process,
            "step": step,
            "rule": rule,
            "form": form,
            "signed": bool(current_sign_offs(step)) or step.is_finished,
            "edit_conflict": conflict,
        }
        return render(request, self.template_name, context, status=status)

    def _call(self, request, process, form, rule, call, message):
        if form.is_valid():
            with shows_domain_error(form=form) as attempt:
                try:
                    call(**form.service_kwargs())
                except EditConflict as conflict:
                    report = edit_conflict_report(
                        conflict, form=form, initial_for=FrameworkRuleForm.initial_for
                    )
                    return self._render(request, process, form, rule, status=409, conflict=report)
            if attempt.succeeded:
                return _succeeded(request, process, message)
        return self._render(request, process, form, rule, status=400)


@method_decorator(idempotent_post, name="post")
class FrameworkRuleCreateView(_RuleFormView):
    def get(self, request, pk):
        process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
        return self._render(request, process, FrameworkRuleForm())

    def post(self, request, pk):
        process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
        form = FrameworkRuleForm(request.POST)

        def call(**data):
            services.framework_rule_create(process=process, actor=request.user, **data)

        return self._call(request, process, form, None, call, _("The rule has been added."))


class FrameworkRuleUpdateView(_RuleFormView):
    def get(self, request, pk, rule_pk):
        process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
        rule = selectors.framework_rule_get(process=process, pk=rule_pk)
        form = FrameworkRuleForm(initial=FrameworkRuleForm.initial_for(rule))
        return self._render(request, process, form, rule)

    def post(self, request, pk, rule_pk):
        process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
        rule = selectors.framework_rule_get(process=process, pk=rule_pk)
        form = FrameworkRuleForm(request.POST)

        def call(**data):
            services.framework_rule_update(
                rule=rule, actor=request.user, version=form.cleaned_data["version"], **data
            )

        return self._call(request, process, form, rule, call, _("The rule has been saved."))


class FrameworkRuleDeleteView(View):
    """GET asks for confirmation (no JavaScript needed); POST removes the rule."""

    def get(self, request, pk, rule_pk):
        process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
        rule = selectors.framework_rule_get(process=process, pk=rule_pk)
        step = process_step(process, STEP)
        return render(
            request,
            "plans/framework_confirm_delete.html",
            {
                "process": process,
                "step": step,
                "rule": rule,
                "signed": bool(current_sign_offs(step)) or step.is_finished,
            },
        )

    def post(self, request, pk, rule_pk):
        process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
        rule = selectors.framework_rule_get(process=process, pk=rule_pk)
        services.framework_rule_delete(rule=rule, actor=request.user)
        return _succeeded(request, process, _("The rule has been removed."))


@require_POST
def framework_rule_move(request, pk, rule_pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    rule = selectors.framework_rule_get(process=process, pk=rule_pk)
    form = FrameworkMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Move a rule up or down."))
        return redirect("plans:framework-list", pk=process.pk)
    direction = form.cleaned_data["direction"]
    if not services.framework_rule_move(rule=rule, actor=request.user, direction=direction):
        return redirect("plans:framework-list", pk=process.pk)
    return _succeeded(request, process, _("The order of the rules has been changed."))


@require_POST
@idempotent_post
def framework_standard_set(request, pk):
    process = process_get_for_user(user=request.user, pk=pk, perm=MANAGE)
    with shows_domain_error(request=request) as attempt:
        services.framework_standard_set_add(process=process, actor=request.user)
    if attempt.failed:
        return redirect("plans:framework-list", pk=process.pk)
    return _succeeded(
        request,
        process,
        _("The standard set has been added. Adapt the rules to your school before signing off."),
    )
