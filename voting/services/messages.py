"""Invitations and reminders by e-mail, each with a fresh personal link.

At most once per voter per occasion ("invitation", "reminder-3"): the VoterMessage rows, the
voter's new code and the outbox row are written in one transaction, and the unique constraint
stops a second message when the task is retried or runs twice at the same time ("sent" means
"in the outbox"; the outbox delivers it once). Only voters who have not voted get a message;
that reveals nothing about anyone's choice. An address the mail server refuses gets the
"address unusable" mark (``units``' outbox receiver), so the sheets page offers that voter first.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from processes.mail import board_mail

from .. import keys
from ..models import Vote, Voter, VoterMessage, VoterToken
from . import custody
from .casting import voter_token_issue
from .closing import vote_close_if_due

logger = logging.getLogger(__name__)

INVITATION = "invitation"
CAUSE = "voting.ballot"  # cause_id: the vote (its management page shows the failures)


def ballot_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("voting:ballot-token", args=[token])


def _due_occasions(vote, now) -> list[str]:
    """The occasions whose moment has come: the invitation from opening, then each reminder.

    A reminder whose moment lies before the opening is never due (the invitation covers it).
    """
    if vote.state != Vote.State.OPEN or not vote.opens_at <= now < vote.closes_at:
        return []
    if not vote.keys_ready:  # key holders have not all taken over their shares yet
        return []
    occasions = [INVITATION]
    for days in vote.reminder_days:
        moment = vote.closes_at - datetime.timedelta(days=days)
        if vote.opens_at < moment <= now:
            occasions.append(f"reminder-{days}")
    return occasions


def _send(voter, occasion, token):
    vote = voter.vote
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": voter.staff_member.name,
            "school": vote.process.school.name,
            "round": vote.round,
            "closes_at": formats.date_format(timezone.localtime(vote.closes_at), "DATETIME_FORMAT"),
            "url": ballot_url(token),
            "entry_url": settings.SITE_URL.rstrip("/") + reverse("voting:code-entry"),
            "code": token,
            "reminder": occasion != INVITATION,
            # A unit's vote on its plan says so; the agreement's text is the default.
            "unit_plan": vote.kind == Vote.Kind.UNIT_PLAN,
            "unit_measures": vote.kind == Vote.Kind.UNIT_MEASURES,
            "unit": vote.unit.name if vote.unit_id else "",
        }
        subject = render_to_string("voting/email/ballot_subject.txt", context).strip()
        body = render_to_string("voting/email/ballot_body.txt", context)
    board_mail(
        vote.process.school.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        [voter.staff_member.email],
        cause=CAUSE,
        cause_id=vote.pk,
    )


def vote_messages_send(*, vote, now=None) -> int:
    """Queue the invitations and reminders of ``vote`` that are due; returns how many.

    One e-mail per voter per run: when several occasions are due at once (the task did not
    run for a while), a voter without an invitation gets the invitation, anyone else the
    latest reminder, and the skipped occasions count as done.
    """
    now = now or timezone.now()
    vote = Vote.objects.select_related("process__school", "unit").get(pk=vote.pk)
    due = _due_occasions(vote, now)
    if not due:
        return 0
    voters = (
        Voter.objects.filter(vote=vote, participation__isnull=True)
        .select_related("staff_member")
        .prefetch_related("messages")
        .order_by("pk")
    )
    sent = 0
    for voter in voters:
        done = {message.occasion for message in voter.messages.all()}
        pending = [occasion for occasion in due if occasion not in done]
        if not pending:
            continue
        occasion = INVITATION if INVITATION in pending else pending[-1]
        voter.vote = vote
        try:
            with transaction.atomic():  # the markers, the code and the outbox row together
                VoterMessage.objects.bulk_create(
                    VoterMessage(voter=voter, occasion=o) for o in pending
                )
                token = voter_token_issue(voter=voter, channel=VoterToken.Channel.EMAIL)
                _send(voter, occasion, token)
        except IntegrityError:
            continue  # sent by another run
        except Exception:  # one voter's failure (a closed vote) must not stop the others
            logger.exception("Vote message %s to voter %s failed", occasion, voter.pk)
            continue
        sent += 1
    return sent


def votes_tick(now=None) -> dict:
    """The periodic task's work: close votes past their time, send what is due on the others.

    A failure on one vote is logged and does not keep the other schools' votes waiting.
    """
    now = now or timezone.now()
    closed = sent = 0
    for vote in Vote.objects.filter(state=Vote.State.OPEN).order_by("pk"):
        try:
            if now >= vote.closes_at:
                # A vote waiting for its key holders' shares stays open.
                closed += vote_close_if_due(vote).state == Vote.State.CLOSED
            else:
                sent += vote_messages_send(vote=vote, now=now)
        except (custody.KeyLost, keys.FolderUnavailable) as error:
            # Shown on the vote's page too; the PMR (or the operator) must act.
            logger.error("Vote %s cannot be counted: %s", vote.pk, error.message)
        except Exception:
            logger.exception("Periodic work on vote %s failed", vote.pk)
    try:
        custody.keys_sweep()
    except OSError:
        logger.exception("Sweeping the vote key folder failed")
    return {"closed": closed, "sent": sent}
