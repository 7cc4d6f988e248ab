"""Issue 14, item 9 on PostgreSQL: one paper-ballot entry form sent six times at the same moment
(a double click on a slow connection, the same browser): one entry, six redirects to the list.

The requests wait for each other on the unique insert of the form's token; the first runs the
view, the others find its row once it commits and redirect to where it went."""

import datetime
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from processes import agreement, services
from processes.models import AgreementVersion, SchoolRole
from tests.factories import SchoolFactory, SchoolRoleFactory, SchoolYearFactory, StaffMemberFactory
from voting.models import PaperBatch, Vote
from voting.services.vote import vote_create, vote_open
from werkdruk.models import FormSubmission
from werkdruk.submissions import TOKEN_FIELD

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CLIENTS = 6
ROUNDS = 3
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(rf'name="{TOKEN_FIELD}" value="([^"]+)"')


@pytest.fixture
def open_vote():
    """An open vote with a PMR member who enters paper ballots (steps 1-3 set done directly)."""
    school = SchoolFactory()
    StaffMemberFactory.create_batch(ROUNDS * 2, school=school)
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
    return vote_open(vote=vote, actor=pmr), pmr


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer to look at


def post(url, data, cookies) -> tuple[int, str]:
    """A POST on its own connection, with the signed-in browser's cookies (session, CSRF)."""
    opener = urllib.request.build_opener(_NoRedirects())
    opener.addheaders = [("Cookie", "; ".join(f"{k}={v.value}" for k, v in cookies.items()))]
    body = urllib.parse.urlencode(data, doseq=True).encode()
    try:
        with opener.open(url, data=body, timeout=60) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def post_at_once(url, data, cookies) -> list[tuple[int, str]]:
    barrier = threading.Barrier(CLIENTS)
    outcomes, lock = [], threading.Lock()

    def submit():
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            result = ("barrier broken", "")
        else:
            result = post(url, data, cookies)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes


def test_item9_one_entry_sent_at_the_same_moment_is_entered_once(live_server, open_vote):
    vote, pmr = open_vote
    browser = Client()
    browser.force_login(pmr)
    list_path = reverse("voting:paper-list", args=[vote.pk])
    enter_url = live_server.url + reverse("voting:paper-enter", args=[vote.pk])
    voters = list(vote.voters.order_by("pk"))

    for round_ in range(ROUNDS):
        # The page as the browser loaded it: its CSRF cookie and the form's one-time token.
        page = browser.get(list_path).content.decode()
        ticked = voters[round_ * 2 : round_ * 2 + 2]
        data = {
            "csrfmiddlewaretoken": CSRF.search(page).group(1),
            TOKEN_FIELD: TOKEN.search(page).group(1),
            "description": f"Meeting {round_}",
            "voters": [voter.pk for voter in ticked],
            "yes": 1,
            "no": 1,
            "abstain": 0,
        }

        outcomes = post_at_once(enter_url, data, browser.cookies)

        assert outcomes == [(302, list_path)] * CLIENTS, outcomes
        batches = PaperBatch.objects.filter(vote=vote, description=f"Meeting {round_}")
        assert batches.count() == 1
        assert set(batches.get().voters.all()) == set(ticked)
        assert FormSubmission.objects.filter(user=pmr, token=data[TOKEN_FIELD]).count() == 1
    assert PaperBatch.objects.filter(vote=vote).count() == ROUNDS
