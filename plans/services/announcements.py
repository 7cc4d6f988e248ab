"""Step 6: the announcement to each unit of its amount, the frameworks, the deadline for its
plan and what the plan must contain.

What was announced is kept per unit as a ``UnitAnnouncement`` (a snapshot: later changes to
the frameworks do not change what a unit was told). Announcing again to a unit adds a new
announcement and makes it the current one; the earlier ones stay as history. Step 6 can only be
completed once every unit has a current announcement of the step's current revision.

The unit's active members are e-mailed after the announcement is committed, each at most once
per announcement (``UnitAnnouncement.notified`` is written before the e-mails go out). The
reads (who announces, the defaults, the overview, the blocker) are in
``plans.selectors.announcements``.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.mail import board_mail
from processes.models import ProcessStep
from processes.services import decision_record, process_lock, require_perm
from units.models import OrganisationalUnit, UnitMembership
from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro

from ..models import UnitAnnouncement
from ..selectors.announcements import (
    COMPLETE,
    PLANS_STEP,
    STEP,
    default_requirements,
    may_announce,
)
from ..selectors.frameworks import framework_agreement_section

logger = logging.getLogger(__name__)

CAUSE = "plans.announcement"  # cause_id: the process


def _lock_step(process) -> ProcessStep:
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    step.process = process
    return step


@transaction.atomic
def announcement_send(
    *, process, actor, units=None, deadline=None, text=None
) -> list[UnitAnnouncement]:
    """Announce to ``units`` (all units of ``process`` by default) their amount, the
    frameworks, the ``deadline`` for their plan (default: step 8's planned date) and ``text``,
    what a plan must contain (default: the standard text).

    Each unit's earlier announcement stays as history; the new one becomes current. Recorded
    as one decision of step 6. The units' active members are e-mailed once the transaction
    has been committed.
    """
    process = process_lock(process)
    step = _lock_step(process)
    require_perm(actor, COMPLETE, step)
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(
            _("Step %(number)s is not open (it is %(state)s).")
            % {"number": STEP, "state": step.get_state_display()}
        )
    if not step.agreed_actor:
        raise DomainError(_("First record who carries out step %(number)s.") % {"number": STEP})
    if not may_announce(actor, step):
        raise PermissionDenied

    all_units = list(OrganisationalUnit.objects.filter(process=process).order_by("name", "pk"))
    if units is None:
        chosen = all_units
    else:
        wanted = {getattr(unit, "pk", unit) for unit in units}
        chosen = [unit for unit in all_units if unit.pk in wanted]
        if len(chosen) != len(wanted):
            raise DomainError(_("Choose units of this process."))
    if not chosen:
        raise DomainError(_("Choose at least one unit."))

    if deadline is None:
        deadline = ProcessStep.objects.get(process=process, number=PLANS_STEP).planned_date
    if deadline is None:
        raise DomainError(_("Give the deadline for the unit plans."))
    if deadline < timezone.localdate():
        raise DomainError(_("The deadline for the unit plans cannot lie in the past."))
    text = (default_requirements() if text is None else text).strip()
    if not text:
        raise DomainError(_("Describe what a plan must contain."))

    frameworks = framework_agreement_section(process)  # as the agreement has them
    now = timezone.now()
    UnitAnnouncement.objects.filter(unit__in=chosen, current=True).update(current=False)
    made = UnitAnnouncement.objects.bulk_create(
        UnitAnnouncement(
            process=process,
            unit=unit,
            current=True,
            step_revision=step.revision,
            amount=unit.amount,
            deadline=deadline,
            requirements=text,
            frameworks=frameworks,
            announced_at=now,
            announced_by=actor,
            announced_by_name=str(actor),
        )
        for unit in chosen
    )
    with translation.override(settings.LANGUAGE_CODE):
        names = ", ".join(unit.name for unit in chosen)
    decision_record(
        process=process,
        step_number=STEP,
        action="plans.announcement.sent",
        summary=gettext_noop("Amount, frameworks and deadline (%(date)s) announced to: %(units)s."),
        params={"date": deadline, "units": names},
        actor=actor,
        content={
            "units": [
                {
                    "unit": unit.pk,
                    "name": unit.name,
                    "amount": None if unit.amount is None else str(unit.amount),
                }
                for unit in chosen
            ],
            "deadline": deadline.isoformat(),
            "requirements": text,
            "frameworks": frameworks,
        },
    )
    # bulk_create sets pks on SQLite and PostgreSQL; read them back to be safe elsewhere.
    ids = [a.pk for a in made if a.pk] or list(
        UnitAnnouncement.objects.filter(unit__in=chosen, current=True).values_list("pk", flat=True)
    )
    announcement_notices_send(announcement_ids=ids)  # into the outbox, in this transaction
    return made


def announcement_url(announcement) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "plans:announcement-unit", args=[announcement.process_id, announcement.unit_id]
    )


def _notice(announcement, staff_member):
    unit = announcement.unit
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": staff_member.name,
            "unit": unit.name,
            "school": announcement.process.school.name,
            "amount": (
                format_euro(announcement.amount) if announcement.amount is not None else None
            ),
            "deadline": formats.date_format(announcement.deadline),
            "url": announcement_url(announcement),
        }
        subject = render_to_string("plans/email/announcement_subject.txt", context).strip()
        body = render_to_string("plans/email/announcement_body.txt", context)
    board_mail(
        announcement.process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [staff_member.email],
        cause=CAUSE,
        cause_id=announcement.process_id,
    )


def announcement_notices_send(*, announcement_ids) -> int:
    """E-mail the active members of each unit about its current announcement; returns how
    many e-mails went out.

    At most once per member per announcement: the members are added to ``notified`` (with the
    announcement locked) before the e-mails go out, so a second run sends nothing. A failing
    address is shown on the announcement page (outbox failures of the process).
    """
    sent = 0
    for pk in announcement_ids:
        with transaction.atomic():
            announcement = (
                UnitAnnouncement.objects.select_for_update()
                .select_related("unit", "process__school")
                .filter(pk=pk, current=True)
                .first()
            )
            if announcement is None:
                continue  # superseded: the newer announcement sends its own notices
            done = set(announcement.notified)
            members = [
                membership.staff_member
                for membership in UnitMembership.objects.filter(
                    unit_id=announcement.unit_id,
                    process_id=announcement.process_id,
                    staff_member__active=True,
                )
                .select_related("staff_member")
                .order_by("staff_member__name", "pk")
                if membership.staff_member_id not in done
            ]
            if not members:
                continue
            announcement.notified = sorted(done | {member.pk for member in members})
            announcement.save(update_fields=["notified"])
            for member in members:
                _notice(announcement, member)
                sent += 1
    return sent
