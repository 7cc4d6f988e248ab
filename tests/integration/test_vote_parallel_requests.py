"""Eight real HTTP requests cast the same personal code at the same moment, on PostgreSQL:
exactly one ballot and one receipt, seven clear refusals (409)."""

import datetime
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from processes import agreement, services
from processes.models import AgreementVersion, SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory, SchoolYearFactory, StaffMemberFactory
from tests.fixtures.ballots import opened_ballots
from voting.models import Ballot, Participation, Vote
from voting.services.casting import ALREADY_VOTED, voter_token_issue
from voting.services.common import sha256
from voting.services.vote import vote_create, vote_open

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CLIENTS = 8
ROUNDS = 3
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(r'data-testid="receipt">([A-Z0-9-]+)<')


@pytest.fixture
def open_vote():
    """An open vote on a process whose step 4 is open (steps 1-3 set done directly)."""
    school = SchoolFactory()
    StaffMemberFactory.create_batch(ROUNDS, school=school)
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    pmr = SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user
    process = services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2026), actor=director
    )
    process.steps.filter(number__in=(1, 2, 3)).update(state="done")
    process.steps.filter(number=4).update(state="open")
    content = agreement.agreement_content(process)
    AgreementVersion.objects.create(
        process=process, number=1, content=content, content_hash=agreement.content_hash(content)
    )
    now = timezone.now()
    vote = vote_create(
        process=process,
        actor=pmr,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=1),
        base=Vote.Base.VOTES_CAST,
    )
    return vote_open(vote=vote, actor=pmr)


class Browser:
    """One visitor: its own cookies (session, CSRF) and connection, like a browser tab."""

    def __init__(self):
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def request(self, url, data=None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def cast_at_once(url) -> list[tuple[int, str]]:
    """Each client opens the ballot (for its CSRF token), then all post stage=cast together."""
    barrier = threading.Barrier(CLIENTS)
    outcomes, lock = [], threading.Lock()

    def submit():
        browser = Browser()
        status, page = browser.request(url)
        csrf = CSRF.search(page)
        if status != 200 or csrf is None:
            barrier.abort()  # the others stop waiting; the test reports this page
            result = (f"GET {status}", page)
        else:
            try:
                barrier.wait(timeout=30)
            except threading.BrokenBarrierError:
                result = ("barrier broken", "")
            else:
                data = {"csrfmiddlewaretoken": csrf.group(1), "stage": "cast", "choice": "yes"}
                result = browser.request(url, data)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes


def test_simultaneous_requests_with_one_code_cast_one_ballot(live_server, open_vote):
    # The pages answer in the school's language, the default.
    with translation.override(settings.LANGUAGE_CODE):
        already_voted = escape(gettext(ALREADY_VOTED))

    for voter in open_vote.voters.order_by("pk")[:ROUNDS]:
        token = voter_token_issue(voter=voter)
        url = live_server.url + reverse("voting:ballot-token", args=[token])
        before = Ballot.objects.count()

        outcomes = cast_at_once(url)

        assert len(outcomes) == CLIENTS
        statuses = sorted(str(status) for status, _ in outcomes)
        assert statuses == ["200"] + ["409"] * (CLIENTS - 1), outcomes
        receipts = [RECEIPT.search(page) for status, page in outcomes if status == 200]
        assert receipts[0] is not None
        for status, page in outcomes:
            if status == 409:
                assert already_voted in page
                assert 'data-testid="receipt"' not in page
        assert Ballot.objects.count() == before + 1
        receipt_hash = sha256(receipts[0].group(1))
        assert receipt_hash in {b["r"] for b in opened_ballots(open_vote)}
        assert Participation.objects.filter(voter=voter).count() == 1
    assert Participation.objects.filter(voter__vote=open_vote).count() == ROUNDS
