"""Issue 14, item 10: a printed survey sheet cannot be used silently.

The owner of a printed sheet is told by e-mail (when and by whom, never the code); people
whose e-mail does not work come first on the sheets page; a refused invitation or reminder
records the "address unusable" mark.
"""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from surveys.models import SurveyRound
from surveys.services import reminders
from surveys.services.rounds import round_send
from tests.refusing_mail import refusing_mail
from units.models import StaffMember

from .test_tick import CLOSES_ON, at

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}")


def sheets_url(survey_round):
    return reverse("surveys:code-sheets", args=[survey_round.pk])


def roll(survey_round):
    return list(survey_round.invitees.select_related("staff_member").order_by("pk"))


@pytest.mark.parametrize("printer", ["pmr", "director"])
def test_item10_the_owner_of_a_printed_survey_sheet_is_told_who_printed_it(
    request, client, sent, printer, django_capture_on_commit_callbacks
):
    actor = request.getfixturevalue(printer)
    chosen = roll(sent)[:2]
    mail.outbox.clear()
    client.force_login(actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sheets_url(sent), {"invitees": [i.pk for i in chosen]})
    assert response["Content-Type"] == "application/pdf"

    assert sorted(m.to for m in mail.outbox) == sorted([i.staff_member.email] for i in chosen)
    school = sent.process.school.name
    for message in mail.outbox:
        assert f"{actor.name} printed a sheet with a personal code for you" in message.body
        assert f"the workload survey of {school} (baseline)" in message.body
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    codes = CODE.findall(re.sub(r"\s+", "", text))
    assert len(set(codes)) == 2
    everything = "\n".join(m.subject + m.body for m in mail.outbox)
    for code in codes:
        assert code not in everything
    assert "/survey/code/" not in everything and "http" not in everything


def test_item10_people_whose_email_does_not_work_come_first_and_are_ticked(client, sent, pmr):
    invitees = sorted(roll(sent), key=lambda i: (i.staff_member.name, i.pk))
    unreachable = invitees[-1]
    member = unreachable.staff_member
    member.email_unusable_since = timezone.now()
    member.email_unusable_reason = "marked"
    member.save()
    client.force_login(pmr)
    html = client.get(sheets_url(sent)).content.decode()
    box = f'id="sheet-invitee-{unreachable.pk}" checked'
    assert box in html and html.count(" checked") == 1
    assert html.index(box) < html.index(f'id="sheet-invitee-{invitees[0].pk}"')
    assert html.count('name="invitees"') == len(invitees)  # everyone once


def test_item10_ticking_the_mark_while_printing_records_it(
    client, sent, director, django_capture_on_commit_callbacks
):
    invitee = roll(sent)[0]
    client.force_login(director)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sheets_url(sent), {"invitees": [invitee.pk], "mark_unusable": "on"})
    invitee.staff_member.refresh_from_db()
    assert invitee.staff_member.email_unusable_reason == "marked"
    assert [m.to for m in mail.outbox[-1:]] == [[invitee.staff_member.email]]


def test_item10_a_refused_invitation_sets_the_mark_and_the_others_are_invited(
    settings, questionnaire, pmr, staff, django_capture_on_commit_callbacks
):
    refused = staff[3]
    refusing_mail(settings, refused.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        round_send(questionnaire=questionnaire, actor=pmr, kind="baseline")
    assert len(mail.outbox) == len(staff) - 1
    refused.refresh_from_db()
    assert refused.email_unusable and refused.email_unusable_reason == "refused"
    assert StaffMember.objects.filter(email_unusable_since__isnull=False).get() == refused


def test_item10_a_refused_reminder_sets_the_mark(
    settings, questionnaire, pmr, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey_round = round_send(
            questionnaire=questionnaire, actor=pmr, kind="baseline", closes_on=CLOSES_ON
        )
    SurveyRound.objects.filter(pk=survey_round.pk).update(sent_at=at(1))
    refused = staff[5]
    refusing_mail(settings, refused.email)
    reminders.round_reminders_send(survey_round=survey_round, today=CLOSES_ON)
    refused.refresh_from_db()
    assert refused.email_unusable_reason == "refused"
