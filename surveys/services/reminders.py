"""The survey's scheduled work: close rounds past their closing date, remind who has not answered.

A reminder goes at most once per invitee per occasion ("reminder-3"): the SurveyReminder row
and the reminder's outbox row are written in one transaction, and the unique constraint stops a
second one when the task is retried or runs twice at the same time. The outbox retries a mail
server that cannot be reached; an address it refuses gets the "address unusable" mark (the
sheets page offers them first) and is shown on the round's page.

Only invitees without a participation are reminded; the e-mail speaks of nobody else, so it
reveals nothing about who answered. It carries a new personal code (codes are stored as hashes
only, so the invitation's cannot be sent again); an invitee who got a printed sheet keeps the
sheet as the only working code and is reminded without a link.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from processes.mail import board_mail

from ..models import Invitee, SurveyReminder, SurveyRound, SurveyToken
from .rounds import answer_url, round_close, token_issue

logger = logging.getLogger(__name__)

REMINDER_DAYS = 3
OCCASION = f"reminder-{REMINDER_DAYS}"
CAUSE = "surveys.reminder"  # cause_id: the round


def reminder_due(survey_round, today) -> bool:
    """Whether the reminder of an open round is due on ``today`` (a local date).

    From ``REMINDER_DAYS`` before the closing date up to that date; never for a round without
    a closing date, nor when it was sent on or after the reminder's day (the invitation covers it).
    """
    if survey_round.state != SurveyRound.State.OPEN or survey_round.closes_on is None:
        return False
    moment = survey_round.closes_on - datetime.timedelta(days=REMINDER_DAYS)
    sent_on = timezone.localdate(survey_round.sent_at)
    return sent_on < moment <= today <= survey_round.closes_on


def _send(invitee, survey_round, token):
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": invitee.staff_member.name,
            "school": survey_round.questionnaire.process.school.name,
            "closes_on": survey_round.closes_on,
            "url": answer_url(token) if token else "",
            "sign_in_url": settings.SITE_URL.rstrip("/") + reverse("account_login"),
        }
        subject = render_to_string("surveys/email/reminder_subject.txt", context).strip()
        body = render_to_string("surveys/email/reminder_body.txt", context)
    board_mail(
        survey_round.questionnaire.process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [invitee.staff_member.email],
        cause=CAUSE,
        cause_id=survey_round.pk,
    )


def _remind(invitee, survey_round) -> bool:
    """Record one invitee's reminder and put it into the outbox, in one transaction; False
    when another run already did."""
    try:
        with transaction.atomic():
            SurveyReminder.objects.create(invitee=invitee, occasion=OCCASION)
            has_sheet = SurveyToken.objects.filter(
                invitee=invitee, channel=SurveyToken.Channel.SHEET
            ).exists()
            token = "" if has_sheet else token_issue(invitee)
            _send(invitee, survey_round, token)
    except IntegrityError:
        return False
    return True


def round_reminders_send(*, survey_round, today=None) -> int:
    """Queue the due reminders of ``survey_round``; returns how many."""
    today = today or timezone.localdate()
    survey_round = SurveyRound.objects.select_related("questionnaire__process__school").get(
        pk=survey_round.pk
    )
    if not reminder_due(survey_round, today):
        return 0
    invitees = (
        Invitee.objects.filter(round=survey_round, participation__isnull=True)
        .exclude(reminders__occasion=OCCASION)
        .exclude(staff_member__email="")
        .select_related("staff_member")
        .order_by("pk")
    )
    sent = 0
    for invitee in invitees:
        sent += _remind(invitee, survey_round)
    return sent


def surveys_tick(*, now=None) -> dict:
    """The periodic task's work: close open rounds whose closing date has passed (the round is
    open through its closing date), send the due reminders of the others.

    A failure on one round is logged and does not keep the other schools' rounds waiting.
    """
    today = timezone.localdate(now or timezone.now())
    closed = sent = 0
    for survey_round in SurveyRound.objects.filter(state=SurveyRound.State.OPEN).order_by("pk"):
        try:
            if survey_round.closes_on is not None and survey_round.closes_on < today:
                round_close(survey_round=survey_round)
                closed += 1
            else:
                sent += round_reminders_send(survey_round=survey_round, today=today)
        except Exception:
            logger.exception("Periodic work on survey round %s failed", survey_round.pk)
    return {"closed": closed, "sent": sent}
