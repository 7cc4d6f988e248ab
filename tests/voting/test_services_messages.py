"""Invitations and reminders: a fresh link each, only to who has not voted, once per occasion."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from voting.models import Vote, VoterMessage
from voting.services.casting import voter_for_token
from voting.services.messages import vote_messages_send, votes_tick
from voting.services.vote import vote_open
from voting.tasks import vote_messages_send as vote_messages_task

from .conftest import cast_many, create_vote, past_closing, user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/vote/code/([A-Z0-9-]+)/")


def links(message):
    return LINK.findall(message.body)


def open_and_send(vote, pmr, monkeypatch, django_capture_on_commit_callbacks):
    """Open ``vote``; the task it queues after the commit runs the messages service here
    (also where tasks go to a real broker, as in the PostgreSQL run)."""
    queued = []
    monkeypatch.setattr(vote_messages_task, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        vote = vote_open(vote=vote, actor=pmr)
    assert queued == [vote.pk]
    vote_messages_send(vote=vote)
    return vote


@pytest.fixture
def opened(agreed, pmr, monkeypatch, django_capture_on_commit_callbacks):
    """A vote opened now, closing in 7 days, reminders 3 and 1 days before; invitations sent."""
    vote = create_vote(agreed, pmr, reminder_days=[1, 3])
    return open_and_send(vote, pmr, monkeypatch, django_capture_on_commit_callbacks)


def test_opening_e_mails_every_voter_a_working_personal_link(opened):
    eligible = opened.voters.count()
    assert len(mail.outbox) == eligible
    teacher = user("docent")
    message = next(m for m in mail.outbox if m.to == [teacher.email])
    assert opened.process.school.name in message.subject
    (token,) = links(message)
    assert f"/vote/ and type your personal code: {token}" in message.body
    assert voter_for_token(token=token).staff_member.user == teacher


def test_the_invitation_is_sent_once_also_when_the_task_runs_again(opened):
    count = len(mail.outbox)
    assert vote_messages_send(vote=opened) == 0
    assert votes_tick()["sent"] == 0
    assert len(mail.outbox) == count
    assert VoterMessage.objects.filter(occasion="invitation").count() == count


def test_no_invitation_before_the_opening_time(
    agreed, pmr, monkeypatch, django_capture_on_commit_callbacks
):
    now = timezone.now()
    vote = create_vote(
        agreed,
        pmr,
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=5),
    )
    vote = open_and_send(vote, pmr, monkeypatch, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    sent = vote_messages_send(vote=vote, now=now + datetime.timedelta(days=1, minutes=1))
    assert sent == vote.voters.count() == len(mail.outbox)


def test_reminders_go_to_those_who_have_not_voted_once_per_occasion(opened):
    cast_many(opened, ["yes", "no"])
    mail.outbox.clear()
    not_voted = opened.voters.filter(participation__isnull=True).count()

    four_days_before = opened.closes_at - datetime.timedelta(days=4)
    assert vote_messages_send(vote=opened, now=four_days_before) == 0

    three_days_before = opened.closes_at - datetime.timedelta(days=3)
    assert vote_messages_send(vote=opened, now=three_days_before) == not_voted
    assert vote_messages_send(vote=opened, now=three_days_before) == 0
    assert all("Reminder" in m.subject for m in mail.outbox)
    voted_emails = {v.staff_member.email for v in opened.voters.filter(participation__isnull=False)}
    assert not voted_emails & {m.to[0] for m in mail.outbox}

    one_day_before = opened.closes_at - datetime.timedelta(hours=23)
    assert vote_messages_send(vote=opened, now=one_day_before) == not_voted
    assert len(mail.outbox) == 2 * not_voted
    assert VoterMessage.objects.filter(occasion="reminder-3").count() == not_voted


def test_every_link_of_a_voter_keeps_working(opened):
    teacher = user("docent")
    vote_messages_send(vote=opened, now=opened.closes_at - datetime.timedelta(days=3))
    tokens = [links(m)[0] for m in mail.outbox if m.to == [teacher.email]]
    assert len(tokens) == 2
    for token in tokens:
        assert voter_for_token(token=token).staff_member.user == teacher


def test_a_reminder_due_before_the_opening_is_never_sent(agreed, pmr):
    now = timezone.now()
    vote = create_vote(
        agreed,
        pmr,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=2),
        reminder_days=[3],
    )
    vote = vote_open(vote=vote, actor=pmr)
    vote_messages_send(vote=vote)
    assert not VoterMessage.objects.filter(occasion="reminder-3").exists()


def test_the_tick_closes_votes_past_their_time_and_only_those(opened, agreed):
    assert votes_tick()["closed"] == 0
    past_closing(opened)
    assert votes_tick()["closed"] == 1
    opened.refresh_from_db()
    assert opened.state == Vote.State.CLOSED
    assert votes_tick() == {"closed": 0, "sent": 0}


def test_a_late_run_sends_one_e_mail_per_voter(agreed, pmr):
    """The task was down from the opening until after the 3-day reminder was due."""
    vote = vote_open(vote=create_vote(agreed, pmr, reminder_days=[3]), actor=pmr)
    late = vote.closes_at - datetime.timedelta(days=2)

    sent = vote_messages_send(vote=vote, now=late)

    assert sent == vote.voters.count() == len(mail.outbox)
    assert not any("Reminder" in m.subject for m in mail.outbox)  # the invitation covers it
    assert VoterMessage.objects.filter(occasion="reminder-3").count() == sent
    assert vote_messages_send(vote=vote, now=late) == 0


def test_one_failing_vote_does_not_stop_the_tick(opened, monkeypatch):
    from voting.services import messages

    def broken(vote, now=None):
        raise RuntimeError("mail server down")

    monkeypatch.setattr(messages, "vote_messages_send", broken)
    Vote.objects.create(  # another school's vote, whose messages fail
        process=None,
        round=1,
        state=Vote.State.OPEN,
        opens_at=opened.opens_at,
        closes_at=opened.closes_at,
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=opened.created_by,
    )
    past_closing(opened)
    result = votes_tick()
    opened.refresh_from_db()
    assert opened.state == Vote.State.CLOSED  # closed although the other vote failed
    assert result["closed"] == 1
