"""Reads of step 10: the school plan's final versions and who may read them, the published
plan's page, who may publish and comment, and step 10's blocker.

Every page starts from ``processes.selectors.process_get_for_user`` (404 for a user of another
school). A final version is readable by everyone of the school once it is published; before
that only by those who carry out the steps (director, PMR, steering group).
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from processes.models import ProcessStep
from processes.predicates import (
    is_director,
    is_pmr_member,
    is_school_staff,
    is_steering_member,
)
from processes.selectors import current_sign_offs, process_step
from processes.services import may_complete_step, sign_off_sides_for

from ..models import PmrDecision, Publication, RatificationRecord, SchoolPlanVersion

STEP = 10
COMPLETE = "processes.complete_step"


def latest_version(process) -> SchoolPlanVersion | None:
    """The latest version of ``process``'s school plan marked final, if any."""
    return (
        SchoolPlanVersion.objects.filter(school_plan__process=process)
        .select_related("school_plan")
        .order_by("-number")
        .first()
    )


def publication_of(version) -> Publication | None:
    if version is None:
        return None
    return Publication.objects.filter(version=version).first()


def final_versions(process, *, units_to_revise=True) -> list[SchoolPlanVersion]:
    """Every final version of the process's school plan, newest first, with what became of it
    (the PMR's decisions with the units they sent back, unless ``units_to_revise`` is False)."""
    versions = list(
        SchoolPlanVersion.objects.filter(school_plan__process=process)
        .select_related("created_by")
        .order_by("-number")
    )
    publications = {
        p.version_id: p
        for p in Publication.objects.filter(version__in=versions).select_related("published_by")
    }
    decisions: dict[int, list[PmrDecision]] = {}
    decision_rows = (
        PmrDecision.objects.filter(version__in=versions)
        .select_related("recorded_by")
        .order_by("recorded_at", "pk")
    )
    if units_to_revise:
        decision_rows = decision_rows.prefetch_related("units_to_revise")
    for decision in decision_rows:
        decisions.setdefault(decision.version_id, []).append(decision)
    ratified = set(
        RatificationRecord.objects.filter(version__in=versions).values_list("version_id", flat=True)
    )
    for version in versions:
        version.publication_row = publications.get(version.pk)
        version.decisions = decisions.get(version.pk, [])
        for decision in version.decisions:
            decision.version = version
        version.is_ratified = version.pk in ratified
    return versions


def may_read_unpublished(user, process) -> bool:
    return user.has_perm(COMPLETE, process)


def readable_versions(user, process, versions=None) -> list[SchoolPlanVersion]:
    """The versions ``user`` may read: all for those who carry out the steps, else the
    published ones. ``versions``: ``final_versions(process)`` when the caller has them."""
    versions = final_versions(process) if versions is None else versions
    if may_read_unpublished(user, process):
        return versions
    return [v for v in versions if v.publication_row is not None]


def version_get_for_user(*, user, process, number) -> SchoolPlanVersion:
    """Version ``number`` of the school plan; 404 if missing or not readable by ``user``."""
    for version in readable_versions(user, process):
        if version.number == number:
            return version
    raise Http404


def may_publish(user, step) -> bool:
    """Whether ``user`` carries out step 10 (as agreed by the director and the PMR)."""
    if not user.is_authenticated or not step.agreed_actor:
        return False
    return user.has_perm(COMPLETE, step) and may_complete_step(user, step)


def may_comment(user, process) -> bool:
    """Staff of the school (and its director, PMR and steering group); not the board."""
    return (
        is_school_staff(user, process)
        or is_director(user, process)
        or is_pmr_member(user, process)
        or is_steering_member(user, process)
    )


def comment_period_open(publication, today=None) -> bool:
    today = today or timezone.localdate()
    return publication.comments_until is not None and today <= publication.comments_until


@dataclass
class PublicationPage:
    step: ProcessStep
    version: SchoolPlanVersion | None  # the version shown: the latest readable
    latest: SchoolPlanVersion | None  # the latest final version (to publish)
    versions: list[SchoolPlanVersion]
    comments: list = field(default_factory=list)
    can_publish: bool = False
    can_comment: bool = False
    comment_period_open: bool = False


def publication_page(*, user, process) -> PublicationPage:
    step = process_step(process, STEP)
    every = final_versions(process, units_to_revise=False)  # the page does not show them
    versions = readable_versions(user, process, every)
    shown = versions[0] if versions else None
    latest = every[0] if every else None  # as latest_version(process), not read again
    sides = sign_off_sides_for(user, step)
    signed = current_sign_offs(step)
    can_publish = (
        step.state == ProcessStep.State.OPEN
        and latest is not None
        and may_publish(user, step)
        and not (signed and all(side in signed for side in sides))
    )
    row = shown.publication_row if shown else None
    comments = list(row.comments.select_related("author")) if row else []
    period_open = row is not None and comment_period_open(row)
    return PublicationPage(
        step=step,
        version=shown,
        latest=latest,
        versions=versions,
        comments=comments,
        can_publish=can_publish,
        can_comment=period_open and may_comment(user, process),
        comment_period_open=period_open,
    )


# --- the step 10 blocker ----------------------------------------------------------------


def step10_needs_publication(step) -> list[str]:
    """Step 10 is done only when the latest final version has been published."""
    version = latest_version(step.process_id)
    if version is None or publication_of(version) is None:
        return [_("Publish the final version of the school plan.")]
    return []
