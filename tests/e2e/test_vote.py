"""A teacher opens the link from the invitation e-mail, votes and gets a receipt; the PMR then
sees the turnout on step 4's vote page."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans.demo import DEMO_PASSWORD, demo_load
from processes import agreement, services
from tests.fixtures.ballots import opened_ballots
from voting.models import Participation, Vote
from voting.services.common import sha256
from voting.services.vote import vote_create, vote_open

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BALLOT_LINK = re.compile(r"https?://\S+/vote/code/[A-Z0-9-]+/")
TEACHER = "docent@demo.werkdruk.nl"
PMR = "pmr@demo.werkdruk.nl"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def open_the_vote():
    """The demo school with steps 1-3 signed off and frozen; the PMR opens the vote, which
    e-mails every voter an invitation (the eager Celery task runs when opening commits)."""
    process = demo_load()["process"]
    pmr = get_user_model().objects.get(email=PMR)
    services.step_sign_off(step=process.steps.get(number=3), actor=pmr)
    agreement.agreement_freeze(process=process, actor=pmr)
    now = timezone.now()
    vote = vote_create(
        process=process,
        actor=pmr,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=7),
        base=Vote.Base.VOTES_CAST,
    )
    mail.outbox.clear()
    return process, vote_open(vote=vote, actor=pmr)


def test_a_teacher_votes_with_the_emailed_link_and_the_pmr_sees_the_turnout(
    page, browser, live_server
):
    process, vote = open_the_vote()
    invitation = next(m for m in mail.outbox if m.to == [TEACHER])
    assert len(mail.outbox) == vote.voters.count()
    link = BALLOT_LINK.search(invitation.body).group(0)

    # The link in the e-mail carries the site's address; the path is what matters here.
    page.goto(urlsplit(link).path)
    assert page.locator("html").get_attribute("lang") == "nl"
    fingerprint = page.locator('[data-testid="agreement-hash"]').inner_text()
    assert fingerprint == vote.agreement.content_hash
    assert page.locator('[data-testid="agreement"]').is_visible()
    page.locator('input[name="choice"][value="yes"]').check()
    page.locator("form#ballot button[type=submit]").click()

    page.locator('[data-testid="review-choice"]').wait_for()
    page.locator('button[name="stage"][value="cast"]').click()

    receipt = page.locator('[data-testid="receipt"]').inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", receipt), receipt
    assert [(b["c"], b["r"]) for b in opened_ballots(vote)] == [("yes", sha256(receipt))]
    assert Participation.objects.get(voter__vote=vote).voter.staff_member.email == TEACHER

    pmr_context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    pmr_page = pmr_context.new_page()
    try:
        sign_in(pmr_page, PMR)
        pmr_page.goto(reverse("voting:vote-manage", args=[process.pk]))
        turnout = pmr_page.locator('[data-testid="turnout-total"]').inner_text()
        assert pmr_page.locator('[data-testid="turnout"]').is_visible()
    finally:
        pmr_context.close()
    assert re.match(r"\s*1\D", turnout), turnout
    assert str(vote.voters.count()) in turnout
