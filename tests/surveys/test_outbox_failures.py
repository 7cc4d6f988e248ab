"""Issue 19, item 1: invitations the mail server refused are shown on the survey page, to
whoever manages the survey, and the refused person gets the "address unusable" mark."""

import pytest
from django.core import mail
from django.urls import reverse

from surveys.services.rounds import round_send
from tests.refusing_mail import refusing_mail
from werkdruk.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_refused_invitation_is_shown_on_the_survey_page(
    settings, client, pmr, staff, questionnaire
):
    bad = staff[0]
    refusing_mail(settings, bad.email)
    survey_round = round_send(questionnaire=questionnaire, actor=pmr, kind="baseline")
    assert len(mail.outbox) == len(staff) - 1  # one refused address does not stop the others
    assert OutboxMessage.objects.filter(cause_id=str(survey_round.pk), state="failed").count() == 1
    client.force_login(pmr)
    html = client.get(
        reverse("surveys:survey-manage", args=[questionnaire.process_id])
    ).content.decode()
    assert "1 e-mail could not be delivered:" in html
    box = html.split("could not be delivered:")[1].split("</div>")[0]
    assert f"{bad.email} (SMTP 550 (SMTPRecipientsRefused))" in box
    assert staff[1].email not in box
    bad.refresh_from_db()
    assert bad.email_unusable_reason == "refused"


def test_without_failures_the_page_says_nothing_about_e_mail(client, pmr, sent):
    client.force_login(pmr)
    html = client.get(reverse("surveys:survey-manage", args=[sent.process.pk])).content.decode()
    assert "could not be delivered" not in html
