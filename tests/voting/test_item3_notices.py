"""Issue 15, item 3: the site's own 404 page does not replace the ballot's notices, which say
what is wrong with a personal code and where to go next."""

import pytest
from django.urls import reverse

from voting.services.casting import voter_token_issue

from .conftest import past_closing

pytestmark = pytest.mark.django_db

ERROR_PAGE = 'data-testid="error-page"'


def test_item3_an_unknown_code_keeps_the_ballots_own_404_notice(client, open_vote):
    response = client.get(reverse("voting:ballot-token", args=["ABCD-EFGH-JKLM-NPQR-STUV"]))

    page = response.content.decode()
    assert response.status_code == 404
    assert "This code is not valid for this vote." in page
    assert reverse("voting:code-entry") in page
    assert ERROR_PAGE not in page


def test_item3_a_closed_vote_keeps_the_ballots_own_410_notice(client, open_vote):
    token = voter_token_issue(voter=open_vote.voters.first())
    past_closing(open_vote)

    response = client.get(reverse("voting:ballot-token", args=[token]))

    page = response.content.decode()
    assert response.status_code == 410
    assert "This vote has closed." in page
    assert ERROR_PAGE not in page
