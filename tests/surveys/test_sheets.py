"""Printed code sheets: a new code per person on paper; it replaces an earlier sheet only."""

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from processes.models import Decision
from surveys.models import SurveyToken
from surveys.services.answers import invitee_for_token
from surveys.services.rounds import round_close, round_send
from surveys.services.sheets import invitee_sheets_issue
from tests.pdf_layout import capture_documents, layout_problems
from werkdruk.exceptions import DomainError

from .conftest import answer

CODE = re.compile(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}")


def pdf_pages(response) -> list[str]:
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def sheets_url(survey_round):
    return reverse("surveys:code-sheets", args=[survey_round.pk])


def emailed_token(invitee):
    body = next(m.body for m in mail.outbox if m.to == [invitee.staff_member.email])
    return body.split("/survey/code/")[1].split("/")[0]


def test_a_printed_code_leaves_the_emailed_one_working(sent, pmr):
    invitee = sent.invitees.order_by("pk").first()
    emailed = emailed_token(invitee)
    (code,) = invitee_sheets_issue(survey_round=sent, actor=pmr, invitees=[invitee])
    assert invitee_for_token(token=emailed) == invitee  # nobody is cut off
    assert invitee_for_token(token=code) == invitee
    assert not SurveyToken.objects.filter(token_hash=code).exists()  # only the hash is kept


def test_a_reprinted_sheet_replaces_the_earlier_sheet(sent, pmr):
    invitee = sent.invitees.order_by("pk").first()
    (first,) = invitee_sheets_issue(survey_round=sent, actor=pmr, invitees=[invitee])
    (second,) = invitee_sheets_issue(survey_round=sent, actor=pmr, invitees=[invitee])
    assert first != second
    with pytest.raises(DomainError):
        invitee_for_token(token=first)
    assert invitee_for_token(token=second) == invitee
    assert invitee_for_token(token=emailed_token(invitee)) == invitee
    other = sent.invitees.order_by("pk")[1]
    assert invitee_for_token(token=emailed_token(other)) == other  # others unaffected


def test_printing_is_recorded_without_names_or_codes_in_the_summary(sent, pmr):
    """The board reads decision summaries (the decision list, the annual report): the count
    only; the people are in the decision's content by staff member id."""
    invitees = list(sent.invitees.order_by("pk")[:2])
    codes = invitee_sheets_issue(survey_round=sent, actor=pmr, invitees=invitees)
    decision = Decision.objects.get(action="surveys.sheets.printed")
    assert decision.actor == pmr
    for invitee in invitees:
        assert invitee.staff_member.name not in decision.summary
    assert decision.content["staff_members"] == [i.staff_member_id for i in invitees]
    for code in codes:
        assert code not in decision.summary and code not in str(decision.content)
    assert SurveyToken.objects.filter(channel="sheet").count() == 2


def test_sheets_are_refused_for_staff_nobody_another_round_and_a_closed_round(
    sent, pmr, staff, questionnaire
):
    invitee = sent.invitees.first()
    with pytest.raises(PermissionDenied):
        invitee_sheets_issue(survey_round=sent, actor=staff[0].user, invitees=[invitee])
    with pytest.raises(DomainError, match="Choose the people"):
        invitee_sheets_issue(survey_round=sent, actor=pmr, invitees=[])
    round_close(survey_round=sent, actor=pmr)
    follow_up = round_send(questionnaire=questionnaire, actor=pmr, kind="follow_up")
    with pytest.raises(DomainError, match="roll of this round"):
        invitee_sheets_issue(survey_round=follow_up, actor=pmr, invitees=[invitee])
    with pytest.raises(DomainError, match="closed"):
        invitee_sheets_issue(survey_round=sent, actor=pmr, invitees=[invitee])
    assert not SurveyToken.objects.filter(channel="sheet").exists()
    assert not Decision.objects.filter(action="surveys.sheets.printed").exists()


def test_the_page_lists_the_whole_roll_answered_or_not_and_issues_nothing(client, sent, pmr):
    answer(sent, sent.invitees.order_by("pk").first())
    client.force_login(pmr)
    tokens = SurveyToken.objects.count()
    response = client.get(sheets_url(sent))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="invitees"') == 10  # who answered is not shown
    assert " checked" not in html
    for invitee in sent.invitees.select_related("staff_member"):
        assert escape(invitee.staff_member.name) in html
    assert not CODE.search(html)
    assert SurveyToken.objects.count() == tokens


def test_sheets_are_a_pdf_with_a_working_code_per_person(client, sent, pmr, settings):
    settings.SITE_URL = "https://werkdruk.example"
    invitees = list(sent.invitees.select_related("staff_member").order_by("staff_member__name"))[:2]
    client.force_login(pmr)
    response = client.post(sheets_url(sent), {"invitees": [i.pk for i in invitees]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pages = pdf_pages(response)
    assert len(pages) == 2
    for invitee, text in zip(invitees, pages, strict=True):
        # A long name may break over two lines in the sheet: compare without white space.
        assert "".join(invitee.staff_member.name.split()) in "".join(text.split())
        assert sent.process.school.name in text
        assert "https://werkdruk.example/survey/code/" in text
        codes = set(CODE.findall(text))
        assert len(codes) == 1, text
        assert invitee_for_token(token=codes.pop()) == invitee
    html = client.get(sheets_url(sent)).content.decode()
    assert html.count("has a sheet: a new one replaces it") == 2


def test_item1_the_sheets_pdf_is_clean_page_by_page(client, sent, pmr, settings):
    """Issue 15, item 1: one sheet per page, nothing past the margin (a long address wraps)."""
    settings.SITE_URL = "https://werkdruk.voorbeeldschoolbestuur.example.org/werkdruk"
    invitees = list(sent.invitees.order_by("pk")[:3])
    client.force_login(pmr)
    with capture_documents() as captured:
        response = client.post(sheets_url(sent), {"invitees": [i.pk for i in invitees]})
    assert response.status_code == 200
    ((template, document),) = captured
    assert len(document.pages) == 3
    assert layout_problems(document, template) == []


@pytest.mark.parametrize("data", [{}, {"invitees": [10**6]}])
def test_no_one_or_someone_off_the_roll_is_refused_on_the_page(client, sent, pmr, data):
    client.force_login(pmr)
    response = client.post(sheets_url(sent), data)
    assert response.status_code == 400
    assert not SurveyToken.objects.filter(channel="sheet").exists()


def test_a_closed_round_prints_no_sheets(client, sent, pmr):
    round_close(survey_round=sent, actor=pmr)
    client.force_login(pmr)
    page = client.get(sheets_url(sent)).content.decode()
    assert 'data-testid="closed"' in page and 'data-testid="code-sheets"' not in page
    response = client.post(sheets_url(sent), {"invitees": [sent.invitees.first().pk]})
    assert response.status_code == 400
    assert not SurveyToken.objects.filter(channel="sheet").exists()


def test_staff_and_other_schools_cannot_open_the_sheets(client, sent, staff, director):
    from tests.factories import SchoolFactory, SchoolRoleFactory

    outsider = SchoolRoleFactory(school=SchoolFactory(), role="director").user
    for user in (staff[0].user, outsider):
        client.force_login(user)
        assert client.get(sheets_url(sent)).status_code == 404
        assert (
            client.post(sheets_url(sent), {"invitees": [sent.invitees.first().pk]}).status_code
            == 404
        )
    client.force_login(director)
    assert client.get(sheets_url(sent)).status_code == 200
    assert not SurveyToken.objects.filter(channel="sheet").exists()
