"""The scheduled work: closing after the closing date, reminders once to who has not answered."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from processes.models import Decision
from surveys import tasks
from surveys.models import SurveyReminder, SurveyRound, SurveyToken
from surveys.services import reminders
from surveys.services.answers import invitee_for_token
from surveys.services.rounds import round_close, round_send, token_issue
from tests.outbox import deliver_outbox
from tests.refusing_mail import refusing_mail
from werkdruk.exceptions import DomainError
from werkdruk.models import OutboxMessage

from .conftest import answer

CLOSES_ON = datetime.date(2027, 3, 20)


def at(day, hour=9):
    """A moment on ``day`` of March 2027, Amsterdam time."""
    return timezone.make_aware(datetime.datetime(2027, 3, day, hour))


def token_in(message):
    return message.body.split("/survey/code/")[1].split("/")[0]


@pytest.fixture
def open_round(questionnaire, pmr, staff, django_capture_on_commit_callbacks):
    """The baseline, sent on 1 March 2027 to ten staff members, closing on 20 March."""
    with django_capture_on_commit_callbacks(execute=True):
        survey_round = round_send(
            questionnaire=questionnaire, actor=pmr, kind="baseline", closes_on=CLOSES_ON
        )
    SurveyRound.objects.filter(pk=survey_round.pk).update(sent_at=at(1))
    survey_round.refresh_from_db()
    mail.outbox.clear()
    return survey_round


def test_the_tick_closes_a_round_once_its_closing_date_has_passed(open_round):
    assert reminders.surveys_tick(now=at(20, 23))["closed"] == 0  # open through 20 March
    assert SurveyRound.objects.get(pk=open_round.pk).state == "open"
    # (the VACUUM after the commit cannot run inside the test's transaction: not executed)
    assert reminders.surveys_tick(now=at(21, 0))["closed"] == 1
    closed = SurveyRound.objects.get(pk=open_round.pk)
    assert closed.state == "closed" and closed.closed_at is not None
    decision = Decision.objects.get(action="surveys.round.closed")
    assert decision.actor is None and decision.actor_name == "the system"
    assert reminders.surveys_tick(now=at(22)) == {"closed": 0, "sent": 0}
    assert Decision.objects.filter(action="surveys.round.closed").count() == 1


def test_a_round_without_closing_date_is_never_closed_by_the_tick(sent):
    assert reminders.surveys_tick(now=timezone.now() + datetime.timedelta(days=400))["closed"] == 0
    assert SurveyRound.objects.get(pk=sent.pk).state == "open"


def test_closing_by_the_system_after_a_manual_close_is_not_an_error(open_round, pmr):
    round_close(survey_round=open_round, actor=pmr)
    assert round_close(survey_round=open_round).state == "closed"
    assert Decision.objects.filter(action="surveys.round.closed").count() == 1


def test_a_failing_round_does_not_stop_the_others(open_round, monkeypatch, caplog):
    def boom(**kwargs):
        raise DomainError("boom")

    monkeypatch.setattr(reminders, "round_close", boom)
    assert reminders.surveys_tick(now=at(25))["closed"] == 0
    assert "Periodic work on survey round" in caplog.text


def test_the_celery_task_runs_the_tick(open_round, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(18))
    assert tasks.surveys_tick.apply().get() == {"closed": 0, "sent": 10}


def test_reminders_go_three_days_before_closing_to_those_who_did_not_answer(open_round, staff):
    answered = open_round.invitees.order_by("pk")[:4]
    for invitee in answered:
        answer(open_round, invitee)
    assert reminders.surveys_tick(now=at(16, 23))["sent"] == 0  # four days before: not yet
    assert reminders.surveys_tick(now=at(17, 7))["sent"] == 6
    answered_emails = {i.staff_member.email for i in answered}
    assert len(mail.outbox) == 6
    assert not answered_emails & {m.to[0] for m in mail.outbox}
    message = mail.outbox[0]
    assert message.subject.endswith(
        "Reminder: workload survey of " + open_round.process.school.name
    )
    assert "You can fill it in until 20 March 2027." in message.body
    # No reminder speaks of anyone else.
    for other in staff:
        if other.email != message.to[0]:
            assert other.name not in message.body
    assert SurveyReminder.objects.count() == 6


def test_a_second_tick_sends_nothing(open_round):
    assert reminders.surveys_tick(now=at(17))["sent"] == 10
    assert reminders.surveys_tick(now=at(17, 10))["sent"] == 0
    assert reminders.surveys_tick(now=at(19))["sent"] == 0
    assert len(mail.outbox) == 10


def test_the_reminder_is_not_sent_twice_when_another_run_wrote_it_first(open_round):
    invitee = open_round.invitees.order_by("pk").first()
    assert reminders._remind(invitee, open_round) is True
    assert reminders._remind(invitee, open_round) is False
    assert len(mail.outbox) == 1
    assert SurveyToken.objects.filter(invitee=invitee).count() == 2


def test_the_reminders_new_code_opens_the_survey_next_to_the_invitations(open_round, client):
    invitee = open_round.invitees.order_by("pk").first()
    reminders._remind(invitee, open_round)
    token = token_in(mail.outbox[0])
    assert invitee_for_token(token=token) == invitee
    assert SurveyToken.objects.filter(invitee=invitee, channel="email").count() == 2
    page = client.get(reverse("surveys:answer-token", args=[token]))
    assert 'data-testid="answer-form"' in page.content.decode()


def test_someone_with_a_printed_sheet_is_reminded_without_a_new_code(open_round, pmr):
    from surveys.services.sheets import invitee_sheets_issue

    invitee = open_round.invitees.select_related("staff_member").order_by("pk").first()
    (code,) = invitee_sheets_issue(survey_round=open_round, actor=pmr, invitees=[invitee])
    emailed = SurveyToken.objects.filter(invitee=invitee, channel="email").count()
    mail.outbox.clear()  # the notice that a sheet was printed
    reminders._remind(invitee, open_round)
    assert mail.outbox[0].to == [invitee.staff_member.email]
    body = mail.outbox[0].body
    assert "/survey/code/" not in body
    assert "Use the personal code on the sheet you were given" in body
    assert reverse("account_login") in body
    assert SurveyToken.objects.filter(invitee=invitee, channel="email").count() == emailed
    assert invitee_for_token(token=code) == invitee


@pytest.mark.parametrize(
    ("sent_day", "closes_on", "today", "due"),
    [
        (1, CLOSES_ON, 17, True),
        (1, CLOSES_ON, 20, True),
        (1, CLOSES_ON, 21, False),  # past the closing date: closed instead
        (17, CLOSES_ON, 18, False),  # sent on the reminder's day: the invitation covers it
        (1, None, 17, False),
    ],
)
def test_when_a_reminder_is_due(open_round, sent_day, closes_on, today, due):
    open_round.sent_at = at(sent_day)
    open_round.closes_on = closes_on
    assert reminders.reminder_due(open_round, datetime.date(2027, 3, today)) is due


def test_no_reminders_for_a_closed_round(open_round, pmr):
    round_close(survey_round=open_round, actor=pmr)
    assert reminders.round_reminders_send(survey_round=open_round, today=CLOSES_ON) == 0
    assert not mail.outbox


@pytest.mark.parametrize("backend", ["tests.outbox.UnreachableBackend", "tests.outbox.DownBackend"])
def test_when_the_mail_server_is_down_the_outbox_sends_the_reminders_later(
    open_round, settings, backend
):
    settings.EMAIL_BACKEND = backend
    assert reminders.surveys_tick(now=at(17, 9)) == {"closed": 0, "sent": 10}
    assert not mail.outbox
    assert SurveyReminder.objects.count() == 10  # recorded with their outbox rows
    waiting = OutboxMessage.objects.filter(cause="surveys.reminder", state="pending")
    assert waiting.count() == 10 and all(row.attempts == 1 for row in waiting)
    # The server is back; the retry is due: everyone is reminded, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    waiting.update(next_attempt_at=timezone.now())
    assert deliver_outbox() == 10
    assert len({m.to[0] for m in mail.outbox}) == len(mail.outbox) == 10
    assert reminders.surveys_tick(now=at(17, 10))["sent"] == 0
    assert reminders.surveys_tick(now=at(18))["sent"] == 0
    assert deliver_outbox() == 0


def test_a_refused_address_is_not_retried_and_does_not_stop_the_others(open_round, settings):
    refused = open_round.invitees.select_related("staff_member").order_by("pk")[2]
    address = refused.staff_member.email
    refusing_mail(settings, address)
    assert reminders.round_reminders_send(survey_round=open_round, today=CLOSES_ON) == 10
    assert len(mail.outbox) == 9
    assert address not in {m.to[0] for m in mail.outbox}
    assert SurveyReminder.objects.filter(invitee=refused).exists()  # at most once per invitee
    assert SurveyReminder.objects.count() == 10
    (failed,) = OutboxMessage.objects.filter(state="failed")
    assert failed.to == address and failed.cause_id == str(open_round.pk)
    assert reminders.round_reminders_send(survey_round=open_round, today=CLOSES_ON) == 0
    assert len(mail.outbox) == 9


def test_the_beat_schedule_is_seeded(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="surveys.tasks.surveys_tick")
    assert (task.interval.every, task.interval.period) == (5, "minutes")


def test_a_closed_rounds_link_shows_closed_and_takes_no_answers(open_round, pmr, client):
    token = token_issue(open_round.invitees.first())
    round_close(survey_round=open_round, actor=pmr)
    url = reverse("surveys:answer-token", args=[token])
    page = client.get(url)
    assert page.status_code == 410
    assert 'data-testid="closed"' in page.content.decode()
    assert "answer-form" not in page.content.decode()
    assert client.post(url, {}).status_code == 410
