"""Issue 15, item 3: a survey link that has expired keeps its own 410 notice; an unknown link
gets the site's 404 page with a way back instead of Django's bare English one."""

import pytest
from django.urls import reverse

from surveys.services.rounds import round_close, token_issue

pytestmark = pytest.mark.django_db

ERROR_PAGE = 'data-testid="error-page"'


def test_item3_a_closed_rounds_link_keeps_its_own_410_notice(client, sent, pmr):
    token = token_issue(sent.invitees.first())
    round_close(survey_round=sent, actor=pmr)

    response = client.get(reverse("surveys:answer-token", args=[token]))

    page = response.content.decode()
    assert response.status_code == 410
    assert 'data-testid="closed"' in page
    assert ERROR_PAGE not in page


def test_item3_an_unknown_survey_link_gets_the_sites_404_page(client, sent):
    response = client.get(reverse("surveys:answer-token", args=["NOPE-NOPE"]))

    page = response.content.decode()
    assert response.status_code == 404
    assert ERROR_PAGE in page
    assert "This page does not exist" in page
    assert 'data-testid="way-back"' in page
