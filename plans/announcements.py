"""Step 6: the announcement to each unit of its amount, the frameworks, the deadline for its
plan and what the plan must contain.

What was announced is kept per unit as a ``units.UnitAnnouncement`` (a snapshot: later changes
to the frameworks do not change what a unit was told). Announcing again to a unit adds a new
announcement and makes it the current one; the earlier ones stay as history. Step 6 can only be
completed once every unit has a current announcement of the step's current revision.

The unit's active members are e-mailed after the announcement is committed, each at most once
per announcement (``UnitAnnouncement.notified`` is written before the e-mails go out).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from processes.predicates import (
    is_director,
    is_pmr_member,
    is_steering_member,
)
from processes.services import decision_record, process_lock, require_perm
from units.models import OrganisationalUnit, UnitAnnouncement, UnitMembership
from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro

from .models import FrameworkRule
from .selectors import framework_rule_content, framework_rule_list

logger = logging.getLogger(__name__)

STEP = 6
PLANS_STEP = 8
COMPLETE = "processes.complete_step"
MANAGE = "processes.manage_process"
VIEW_ANNOUNCEMENTS = "plans.view_announcements"
AgreedActor = ProcessStep.AgreedActor

# What a unit plan must contain: the default text, which the announcer may edit.
DEFAULT_REQUIREMENTS = gettext_noop(
    "Your unit writes one plan together. The plan contains:\n"
    "1. The causes of workload that the unit recognises: what makes the work heavy, for whom "
    "and when. Use the list of causes in the plan editor and add your own where needed.\n"
    "2. The measures the unit proposes, each with what it costs (a fixed amount, fte, hours "
    "or no cost), for which school years, whether it is structural or one-off, who in the unit "
    "benefits and which causes it addresses.\n"
    "3. The effects the unit expects: what will be lighter, for whom, and from when.\n"
    "4. How the unit will know it worked: what you will look at or ask, and when, so the "
    "measures can be evaluated at the end of the school year.\n"
    "The plan's total cost stays within the unit's amount and respects the frameworks. "
    "A measure that changes the task policy (taakbeleid) needs the PMR's separate consent; "
    "say so in the plan."
)


def default_requirements() -> str:
    """The standard text of what a plan must contain, in the school's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(DEFAULT_REQUIREMENTS)


def default_deadline(process) -> datetime.date | None:
    """Step 8's planned date, if set: the plans are due when step 8 is planned to end."""
    for step in process.steps.all():
        if step.number == PLANS_STEP:
            return step.planned_date
    return None


def announcement_frameworks(process) -> list[dict]:
    """The frameworks of ``process`` as announced: JSON-ready, in the school's language."""
    rules = framework_rule_list(process=process)
    with translation.override(settings.LANGUAGE_CODE):
        return [framework_rule_content(rule) for rule in rules]


def may_announce(user, step) -> bool:
    """Whether ``user`` carries out step 6 (as agreed by director and PMR)."""
    if not user.is_authenticated or not user.has_perm(COMPLETE, step):
        return False
    agreed = step.agreed_actor
    if agreed == AgreedActor.DIRECTOR:
        return is_director(user, step)
    if agreed == AgreedActor.PMR:
        return is_pmr_member(user, step)
    if agreed == AgreedActor.STEERING:
        return is_steering_member(user, step) or user.has_perm(MANAGE, step)
    if agreed in (AgreedActor.BOTH, AgreedActor.EXTERNAL):
        # Jointly: either side announces, both sign off. An external facilitator has no
        # account here: the director or PMR record for them.
        return user.has_perm(MANAGE, step)
    return False  # not yet agreed


def _lock_step(process) -> ProcessStep:
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    step.process = process
    return step


# --- services -------------------------------------------------------------------------


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

    frameworks = announcement_frameworks(process)
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
    transaction.on_commit(lambda: announcement_notices_send(announcement_ids=ids), robust=True)
    return made


def announcement_url(announcement) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "plans:announcement-unit", args=[announcement.process_id, announcement.unit_id]
    )


def _notice(announcement, staff_member, connection):
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
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        None,
        [staff_member.email],
        connection=connection,
    )


