"""The evaluation agreement: how the director and the PMR will evaluate the school plan (what
is measured, the indicators, when, by whom, how the results are shared, and the follow-up next
year). Step 11 cannot be signed off without it.

Either side records it and may change it until the PMR has consented to the plan. The PMR's
consent covers the plan with this agreement, so afterwards a change is refused until step 11 is
reopened (which withdraws the sign-offs; the PMR then records its decision again). Once the plan
is ratified the agreement no longer changes. Every save is recorded as a decision of step 11
with the full text.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import ProcessStep, SignOff
from processes.predicates import is_director, is_pmr_member
from processes.services import decision_record, process_lock
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError

from .models import EvaluationAgreement

STEP = 11
FIELDS = ("what", "indicators", "when", "responsible", "sharing", "follow_up")
REQUIRED = ("what", "indicators", "when", "responsible", "sharing")
TEXT_MAX = 5000


def may_edit_evaluation(user, process) -> bool:
    return is_director(user, process) or is_pmr_member(user, process)


def evaluation_refusal(step) -> str | None:
    """Why the evaluation agreement cannot be changed now (``step`` is step 11), or None."""
    if step.state == ProcessStep.State.DONE:
        return _("The plan has been ratified: the evaluation agreement can no longer be changed.")
    if step.sign_offs.filter(revision=step.revision, side=SignOff.Side.PMR).exists():
        return _(
            "The PMR has consented to the plan with this evaluation agreement. Reopen step "
            "%(number)s first to change it; the PMR then records its decision again."
        ) % {"number": STEP}
    return None


def _clean(values: dict) -> dict:
    cleaned = {name: (values.get(name) or "").strip() for name in FIELDS}
    missing = [name for name in REQUIRED if not cleaned[name]]
    if missing:
        labels = [str(EvaluationAgreement._meta.get_field(name).verbose_name) for name in missing]
        raise DomainError(
            _("Fill in every part of the evaluation agreement."),
            details=[_("Missing: %(field)s.") % {"field": label} for label in labels],
        )
    if any(len(text) > TEXT_MAX for text in cleaned.values()):
        raise DomainError(
            _("Each part of the evaluation agreement has at most %(max)s characters.")
            % {"max": TEXT_MAX}
        )
    return cleaned


@transaction.atomic
def evaluation_agreement_save(
    *,
    process,
    actor,
    what,
    indicators,
    when,
    responsible,
    sharing,
    follow_up="",
    version: int | None = None,
) -> EvaluationAgreement:
    """Record or change the evaluation agreement (the director or a PMR member), until the
    PMR has consented to the plan; recorded as a decision of step 11 with the full text.

    ``version`` is the agreement's version the input was based on (0: none recorded yet); when
    the other side saved in between, EditConflict is raised and nothing is written."""
    process = process_lock(process)
    if not may_edit_evaluation(actor, process):
        raise PermissionDenied
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    refusal = evaluation_refusal(step)
    if refusal:
        raise DomainError(refusal)
    values = _clean(
        {
            "what": what,
            "indicators": indicators,
            "when": when,
            "responsible": responsible,
            "sharing": sharing,
            "follow_up": follow_up,
        }
    )
    agreement = EvaluationAgreement.objects.select_for_update().filter(process=process).first()
    if agreement is not None and all(getattr(agreement, k) == v for k, v in values.items()):
        return agreement  # nothing changed: nothing to record
    version_check(agreement, version)
    changed = agreement is not None
    if agreement is None:
        agreement = EvaluationAgreement(process=process, recorded_by=actor, version=0)
    for name, value in values.items():
        setattr(agreement, name, value)
    agreement.full_clean()
    version_next(agreement)
    agreement._history_user = actor
    agreement.save()
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.evaluation.changed" if changed else "schoolplans.evaluation.recorded",
        summary=(
            gettext_noop("Evaluation agreement changed.")
            if changed
            else gettext_noop("Evaluation agreement recorded.")
        ),
        actor=actor,
        content=values,
    )
    return agreement
