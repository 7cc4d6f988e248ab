"""E-mails of step 8: the notice that a plan was returned, and the reminders of the deadline.

Both go to the unit's active members who have an account (the coordinator is one of them),
in the school's language. Reminders go out once per person per plan and deadline: a
``StepReminder`` row (unique per step, user and occasion) is written before each e-mail, so a
retried or duplicated run sends nothing twice. Exported by ``plans.services.unit_plans``.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from processes.mail import board_mail
from processes.models import ProcessStep, StepReminder

from ..models import UnitAnnouncement, UnitPlan

logger = logging.getLogger(__name__)

RETURN_CAUSE = "plans.plan_returned"
REMINDER_CAUSE = "plans.plan_reminder"

PLANS_STEP = 8


def plan_url(plan) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "plans:unit-plan", args=[plan.process_id, plan.unit_id]
    )


def unit_recipients(unit_id):
    """The unit's active members with an active account, by e-mail address."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_memberships__active=True,
            staff_memberships__unit_memberships__unit_id=unit_id,
        )
        .distinct()
        .order_by("email")
    )


def _send(template, context, user, board=None, *, cause, cause_id) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {**context, "name": str(user)}
        subject = render_to_string(f"plans/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"plans/email/{template}_body.txt", context)
    board_mail(
        board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [user.email],
        cause=cause,
        cause_id=cause_id,
    )


def plan_return_notices_send(*, plan_id) -> int:
    """Tell the unit's members that their plan was returned, and why; returns how many
    e-mails went out (none if the plan is no longer returned). A failing address is logged
    and does not stop the others."""
    plan = (
        UnitPlan.objects.select_related("unit", "process__school")
        .filter(pk=plan_id, state=UnitPlan.State.RETURNED)
        .first()
    )
    if plan is None:
        return 0
    context = {
        "unit": plan.unit.name,
        "school": plan.process.school.name,
        "reason": plan.return_reason,
        "url": plan_url(plan),
    }
    sent = 0
    for user in unit_recipients(plan.unit_id):
        _send(
            "unit_plan_returned",
            context,
            user,
            plan.process.school.board,
            cause=RETURN_CAUSE,
            cause_id=plan.pk,
        )
        sent += 1
    return sent


def _due(announcement, today) -> bool:
    lead = datetime.timedelta(days=announcement.process.reminder_lead_days)
    return announcement.deadline - lead <= today


def plan_reminders_send(*, today=None) -> int:
    """E-mail the members of every unit whose plan is not submitted while step 8 is open and
    the unit's deadline is within the process's reminder lead time or has passed; returns how
    many e-mails went out.

    At most once per member per plan and deadline (a new deadline is a new occasion). Not one
    transaction: each reminder row is committed before its e-mail goes out."""
    today = today or timezone.localdate()
    steps = {
        step.process_id: step
        for step in ProcessStep.objects.filter(number=PLANS_STEP, state=ProcessStep.State.OPEN)
    }
    announcements = (
        UnitAnnouncement.objects.filter(process_id__in=steps, current=True)
        .exclude(unit__plan__state=UnitPlan.State.SUBMITTED)
        .select_related("unit", "process__school")
        .order_by("process_id", "unit__name", "pk")
    )
    sent = 0
    for announcement in announcements:
        if _due(announcement, today):
            sent += _remind(steps[announcement.process_id], announcement, today)
    return sent


def _remind(step, announcement, today) -> int:
    unit = announcement.unit
    plan, _created = UnitPlan.objects.get_or_create(
        unit=unit, defaults={"process_id": unit.process_id}
    )
    occasion = f"plan-{plan.pk}-{announcement.deadline:%Y%m%d}"
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "unit": unit.name,
            "school": announcement.process.school.name,
            "deadline": formats.date_format(announcement.deadline),
            "overdue": announcement.deadline < today,
            "url": plan_url(plan),
        }
    sent = 0
    for user in unit_recipients(unit.pk):
        try:
            with transaction.atomic():  # the reminder row and its outbox row together
                StepReminder.objects.create(step=step, user=user, occasion=occasion)
                _send(
                    "unit_plan_reminder",
                    context,
                    user,
                    announcement.process.school.board,
                    cause=REMINDER_CAUSE,
                    cause_id=plan.pk,
                )
        except IntegrityError:
            continue  # already reminded of this deadline
        sent += 1
    return sent
