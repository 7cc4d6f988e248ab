"""Step 10's writes: the final version of the school plan made known to all staff (page, PDF,
e-mail), with an optional period in which staff may comment.

The version published is the latest one marked final (step 9). Whoever was agreed for step 10
publishes it; when the director and the PMR agreed to do it together, the first of them
publishes and signs off their side and the other signs off by publishing too (the publication
itself, and its e-mails, happen once). Every active staff member with an e-mail address is told
once, after the transaction has been committed: ``Publication.notified`` is written before the
e-mails go out, so a second run sends nothing.
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
from processes.services import (
    decision_record,
    process_lock,
    sign_off_sides_for,
    step_complete,
    step_needs_sign_off,
    step_sign_off,
)
from units.models import StaffMember
from werkdruk.exceptions import DomainError

from ..models import Publication, PublicationComment
from ..selectors.publication import (
    STEP,
    comment_period_open,
    latest_version,
    may_comment,
    may_publish,
    publication_of,
)

logger = logging.getLogger(__name__)

CAUSE = "schoolplans.publication"  # cause_id: the process (the publication page)

COMMENT_MAX = 5000


def _unsigned_side(actor, step) -> str:
    signed = set(step.sign_offs.filter(revision=step.revision).values_list("side", flat=True))
    side = next((s for s in sign_off_sides_for(actor, step) if s not in signed), None)
    if side is None:
        raise DomainError(
            _("You have already published the plan for your side (step %(number)s).")
            % {"number": STEP}
        )
    return side


def _check_step(step, actor):
    if step.state != ProcessStep.State.OPEN:
        raise DomainError(
            _("Step %(number)s is not open (it is %(state)s).")
            % {"number": STEP, "state": step.get_state_display()}
        )
    if not step.agreed_actor:
        raise DomainError(_("First record who carries out step %(number)s.") % {"number": STEP})
    if not may_publish(actor, step):
        raise PermissionDenied


@transaction.atomic
def plan_publish(*, version, actor, comments_until=None) -> Publication:
    """Publish ``version`` (the latest final version) to all staff: step 10 open, by whoever
    was agreed for it, optionally with a period for comments until ``comments_until``.

    Recorded as a decision; completes step 10 (or records the actor's side when the director
    and the PMR publish jointly). Staff are e-mailed once the transaction has been committed.
    A version published before (the same version marked final again after step 10 was
    reopened) is not published twice: the step is completed or signed off again.
    """
    process = process_lock(version.school_plan.process_id)
    step = ProcessStep.objects.select_for_update().get(process=process, number=STEP)
    step.process = process
    _check_step(step, actor)
    latest = latest_version(process)
    if latest is None or latest.pk != version.pk:
        raise DomainError(_("Only the latest final version of the school plan can be published."))
    joint = step_needs_sign_off(step)
    side = _unsigned_side(actor, step) if joint else None  # refused before anything is written
    publication = publication_of(latest)
    if publication is None:
        if comments_until is not None and comments_until < timezone.localdate():
            raise DomainError(_("The end of the comment period cannot lie in the past."))
        publication = Publication.objects.create(
            version=latest, published_by=actor, comments_until=comments_until
        )
        decision_record(
            process=process,
            step_number=STEP,
            action="schoolplans.plan.published",
            summary=(
                gettext_noop(
                    "Version %(number)s of the school plan published to all staff; "
                    "comments until %(date)s."
                )
                if comments_until
                else gettext_noop("Version %(number)s of the school plan published to all staff.")
            ),
            params={"number": latest.number, "date": comments_until or ""},
            actor=actor,
            content={
                "version": latest.number,
                "sha256": latest.content_hash,
                "comments_until": comments_until.isoformat() if comments_until else None,
            },
        )
        publication_notices_send(publication_id=publication.pk)  # outbox, this transaction
    if joint:
        step_sign_off(step=step, actor=actor, side=side)
    else:
        step_complete(step=step, actor=actor)
    return publication


# --- e-mail -----------------------------------------------------------------------------


def publication_url(process) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("schoolplans:publication", args=[process.pk])


def _notice(publication, staff_member):
    version = publication.version
    process = version.school_plan.process
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": staff_member.name,
            "school": process.school.name,
            "year": str(process.school_year),
            "number": version.number,
            "until": (
                formats.date_format(publication.comments_until)
                if publication.comments_until
                else None
            ),
            "url": publication_url(process),
            "pdf_url": settings.SITE_URL.rstrip("/")
            + reverse("schoolplans:school-plan-pdf", args=[process.pk, version.number]),
        }
        subject = render_to_string("schoolplans/email/publication_subject.txt", context).strip()
        body = render_to_string("schoolplans/email/publication_body.txt", context)
    board_mail(
        process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [staff_member.email],
        cause=CAUSE,
        cause_id=process.pk,
    )


def publication_notices_send(*, publication_id) -> int:
    """E-mail every active staff member of the school (with an e-mail address) that the plan
    was published; returns how many e-mails went out.

    At most once per person: the staff members are added to ``notified`` (with the publication
    locked) in the transaction that queues the e-mails, and an address shared by two rows gets
    one e-mail. Failures are shown on the publication page (outbox failures of the process).
    """
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update()
            .select_related("version__school_plan__process__school", "version__school_plan")
            .filter(pk=publication_id)
            .first()
        )
        if publication is None:
            return 0
        process = publication.version.school_plan.process
        done = set(publication.notified)
        staff = (
            StaffMember.objects.filter(school_id=process.school_id, active=True)
            .exclude(email="")
            .order_by("name", "pk")
        )
        recipients, addresses = [], set()
        for member in staff:
            address = member.email.strip().lower()
            if member.pk in done or address in addresses:
                continue
            addresses.add(address)
            recipients.append(member)
        if not recipients:
            return 0
        publication.notified = sorted(done | {member.pk for member in recipients})
        publication.save(update_fields=["notified"])
        for member in recipients:
            _notice(publication, member)
        return len(recipients)


# --- comments ---------------------------------------------------------------------------


@transaction.atomic
def publication_comment_add(*, publication, actor, text) -> PublicationComment:
    """A staff member's comment on the published plan, within the comment period."""
    publication = (
        Publication.objects.select_for_update()
        .select_related("version__school_plan__process__school")
        .get(pk=publication.pk)
    )
    process = publication.version.school_plan.process
    if not may_comment(actor, process):
        raise PermissionDenied
    if publication.comments_until is None:
        raise DomainError(_("There is no comment period for this publication."))
    if not comment_period_open(publication):
        raise DomainError(
            _("The comment period closed on %(date)s.")
            % {"date": formats.date_format(publication.comments_until)}
        )
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your comment."))
    if len(text) > COMMENT_MAX:
        raise DomainError(_("A comment has at most %(max)s characters.") % {"max": COMMENT_MAX})
    return PublicationComment.objects.create(
        publication=publication, author=actor, author_name=str(actor), text=text
    )
