"""The meldpunt's writes: a staff member reports that an agreement is not being carried out;
the director or the PMR answers on record.

A report names what it is about (a measure of the process's ratified school plan, the
evaluation agreement, the procedure or something else) and says what is not carried out. The
reporter chooses whether the director and the PMR see their name, and whether the report with
its answer may be shown to all staff without it. An anonymous report keeps no key to the
reporter's account, only a keyed hash (``selectors.concerns``). Receiving a report writes no
Decision: the decision list is read by all staff and names who acted. The director and the
PMR are e-mailed that a report arrived, without its text and without a name.

The answer is written once, by the director or a PMR member (text, who, when) and is a Decision
of the process, which names the report by its number only. A named reporter is e-mailed that
the answer is there; an anonymous one finds it on the meldpunt page.
"""

import datetime
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.mail import board_mail
from processes.models import SchoolRole
from processes.services import decision_record, process_lock, require_perm
from units.models import StaffMember
from werkdruk.exceptions import DomainError

from ..models import Concern
from ..rules import ANSWER_CONCERN, REPORT_CONCERN
from ..selectors.concerns import is_own, ratified_measures, reporter_digest

logger = logging.getLogger(__name__)

CAUSE = "schoolplans.concern"  # cause_id: the process (the meldpunt page)

TEXT_MAX = 5000
REPEAT_WINDOW = datetime.timedelta(minutes=10)
About = Concern.About


def _reporter_name(actor, process) -> str:
    member = StaffMember.objects.filter(
        school_id=process.school_id, user=actor, active=True
    ).first()
    return (member.name if member else str(actor))[:200]


@transaction.atomic
def concern_report(*, process, actor, about, text, give_name, shared, measure_key="") -> Concern:
    """Record ``actor``'s report on ``process``: what it is ``about`` (with ``measure_key`` for
    a measure of the ratified plan) and the ``text``; with their name only if ``give_name``."""
    process = process_lock(process)
    require_perm(actor, REPORT_CONCERN, process)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Describe which agreement is not being carried out."))
    if len(text) > TEXT_MAX:
        raise DomainError(_("The report has at most %(max)s characters.") % {"max": TEXT_MAX})
    if about not in About.values:
        raise DomainError(_("Choose what the report is about."))
    measure = None
    if about == About.MEASURE:
        measure = next(
            (m for m in ratified_measures(process) if m["key"] == str(measure_key or "")), None
        )
        if measure is None:
            raise DomainError(_("This measure is not in the ratified school plan of this school."))
    repeated = _same_report(process, actor, about, measure, text)
    if repeated is not None:
        return repeated
    number = (Concern.objects.filter(process=process).aggregate(n=Max("number"))["n"] or 0) + 1
    concern = Concern(
        process=process,
        number=number,
        about=about,
        measure_key=measure["key"] if measure else "",
        measure_title=measure["title"][:200] if measure else "",
        text=text,
        shared=bool(shared),
    )
    if give_name:
        concern.reporter = actor
        concern.reporter_name = _reporter_name(actor, process)
    else:
        concern.salt = secrets.token_hex(16)
        concern.reporter_digest = reporter_digest(actor, concern.salt)
    concern.full_clean()
    concern.save()
    concern_notice_send(concern_id=concern.pk)  # into the outbox, in this transaction
    return concern


def _same_report(process, actor, about, measure, text) -> Concern | None:
    """The same report by the same person in the last minutes (a form sent twice), or None.

    The report form carries no submission token on purpose: ``FormSubmission`` would keep,
    for a day, which account sent the meldpunt's form when, next to the anonymous report."""
    recent = Concern.objects.filter(
        process=process,
        about=about,
        measure_key=measure["key"] if measure else "",
        text=text,
        created_at__gte=timezone.now() - REPEAT_WINDOW,
    )
    return next((c for c in recent if is_own(c, actor)), None)


@transaction.atomic
def concern_answer(*, concern, actor, answer) -> Concern:
    """Answer ``concern`` on record, once, as its school's director or a PMR member."""
    process = process_lock(concern.process_id)
    require_perm(actor, ANSWER_CONCERN, process)
    concern = Concern.objects.select_for_update().get(pk=concern.pk, process=process)
    if concern.is_answered:
        raise DomainError(_("This report has already been answered."))
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write the answer to the report."))
    if len(answer) > TEXT_MAX:
        raise DomainError(_("The answer has at most %(max)s characters.") % {"max": TEXT_MAX})
    concern.answer = answer
    concern.answered_at = timezone.now()
    concern.answered_by = actor
    concern.answered_by_name = str(actor)[:200]
    concern.save(update_fields=["answer", "answered_at", "answered_by", "answered_by_name"])
    decision_record(
        process=process,
        action="schoolplans.concern.answered",
        summary=gettext_noop("Report %(number)s to the meldpunt answered."),
        params={"number": concern.number},
        actor=actor,
        content={"number": concern.number, "about": concern.about},
    )
    if concern.reporter_id is not None:
        concern_answer_notice_send(concern_id=concern.pk)  # into the outbox, this transaction
    return concern


def concern_reporter_forget(*, user, school) -> int:
    """At a person's removal: their anonymous reports at ``school`` become nobody's (the keyed
    hash is cleared, so not even the secret key links them to the account). Returns how many."""
    mine = [
        c.pk
        for c in Concern.objects.filter(process__school=school, reporter__isnull=True).exclude(
            reporter_digest=""
        )
        if is_own(c, user)
    ]
    return Concern.objects.filter(pk__in=mine).update(reporter_digest="", salt="")


# --- e-mail -----------------------------------------------------------------------------


def _url(name, process) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[process.pk])


def _send(process, template, context, addresses) -> int:
    school = process.school
    with translation.override(school.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"schoolplans/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"schoolplans/email/{template}_body.txt", context)
    return board_mail(
        school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        sorted(addresses),
        cause=CAUSE,
        cause_id=process.pk,
    )


def concern_notice_send(*, concern_id) -> int:
    """E-mail the school's director and PMR members that a report arrived: what it is about
    and the link, never its text or who made it. Returns how many e-mails went out."""
    concern = Concern.objects.select_related("process__school__board").filter(pk=concern_id).first()
    if concern is None:
        return 0
    process = concern.process
    addresses = {
        email.strip().lower()
        for email in SchoolRole.objects.filter(
            school_id=process.school_id,
            role__in=[SchoolRole.Role.DIRECTOR, SchoolRole.Role.PMR],
            user__is_active=True,
        ).values_list("user__email", flat=True)
        if email
    }
    with translation.override(process.school.language or settings.LANGUAGE_CODE):
        context = {
            "school": process.school.name,
            "year": str(process.school_year),
            "number": concern.number,
            "about": str(concern.get_about_display()),
            "url": _url("schoolplans:meldpunt-inbox", process),
        }
    return _send(process, "concern_received", context, addresses)


def concern_answer_notice_send(*, concern_id) -> int:
    """E-mail a reporter who gave their name that their report has been answered (the link,
    not the answer)."""
    concern = (
        Concern.objects.select_related("process__school__board", "reporter")
        .filter(pk=concern_id)
        .first()
    )
    if concern is None or concern.reporter is None or not concern.reporter.email:
        return 0
    process = concern.process
    context = {
        "name": concern.reporter_name,
        "school": process.school.name,
        "number": concern.number,
        "url": _url("schoolplans:meldpunt", process),
    }
    return _send(process, "concern_answered", context, {concern.reporter.email})