def announcement_notices_send(*, announcement_ids) -> int:
    """E-mail the active members of each unit about its current announcement; returns how
    many e-mails went out.

    At most once per member per announcement: the members are added to ``notified`` (with the
    announcement locked) before the e-mails go out, so a second run sends nothing. A failing
    address is logged and does not stop the others.
    """
    with get_connection() as connection:  # one SMTP session for all units
        return _notices_send(announcement_ids, connection)


def _notices_send(announcement_ids, connection) -> int:
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
            try:
                _notice(announcement, member, connection)
            except Exception:  # one bad address must not stop the others
                logger.exception("Announcement %s to staff member %s failed", pk, member.pk)
                continue
            sent += 1
    return sent


# --- the step 6 blocker ---------------------------------------------------------------


def step6_every_unit_announced(step) -> list[str]:
    """Step 6 is done only when every unit has a current announcement of this revision."""
    missing = list(
        OrganisationalUnit.objects.filter(process_id=step.process_id)
        .exclude(
            announcements__current=True,
            announcements__step_revision=step.revision,
        )
        .order_by("name")
        .values_list("name", flat=True)
    )
    if not missing:
        if not OrganisationalUnit.objects.filter(process_id=step.process_id).exists():
            return [_("The process has no units to announce to.")]
        return []
    return [_("Not yet announced to: %(units)s.") % {"units": ", ".join(missing)}]


# --- selectors ------------------------------------------------------------------------


def may_view_overview(user, process) -> bool:
    """Director, PMR and steering group; board administrators read only (plans/rules.py)."""
    return user.has_perm(VIEW_ANNOUNCEMENTS, process)


@dataclass
class AnnouncementRow:
    unit: OrganisationalUnit
    announcement: UnitAnnouncement | None
    member_count: int
    history_count: int


def announcement_overview(*, process, step) -> list[AnnouncementRow]:
    """Per unit of ``process``: its current announcement (if it counts for the step's
    revision), its active members and how often it was announced. Two queries."""
    units = (
        OrganisationalUnit.objects.filter(process=process)
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__staff_member__active=True),
                distinct=True,
            ),
            history_count=Count("announcements", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "announcements",
                queryset=UnitAnnouncement.objects.filter(current=True, step_revision=step.revision),
                to_attr="current_announcements",
            )
        )
        .order_by("name", "pk")
    )
    return [
        AnnouncementRow(
            unit=unit,
            announcement=(unit.current_announcements or [None])[0],
            member_count=unit.member_count,
            history_count=unit.history_count,
        )
        for unit in units
    ]


def is_unit_member(user, unit) -> bool:
    return (
        user.is_authenticated
        and UnitMembership.objects.filter(
            unit=unit, staff_member__user=user, staff_member__active=True
        ).exists()
    )


@dataclass
class UnitAnnouncementPage:
    unit: OrganisationalUnit
    announcement: UnitAnnouncement | None
    earlier: list[UnitAnnouncement]
    frameworks: list[dict]


def unit_announcement_for_user(*, user, process, unit_pk) -> UnitAnnouncementPage:
    """A unit's announcement as its members read it; 404 for a unit of another process,
    403 unless ``user`` is a member of the unit or the director, PMR or steering group."""
    unit = OrganisationalUnit.objects.filter(process=process, pk=unit_pk).first()
    if unit is None:
        raise Http404
    unit.process = process
    if not (user.has_perm(COMPLETE, process) or is_unit_member(user, unit)):
        raise PermissionDenied
    announcements = list(
        UnitAnnouncement.objects.filter(unit=unit).order_by("-announced_at", "-pk")
    )
    current = next((a for a in announcements if a.current), None)
    return UnitAnnouncementPage(
        unit=unit,
        announcement=current,
        earlier=[a for a in announcements if a is not current],
        frameworks=_frameworks_for_page(current.frameworks if current else []),
    )


def _frameworks_for_page(frameworks: list[dict]) -> list[dict]:
    """The announced rules with their severity label in the reader's language."""
    labels = dict(FrameworkRule.Severity.choices)
    kinds = dict(FrameworkRule.Kind.choices)
    rows = []
    for rule in frameworks:
        severity = (rule.get("severity") or {}).get("code", "")
        kind = (rule.get("kind") or {}).get("code", "")
        rows.append(
            {
                "text": rule.get("text", ""),
                "severity": severity,
                "severity_label": labels.get(severity, severity),
                "kind_label": kinds.get(kind, kind),
                "check": ((rule.get("check") or {}).get("description") or ""),
            }
        )
    return rows
