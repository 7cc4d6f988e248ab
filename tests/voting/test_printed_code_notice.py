"""Issue 14, item 10: a printed voting sheet cannot be used silently.

Whoever prints a voter's sheet holds a working code for them. So the voter is told by e-mail
that a sheet was printed for them, when and by whom, without the code; and people whose
e-mail does not work (the "address unusable" mark) are offered first on the sheets page.
"""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from processes.models import Decision
from tests.refusing_mail import refusing_mail
from units.models import StaffMember
from voting.services.casting import voter_sheets_issue
from voting.services.messages import vote_messages_send
from voting.services.vote import vote_open
from voting.tasks import vote_messages_send as vote_messages_task

from .conftest import create_vote

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}")


def sheets_url(vote):
    return reverse("voting:token-sheets", args=[vote.pk])


def roll(vote, count):
    return list(vote.voters.select_related("staff_member").order_by("pk")[:count])


def listed(voter):
    return (voter.unit_name, voter.staff_member.name, voter.pk)


def all_mail() -> str:
    return "\n".join(f"{m.to} {m.subject}\n{m.body}" for m in mail.outbox)


def assert_no_code_in_mail(codes):
    text = all_mail()
    for code in codes:
        assert code not in text and code.replace("-", "") not in text.replace("-", "")
    assert "/vote/code/" not in text and "http" not in text  # no link either


def test_item10_the_owner_of_a_printed_sheet_is_told_who_printed_it_without_the_code(
    open_vote, pmr, django_capture_on_commit_callbacks
):
    voters = roll(open_vote, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        codes = voter_sheets_issue(vote=open_vote, actor=pmr, voters=voters)

    assert sorted(m.to for m in mail.outbox) == sorted([v.staff_member.email] for v in voters)
    printed_at = Decision.objects.get(action="voting.sheets.printed").created_at
    when = formats.date_format(timezone.localtime(printed_at), "DATETIME_FORMAT")
    school = open_vote.process.school.name
    for message in mail.outbox:
        voter = next(v for v in voters if [v.staff_member.email] == message.to)
        assert message.subject.endswith("A personal code on paper was printed for you")
        assert f"Dear {voter.staff_member.name}," in message.body
        assert f"On {when}, {pmr.name} printed a sheet with a personal code for you" in (
            message.body
        )
        assert f"the vote on the workload agreement of {school} (round 1)" in message.body
        assert "keeps working" in message.body
        assert "Did you not ask for a printed code?" in message.body
    assert_no_code_in_mail(codes)


def test_item10_printing_from_the_page_tells_each_owner_and_not_the_others(
    client, open_vote, pmr, django_capture_on_commit_callbacks
):
    voters = roll(open_vote, 3)
    chosen = voters[:2]
    mail.outbox.clear()
    client.force_login(pmr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sheets_url(open_vote), {"voters": [v.pk for v in chosen]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert sorted(m.to for m in mail.outbox) == sorted([v.staff_member.email] for v in chosen)
    assert pmr.name in all_mail()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    codes = CODE.findall(re.sub(r"\s+", "", text))
    assert len(set(codes)) == 2  # the printed codes ...
    assert_no_code_in_mail(codes)  # ... are in no e-mail


def test_item10_someone_without_an_address_gets_a_sheet_and_no_mail(
    open_vote, pmr, django_capture_on_commit_callbacks
):
    without, other = roll(open_vote, 2)
    StaffMember.objects.filter(pk=without.staff_member_id).update(email="")
    without.staff_member.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        voter_sheets_issue(vote=open_vote, actor=pmr, voters=[without, other])
    assert [m.to for m in mail.outbox] == [[other.staff_member.email]]


def test_item10_marking_the_address_unusable_while_printing_does_not_silence_the_notice(
    client, open_vote, pmr, django_capture_on_commit_callbacks
):
    voters = roll(open_vote, 2)
    mail.outbox.clear()
    client.force_login(pmr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            sheets_url(open_vote), {"voters": [v.pk for v in voters], "mark_unusable": "on"}
        )
    assert response.status_code == 200
    for voter in voters:
        voter.staff_member.refresh_from_db()
        assert voter.staff_member.email_unusable
        assert voter.staff_member.email_unusable_reason == "marked"
    # Still told: a mark set by whoever prints must not hide the printing from the owner.
    assert sorted(m.to for m in mail.outbox) == sorted([v.staff_member.email] for v in voters)


def test_item10_people_whose_email_does_not_work_come_first_and_are_ticked(client, open_vote, pmr):
    voters = sorted(open_vote.voters.select_related("staff_member"), key=listed)
    unreachable = voters[-1]  # listed last by unit and name otherwise
    member = unreachable.staff_member
    member.email_unusable_since = timezone.now()
    member.email_unusable_reason = "refused"
    member.save()
    client.force_login(pmr)
    html = client.get(sheets_url(open_vote)).content.decode()
    box = f'id="sheet-voter-{unreachable.pk}" checked'
    assert box in html
    assert html.count(" checked") == 1  # only they are ticked
    assert html.index(box) < html.index(f'id="sheet-voter-{voters[0].pk}"')
    fieldset = html[html.index('data-testid="unreachable"') : html.index("</fieldset>")]
    assert member.name in fieldset and "refused by the mail server" in fieldset
    assert voters[0].staff_member.name not in fieldset
    assert 'name="mark_unusable"' in html  # the PMR may record it too


def test_item10_a_refused_invitation_sets_the_mark(
    settings, agreed, pmr, monkeypatch, django_capture_on_commit_callbacks
):
    vote = create_vote(agreed, pmr)
    monkeypatch.setattr(vote_messages_task, "delay", lambda vote_pk: None)
    with django_capture_on_commit_callbacks(execute=True):
        vote = vote_open(vote=vote, actor=pmr)
    refused, other = roll(vote, 2)
    refusing_mail(settings, refused.staff_member.email)

    mail.outbox.clear()
    sent = vote_messages_send(vote=vote)

    assert sent == vote.voters.count()  # all in the outbox
    assert len(mail.outbox) == sent - 1  # the others are invited all the same
    refused.staff_member.refresh_from_db()
    other.staff_member.refresh_from_db()
    assert refused.staff_member.email_unusable
    assert refused.staff_member.email_unusable_reason == "refused"
    assert not other.staff_member.email_unusable


def test_item10_a_refused_sheet_notice_sets_the_mark_and_the_others_are_told(
    settings, open_vote, pmr, django_capture_on_commit_callbacks
):
    refused, other = roll(open_vote, 2)
    refusing_mail(settings, refused.staff_member.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        voter_sheets_issue(vote=open_vote, actor=pmr, voters=[refused, other])
    assert [m.to for m in mail.outbox] == [[other.staff_member.email]]
    refused.staff_member.refresh_from_db()
    assert refused.staff_member.email_unusable_reason == "refused"
