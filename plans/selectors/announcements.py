"""Reads of step 6, the announcement to each unit: who announces and who reads along, the
defaults of the form, the overview per unit, a unit's announcement as its members read it, and
the blocker that keeps step 6 open until every unit has been told.

What was announced is kept per unit as a ``UnitAnnouncement`` (a snapshot: later changes to the
frameworks do not change what a unit was told); the writes are in
``plans.services.announcements``.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from processes.predicates import (
    is_director,
    is_pmr_member,
    is_steering_member,
)
from units.models import OrganisationalUnit
from units.predicates import is_unit_member

from ..models import FrameworkRule, UnitAnnouncement

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
