"""The evaluation cycle's writes (issue 18): the evaluation agreement's dated moments, their
reminders, the outcome per measure at each moment, sharing the results with the staff, and a
unit of next year carrying over a measure with its verdict.

- **Moments.** The director or the PMR add, change or remove a moment (date, title, who is
  responsible) at any time after the evaluation agreement is recorded, also after the
  ratification: the evaluation happens during the year. A moment with outcomes is *held*: its
  date is fixed and it is not removed. Moving the date of an un-held moment re-arms its
  reminder (``reminded_at`` cleared).
- **Reminders.** ``evaluation_reminders_send`` (a Celery beat task, every morning) e-mails
  whoever is responsible from ``EVALUATION_REMINDER_DAYS`` (a setting, 7) days before the
  date of an un-recorded moment, exactly once per moment: the moment is claimed by a
  conditional update (``reminded_at`` set where it is still empty), and its e-mails go out
  in the same transaction, so a second run or a second worker finds it claimed, and a
  failing mail server rolls the claim back for the next run.
- **Outcomes.** One page per moment records an outcome (continue, adjust, stop; reasons; the
  results against the goal) for the measures of the ratified version, in one transaction; the
  moment is *recorded* when every measure has one. Until the results are shared they can be
  changed (edit conflicts as elsewhere: the moment's ``version``).
- **Sharing.** A recorded moment is shared with the staff once; every active staff member with
  an e-mail address is told (``notified`` written before the e-mails go, after commit).
- **Carry-over.** A unit writing its plan (step 8) copies a measure of last year's ratified
  plan into its plan, only when last year's last recorded moment gave it continue or adjust.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plans.models import Measure, MeasureCategory
from plans.services.unit_plans import MeasureData, measure_create
from processes.mail import board_mail
from processes.models import SchoolRole
from processes.services import decision_record, process_lock, require_perm
from units.models import StaffMember
from werkdruk.edit_conflicts import version_check, version_next
from werkdruk.exceptions import DomainError

from ..models import EvaluationAgreement, EvaluationMoment, EvaluationOutcome, MeasureCarryOver
from ..selectors.evaluation import (
    carriable_measures,
    carry_over_refusal,
    may_edit_evaluation_moments,
    measures_to_evaluate,
    ratified_version_of,
    reminder_days,
)

logger = logging.getLogger(__name__)

# cause_id: the evaluation moment (its page shows the failures)
REMINDER_CAUSE = "schoolplans.evaluation_reminder"
SHARED_CAUSE = "schoolplans.evaluation_shared"

STEP = 11
TITLE_MAX = 200
TEXT_MAX = 5000
Verdict = EvaluationOutcome.Verdict
Responsible = EvaluationMoment.Responsible


# --- moments --------------------------------------------------------------------------------


def _check_editor(actor, process):
    if not may_edit_evaluation_moments(actor, process):
        raise PermissionDenied


def _title(title) -> str:
    text = (title or "").strip()
    if not text:
        raise DomainError(_("Give the evaluation moment a title."))
    if len(text) > TITLE_MAX:
        raise DomainError(_("The title has at most %(max)s characters.") % {"max": TITLE_MAX})
    return text


def _locked_moment(moment) -> EvaluationMoment:
    locked = (
        EvaluationMoment.objects.select_for_update(of=("self",))
        .select_related("agreement__process__school__board")
        .filter(pk=moment.pk)
        .first()
    )
    if locked is None:
        raise DomainError(_("This evaluation moment no longer exists."))
    return locked


@transaction.atomic
def moment_add(*, process, actor, date, title, responsible=Responsible.BOTH) -> EvaluationMoment:
    """Add a moment to the evaluation agreement (the director or the PMR)."""
    process = process_lock(process)
    _check_editor(actor, process)
    agreement = EvaluationAgreement.objects.filter(process=process).first()
    if agreement is None:
        raise DomainError(_("Record the evaluation agreement first; then plan its moments."))
    if responsible not in Responsible.values:
        raise DomainError(_("Choose who is responsible for the evaluation moment."))
    moment = EvaluationMoment.objects.create(
        agreement=agreement, date=date, title=_title(title), responsible=responsible
    )
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.evaluation.moment_added",
        summary=gettext_noop("Evaluation moment “%(title)s” planned on %(date)s."),
        params={"title": moment.title, "date": date.isoformat()},
        actor=actor,
        content={"moment": moment.pk, "date": date.isoformat(), "responsible": responsible},
    )
    return moment


@transaction.atomic
def moment_change(
    *, moment, actor, date, title, responsible, version: int | None = None
) -> EvaluationMoment:
    """Change a moment's date, title or who is responsible. A held moment (with outcomes)
    keeps its date; a new date of an un-held one re-arms its reminder."""
    moment = _locked_moment(moment)
    process = moment.agreement.process
    _check_editor(actor, process)
    if responsible not in Responsible.values:
        raise DomainError(_("Choose who is responsible for the evaluation moment."))
    title = _title(title)
    if (moment.date, moment.title, moment.responsible) == (date, title, responsible):
        return moment
    version_check(moment, version)
    if date != moment.date:
        if moment.outcomes.exists():
            raise DomainError(
                _("Outcomes have been recorded at this moment: its date can no longer be moved.")
            )
        moment.reminded_at = None  # re-armed: the reminder goes again before the new date
    old_date = moment.date
    moment.date, moment.title, moment.responsible = date, title, responsible
    version_next(moment)
    moment.save()
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.evaluation.moment_changed",
        summary=gettext_noop("Evaluation moment “%(title)s” changed (date %(date)s)."),
        params={"title": title, "date": date.isoformat()},
        actor=actor,
        content={"moment": moment.pk, "old_date": old_date.isoformat(), "date": date.isoformat()},
    )
    return moment


@transaction.atomic
def moment_delete(*, moment, actor) -> None:
    """Remove an un-held moment."""
    moment = _locked_moment(moment)
    process = moment.agreement.process
    _check_editor(actor, process)
    if moment.outcomes.exists():
        raise DomainError(_("Outcomes have been recorded at this moment: it cannot be removed."))
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.evaluation.moment_removed",
        summary=gettext_noop("Evaluation moment “%(title)s” removed."),
        params={"title": moment.title},
        actor=actor,
        content={"moment": moment.pk, "date": moment.date.isoformat()},
    )
    moment.delete()


# --- reminders ------------------------------------------------------------------------------


def responsible_users(moment):
    """The active users holding the role(s) responsible for ``moment`` at its school."""
    roles = {
        Responsible.DIRECTOR: [SchoolRole.Role.DIRECTOR],
        Responsible.PMR: [SchoolRole.Role.PMR],
    }.get(moment.responsible, [SchoolRole.Role.DIRECTOR, SchoolRole.Role.PMR])
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            school_roles__school_id=moment.agreement.process.school_id,
            school_roles__role__in=roles,
        )
        .distinct()
        .order_by("email")
    )


def moment_url(moment) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "schoolplans:evaluation-moment", args=[moment.agreement.process_id, moment.pk]
    )


def _send_reminder(moment, user):
    process = moment.agreement.process
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "title": moment.title,
            "date": formats.date_format(moment.date),
            "school": process.school.name,
            "year": str(process.school_year),
            "url": moment_url(moment),
        }
        subject = _("Evaluation moment on %(date)s: %(title)s") % context
        body = render_to_string("schoolplans/email/evaluation_reminder_body.txt", context)
    board_mail(
        process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [user.email],
        cause=REMINDER_CAUSE,
        cause_id=moment.pk,
    )


def moment_reminder_due(moment, today) -> bool:
    return (
        moment.reminded_at is None
        and moment.recorded_at is None
        and (moment.date - today).days <= reminder_days()
    )


def evaluation_reminders_send(*, today=None) -> int:
    """Remind whoever is responsible for the moments due (from ``EVALUATION_REMINDER_DAYS``
    days before their date until they are recorded); exactly once per moment (and date).
    Returns how many e-mails went out."""
    today = today or timezone.localdate()
    due = list(
        EvaluationMoment.objects.filter(
            reminded_at__isnull=True,
            recorded_at__isnull=True,
            date__lte=today + timezone.timedelta(days=reminder_days()),
        )
        .order_by("date", "pk")
        .values_list("pk", "date")
    )
    sent = 0
    for pk, date in due:
        try:
            with transaction.atomic():
                # The claim: only one run sets reminded_at (a second one waits on the row
                # and then finds it set). The date must be the one read: a moved date
                # re-armed meanwhile is judged again next time.
                claimed = EvaluationMoment.objects.filter(
                    pk=pk, date=date, reminded_at__isnull=True, recorded_at__isnull=True
                ).update(reminded_at=timezone.now())
                if not claimed:
                    continue
                moment = EvaluationMoment.objects.select_related(
                    "agreement__process__school__board", "agreement__process__school_year"
                ).get(pk=pk)
                for user in responsible_users(moment):  # into the outbox, with the claim
                    _send_reminder(moment, user)
                    sent += 1
        except Exception:  # the claim is rolled back, the next run retries
            logger.exception("Reminder of evaluation moment %s failed", pk)
    return sent


# --- outcomes -------------------------------------------------------------------------------


@transaction.atomic
def outcomes_record(
    *, moment, actor, outcomes: dict[str, dict], version: int | None = None
) -> EvaluationMoment:
    """Record the outcomes at ``moment``: ``outcomes`` maps a measure's key in the ratified
    version to {verdict, reasons, results}; a measure without a verdict has no outcome yet.
    The moment is recorded once every measure has one. Refused after the results were shared."""
    moment = _locked_moment(moment)
    process = process_lock(moment.agreement.process_id)
    moment.agreement.process = process
    _check_editor(actor, process)
    if moment.shared_at is not None:
        raise DomainError(
            _("The results of this moment have been shared with the staff: they are final.")
        )
    if ratified_version_of(process) is None:
        raise DomainError(_("The school plan is not ratified yet: there is nothing to evaluate."))
    measures = measures_to_evaluate(process, moment)
    existing = {row.key: row.outcome for row in measures if row.outcome is not None}
    cleaned, problems = {}, []
    for row in measures:
        entry = outcomes.get(row.key) or {}
        verdict = (entry.get("verdict") or "").strip()
        reasons = (entry.get("reasons") or "").strip()
        results = (entry.get("results") or "").strip()
        if not verdict:
            if reasons or results or row.key in existing:
                problems.append(
                    _("%(title)s: choose continue, adjust or stop.") % {"title": row.title}
                )
            continue
        if verdict not in Verdict.values:
            problems.append(_("%(title)s: choose continue, adjust or stop.") % {"title": row.title})
            continue
        if not reasons:
            problems.append(_("%(title)s: give the reasons.") % {"title": row.title})
            continue
        if len(reasons) > TEXT_MAX or len(results) > TEXT_MAX:
            problems.append(
                _("%(title)s: at most %(max)s characters per text.")
                % {"title": row.title, "max": TEXT_MAX}
            )
            continue
        cleaned[row.key] = (row, verdict, reasons, results)
    if problems:
        raise DomainError(_("The outcomes have not been saved."), details=problems)
    changed = []
    for key, (row, verdict, reasons, results) in cleaned.items():
        outcome = existing.get(key)
        if outcome is not None and (outcome.verdict, outcome.reasons, outcome.results) == (
            verdict,
            reasons,
            results,
        ):
            continue
        changed.append((key, row, verdict, reasons, results))
    if not changed:
        return moment
    version_check(moment, version)
    now = timezone.now()
    for key, row, verdict, reasons, results in changed:
        outcome = existing.get(key) or EvaluationOutcome(
            moment=moment, measure_key=key, measure_title=row.title
        )
        outcome.verdict, outcome.reasons, outcome.results = verdict, reasons, results
        outcome.recorded_at, outcome.recorded_by = now, actor
        outcome._history_user = actor
        outcome.save()
    complete = len(set(existing) | set(cleaned)) == len(measures)
    moment.recorded_at = (moment.recorded_at or now) if complete else None
    version_next(moment)
    moment.save(update_fields=["recorded_at", "version"])
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.evaluation.outcomes_recorded",
        summary=(
            gettext_noop("Outcomes of the evaluation moment “%(title)s” recorded.")
            if complete
            else gettext_noop("Outcomes of the evaluation moment “%(title)s” partly recorded.")
        ),
        params={"title": moment.title},
        actor=actor,
        content={
            "moment": moment.pk,
            "outcomes": {
                key: {"verdict": verdict, "reasons": reasons, "results": results}
                for key, _row, verdict, reasons, results in changed
            },
        },
    )
    return moment


# --- sharing with the staff -----------------------------------------------------------------


@transaction.atomic
def moment_share(*, moment, actor) -> EvaluationMoment:
    """Share a recorded moment's results with the staff (the director or the PMR), once; the
    staff are e-mailed after the commit."""
    moment = _locked_moment(moment)
    process = moment.agreement.process
    _check_editor(actor, process)
    if moment.recorded_at is None:
        raise DomainError(
            _("Record an outcome for every measure first; then the results can be shared.")
        )
    if moment.shared_at is not None:
        raise DomainError(_("The results of this moment have already been shared with the staff."))
    moment.shared_at, moment.shared_by = timezone.now(), actor
    moment.save(update_fields=["shared_at", "shared_by"])
    decision_record(
        process=process,
        step_number=STEP,
        action="schoolplans.evaluation.shared",
        summary=gettext_noop("Results of the evaluation moment “%(title)s” shared with the staff."),
        params={"title": moment.title},
        actor=actor,
        content={"moment": moment.pk},
    )
    moment_share_notices_send(moment_id=moment.pk)  # into the outbox, in this transaction
    return moment


def _share_notice(moment, member):
    process = moment.agreement.process
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": member.name,
            "title": moment.title,
            "school": process.school.name,
            "year": str(process.school_year),
            "url": moment_url(moment),
        }
        subject = _("The results of the evaluation are there: %(title)s") % context
        body = render_to_string("schoolplans/email/evaluation_shared_body.txt", context)
    board_mail(
        process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [member.email],
        cause=SHARED_CAUSE,
        cause_id=moment.pk,
    )


def moment_share_notices_send(*, moment_id) -> int:
    """E-mail every active staff member of the school (with an address) that the results are
    there, at most once per person (``notified`` written first, with the moment locked)."""
    with transaction.atomic():
        moment = (
            EvaluationMoment.objects.select_for_update(of=("self",))
            .select_related("agreement__process__school__board", "agreement__process__school_year")
            .filter(pk=moment_id, shared_at__isnull=False)
            .first()
        )
        if moment is None:
            return 0
        done = set(moment.notified)
        recipients, addresses = [], set()
        staff = (
            StaffMember.objects.filter(school_id=moment.agreement.process.school_id, active=True)
            .exclude(email="")
            .order_by("name", "pk")
        )
        for member in staff:
            address = member.email.strip().lower()
            if member.pk in done or address in addresses:
                continue
            addresses.add(address)
            recipients.append(member)
        if not recipients:
            return 0
        moment.notified = sorted(done | {member.pk for member in recipients})
        moment.save(update_fields=["notified"])
        for member in recipients:
            _share_notice(moment, member)
        return len(recipients)


# --- next year: a measure carried over ------------------------------------------------------


def _years_for(process, old_measure: dict) -> tuple[int, int]:
    start = process.school_year.start_year
    length = int(old_measure["last_year"]) - int(old_measure["first_year"])
    return start, start + max(length, 0)


@transaction.atomic
def measure_carry_over(*, process, plan, actor, measure_key: str) -> Measure:
    """Copy a measure of last year's ratified plan into ``plan`` (a unit plan of ``process``
    at step 8), with a reference to last year's measure and its verdict. Only a measure last
    year's evaluation gave continue or adjust; the unit plan's own rules (who edits, in which
    state) are checked by ``plans.services.unit_plans.measure_create``."""
    require_perm(actor, "plans.edit_unit_plan", plan)
    previous, rows = carriable_measures(process)
    row = next((r for r in rows if r.key == str(measure_key)), None)
    if previous is None or row is None:
        raise DomainError(_("This measure is not in last year's ratified school plan."))
    refusal = carry_over_refusal(row.outcome)
    if refusal:
        raise DomainError(refusal)
    if MeasureCarryOver.objects.filter(
        unit_measure__plan=plan,
        outcome__measure_key=row.key,
        outcome__moment__agreement__process=previous,
    ).exists():
        raise DomainError(_("This measure has already been carried over into this plan."))
    version = ratified_version_of(previous)
    old = next(m for m in version.content["measures"] if str(m["key"]) == row.key)
    source = (
        Measure.objects.filter(
            pk__in=[s["unit_measure"] for s in old.get("sources") or [] if s.get("unit_measure")]
        )
        .select_related("category")
        .first()
    )
    first_year, last_year = _years_for(process, old)
    if source is not None:
        data = MeasureData(
            title=old["title"],
            description=old.get("description") or "",
            category=source.category,
            cost_type=source.cost_type,
            amount=source.amount,
            fte=source.fte,
            hours=source.hours,
            function=source.function,
            hourly_rate=source.hourly_rate,
            first_year=first_year,
            last_year=last_year,
            structural=bool(old.get("structural")),
            benefit_share=source.benefit_share,
            beneficiaries=source.beneficiaries,
            expected_effect=source.expected_effect,
            feasibility=source.feasibility,
            changes_task_policy=bool(old.get("changes_task_policy")),
            when_money_ends=source.when_money_ends,
        )
    else:
        yearly = old.get("cost_per_year") or {}
        amount = max((Decimal(str(v)) for v in yearly.values()), default=Decimal("0"))
        data = MeasureData(
            title=old["title"],
            description=old.get("description") or "",
            category=MeasureCategory.objects.get(code=old["category"]),
            cost_type=Measure.CostType.FIXED if amount else Measure.CostType.NONE,
            amount=amount.quantize(Decimal("0.01")) if amount else None,
            first_year=first_year,
            last_year=last_year,
            structural=bool(old.get("structural")),
            changes_task_policy=bool(old.get("changes_task_policy")),
        )
    measure = measure_create(plan=plan, actor=actor, data=data)
    MeasureCarryOver.objects.create(
        unit_measure=measure,
        outcome=row.outcome,
        from_school_year=str(previous.school_year),
        from_title=row.title,
        verdict=row.outcome.verdict,
        carried_by=actor,
    )
    decision_record(
        process=process,
        step_number=8,
        action="schoolplans.evaluation.measure_carried_over",
        summary=gettext_noop("Measure “%(title)s” carried over from %(year)s (%(verdict)s)."),
        params={
            "title": row.title,
            "year": str(previous.school_year),
            "verdict": row.outcome.verdict,
        },
        actor=actor,
        content={"measure": measure.pk, "from_key": row.key, "outcome": row.outcome.pk},
    )
    return measure
