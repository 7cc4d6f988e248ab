"""The ballot pages: a personal code or a signed-in voter, review, cast, receipt, and refusals."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from processes import registry
from processes.predicates import user_roles
from tests.factories import StaffMemberFactory, UserFactory
from tests.fixtures.ballots import opened_ballots
from voting.models import Ballot, Participation, Vote, VoterToken
from voting.rules_text import rule_sentence
from voting.services import custody
from voting.services.casting import voter_token_issue
from voting.services.closing import vote_close
from voting.services.common import sha256
from voting.services.vote import vote_open
from voting.todos import vote_and_key_todos, vote_todos

from .conftest import create_vote, past_closing, user

pytestmark = pytest.mark.django_db

RECEIPT = re.compile(r'data-testid="receipt">([A-Z0-9-]+)<')
ALREADY_VOTED = "You have already voted in this vote."


@pytest.fixture
def teacher(open_vote):
    """The demo teacher's line on the roll (Tim van Os, a plain staff member)."""
    return open_vote.voters.get(staff_member__user=user("docent"))


@pytest.fixture
def token(teacher):
    return voter_token_issue(voter=teacher)


@pytest.fixture
def token_url(token):
    return reverse("voting:ballot-token", args=[token])


@pytest.fixture
def with_questions(agreed, pmr):
    vote = create_vote(agreed, pmr, questions=["The units", "The frameworks"])
    return vote_open(vote=vote, actor=pmr)


def receipt_of(response) -> str:
    match = RECEIPT.search(response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def cast(client, url, **data):
    return client.post(url, {"stage": "cast", **data})


def assert_nothing_cast():
    assert not Ballot.objects.exists()
    assert not Participation.objects.exists()


# --- with a personal code ------------------------------------------------------------------


def test_the_ballot_shows_the_vote_the_rule_and_the_frozen_agreement(client, open_vote, token_url):
    response = client.get(token_url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert escape(open_vote.process.school.name) in content
    assert escape(rule_sentence(open_vote)) in content
    assert open_vote.agreement.content_hash in content
    assert f"Frozen version {open_vote.agreement.number}" in content
    assert 'data-testid="agreement"' in content
    assert escape(open_vote.process.units.first().name) in content  # the frozen content
    assert escape(user("docent").name) in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'name="stage" value="review"' in content
    for i, choice in enumerate(("yes", "no", "abstain")):
        assert f'name="choice" id="id_choice_{i}" value="{choice}"' in content
    # An anonymous voter sees no navigation that needs an account.
    assert 'class="navbar-nav' not in content


def test_review_then_cast_gives_a_receipt_of_which_only_the_hash_is_kept(
    client, open_vote, token, token_url
):
    review = client.post(token_url, {"stage": "review", "choice": "no"})
    content = review.content.decode()
    assert review.status_code == 200
    assert 'data-testid="review-choice">No<' in content
    assert '<input type="hidden" name="choice" value="no">' in content
    assert 'name="stage" value="cast"' in content
    assert not Ballot.objects.exists()  # reviewing casts nothing

    response = cast(client, token_url, choice="no")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    receipt = receipt_of(response)
    assert reverse("voting:receipt-check", args=[open_vote.pk]) in response.content.decode()
    assert Ballot.objects.get().vote == open_vote
    assert [(b["c"], b["r"]) for b in opened_ballots(open_vote)] == [("no", sha256(receipt))]
    assert receipt not in str(list(Ballot.objects.values_list()))
    assert token not in str(list(VoterToken.objects.values_list()))
    assert Participation.objects.get().voter.staff_member.user == user("docent")


def test_change_my_choices_shows_the_ballot_again_with_the_choice_ticked(client, token_url):
    response = client.post(token_url, {"stage": "edit", "choice": "abstain"})
    assert response.status_code == 200
    assert 'value="abstain" checked' in response.content.decode()
    assert not Ballot.objects.exists()


def test_casting_again_is_refused_with_409_and_the_link_then_says_you_voted(
    client, token_url, open_vote
):
    assert cast(client, token_url, choice="yes").status_code == 200

    again = cast(client, token_url, choice="no")
    review = client.post(token_url, {"stage": "review", "choice": "no"})
    page = client.get(token_url)

    assert again.status_code == 409
    assert ALREADY_VOTED in again.content.decode()
    assert review.status_code == 409
    assert page.status_code == 200
    assert ALREADY_VOTED in page.content.decode()
    assert 'name="choice"' not in page.content.decode()
    assert [ballot["c"] for ballot in opened_ballots(open_vote)] == ["yes"]
    assert Participation.objects.count() == 1


def test_an_unknown_code_gives_a_clear_404(client, open_vote):
    response = client.get(reverse("voting:ballot-token", args=["ABCD-EFGH-JKLM-NPQR-STUV"]))
    posted = cast(client, reverse("voting:ballot-token", args=["nonsense"]), choice="yes")

    assert response.status_code == 404
    assert "This code is not valid for this vote." in response.content.decode()
    assert reverse("voting:code-entry") in response.content.decode()
    assert posted.status_code == 404
    assert_nothing_cast()


def test_a_replaced_sheet_code_no_longer_opens_the_ballot(client, teacher):
    old = voter_token_issue(voter=teacher, channel=VoterToken.Channel.SHEET)
    new = voter_token_issue(voter=teacher, channel=VoterToken.Channel.SHEET)

    assert client.get(reverse("voting:ballot-token", args=[old])).status_code == 404
    assert cast(client, reverse("voting:ballot-token", args=[old]), choice="yes").status_code == 404
    assert client.get(reverse("voting:ballot-token", args=[new])).status_code == 200
    assert_nothing_cast()


def test_a_code_of_another_vote_opens_that_vote_only(client, open_vote, pmr):
    """A code belongs to one voter in one vote: it never casts a ballot in another vote."""
    other = Vote.objects.create(
        kind=Vote.Kind.AGREEMENT,
        round=1,
        state=Vote.State.OPEN,
        opens_at=open_vote.opens_at,
        closes_at=open_vote.closes_at,
        base=Vote.Base.VOTES_CAST,
        majority_numerator=1,
        majority_denominator=2,
        created_by=pmr,
    )
    custody.keys_create(other)  # what opening does
    stranger = other.voters.create(staff_member=StaffMemberFactory(), category="OP")
    url = reverse("voting:ballot-token", args=[voter_token_issue(voter=stranger)])

    page = client.get(url)
    response = cast(client, url, choice="yes")

    assert escape(open_vote.process.school.name) not in page.content.decode()
    assert response.status_code == 200
    assert not Ballot.objects.filter(vote=open_vote).exists()
    assert Ballot.objects.filter(vote=other).count() == 1
    assert not Participation.objects.filter(voter__vote=open_vote).exists()


def test_a_code_typed_loosely_on_the_entry_page_leads_to_the_ballot(client, token):
    page = client.get(reverse("voting:code-entry"))
    response = client.post(
        reverse("voting:code-entry"), {"code": " " + token.replace("-", " ").lower()}
    )

    assert page.status_code == 200
    assert 'class="navbar-nav' not in page.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("voting:ballot-token", args=[token])
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("code", ["", "  - -  "])
def test_the_entry_page_asks_again_for_an_empty_code(client, db, code):
    response = client.post(reverse("voting:code-entry"), {"code": code})
    assert response.status_code == 400
    assert "Type the code from your e-mail or sheet." in response.content.decode()


@pytest.mark.parametrize("data", [{}, {"choice": "maybe"}, {"choice": ""}])
@pytest.mark.parametrize("stage", ["review", "cast"])
def test_without_a_valid_choice_the_ballot_comes_back_with_400_and_nothing_is_saved(
    client, token_url, stage, data
):
    response = client.post(token_url, {"stage": stage, **data})

    assert response.status_code == 400
    assert "Choose yes, no or abstain." in response.content.decode()
    assert 'name="choice"' in response.content.decode()
    assert_nothing_cast()


def test_appreciation_answers_are_stored_on_the_ballot(client, with_questions):
    voter = with_questions.voters.get(staff_member__user=user("docent"))
    url = reverse("voting:ballot-token", args=[voter_token_issue(voter=voter)])

    page = client.get(url).content.decode()
    review = client.post(url, {"stage": "review", "choice": "yes", "q1": "4", "q2": ""})
    response = cast(client, url, choice="yes", q1="4")

    assert "The units" in page and "The frameworks" in page
    assert "1 = very poor" in page and "5 = very good" in page
    assert 'name="q1"' in page and 'name="q2"' in page
    assert review.status_code == 200
    assert '<input type="hidden" name="q1" value="4">' in review.content.decode()
    assert 'name="q2" value' not in review.content.decode()
    assert response.status_code == 200
    assert [ballot["a"] for ballot in opened_ballots(with_questions)] == [{"1": 4}]


@pytest.mark.parametrize("score", ["0", "6", "x"])
def test_an_appreciation_outside_1_to_5_is_refused_and_nothing_saved(client, with_questions, score):
    voter = with_questions.voters.get(staff_member__user=user("docent"))
    url = reverse("voting:ballot-token", args=[voter_token_issue(voter=voter)])

    response = cast(client, url, choice="yes", q1=score)

    assert response.status_code == 400
    assert "An appreciation is a number from 1 to 5." in response.content.decode()
    assert_nothing_cast()


# --- before opening and after closing ------------------------------------------------------


def test_before_the_opening_time_the_page_says_when_it_opens(client, agreed, pmr):
    now = timezone.now()
    vote = create_vote(
        agreed,
        pmr,
        opens_at=now + datetime.timedelta(hours=2),
        closes_at=now + datetime.timedelta(days=7),
    )
    vote = vote_open(vote=vote, actor=pmr)
    voter = vote.voters.get(staff_member__user=user("docent"))
    url = reverse("voting:ballot-token", args=[voter_token_issue(voter=voter)])

    page = client.get(url)
    response = cast(client, url, choice="yes")

    assert page.status_code == 200
    assert "The vote opens on" in page.content.decode()
    assert 'name="choice"' not in page.content.decode()
    assert response.status_code == 403
    assert_nothing_cast()


def test_after_the_closing_time_the_vote_closes_and_the_code_no_longer_works(
    client, open_vote, token_url
):
    past_closing(open_vote)

    response = cast(client, token_url, choice="yes")
    open_vote.refresh_from_db()
    later = client.get(token_url)

    assert response.status_code == 410
    assert "This vote has closed." in response.content.decode()
    assert open_vote.state == Vote.State.CLOSED  # closed on its first view after the time
    assert later.status_code == 410
    assert "the code no longer works" in later.content.decode()
    assert_nothing_cast()


def test_a_closed_vote_refuses_the_signed_in_ballot_too(client, open_vote, pmr):
    past_closing(open_vote)
    vote_close(vote=open_vote, actor=pmr)
    client.force_login(user("docent"))

    response = client.get(reverse("voting:ballot", args=[open_vote.pk]))

    assert response.status_code == 410
    assert reverse("voting:receipt-check", args=[open_vote.pk]) in response.content.decode()


# --- signed in -----------------------------------------------------------------------------


def test_a_signed_in_voter_votes_without_a_code(client, open_vote):
    client.force_login(user("docent"))
    url = reverse("voting:ballot", args=[open_vote.pk])

    page = client.get(url)
    review = client.post(url, {"stage": "review", "choice": "abstain"})
    response = cast(client, url, choice="abstain")
    again = cast(client, url, choice="yes")

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert open_vote.agreement.content_hash in page.content.decode()
    assert review.status_code == 200
    assert response.status_code == 200
    assert [b["r"] for b in opened_ballots(open_vote)] == [sha256(receipt_of(response))]
    assert again.status_code == 409
    assert ALREADY_VOTED in again.content.decode()
    assert [b["c"] for b in opened_ballots(open_vote)] == ["abstain"]


def test_the_signed_in_ballot_needs_an_account(client, open_vote):
    response = client.get(reverse("voting:ballot", args=[open_vote.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_voter_of_another_school_cannot_vote_in_this_vote(client, open_vote, agreed):
    other_school = agreed.school.board.schools.exclude(pk=agreed.school_id).get()
    outsider = UserFactory()
    StaffMemberFactory(school=other_school, user=outsider, email=outsider.email)
    client.force_login(outsider)
    url = reverse("voting:ballot", args=[open_vote.pk])

    page = client.get(url)
    response = cast(client, url, choice="yes")

    assert page.status_code == 404
    assert response.status_code == 404
    assert_nothing_cast()


def test_someone_of_the_school_who_is_not_on_the_roll_gets_a_clear_403(client, open_vote, agreed):
    newcomer = UserFactory()  # joined the staff after the roll was frozen
    StaffMemberFactory(school=agreed.school, user=newcomer, email=newcomer.email)
    client.force_login(newcomer)
    url = reverse("voting:ballot", args=[open_vote.pk])

    page = client.get(url)
    response = cast(client, url, choice="yes")

    assert page.status_code == 403
    assert "You are not on the voters&#x27; roll of this vote." in page.content.decode()
    assert response.status_code == 403
    assert_nothing_cast()


def test_a_vote_that_does_not_exist_is_404(client, db, agreed):
    client.force_login(user("docent"))
    assert client.get(reverse("voting:ballot", args=[999999])).status_code == 404


# Demo users: staff on the roll (teacher, director, PMR, steering group), the board's
# administrator (sees the school, is on no roll) and the director of the board's other school.
MATRIX = {
    # name: (ballot, receipt check)
    None: (302, 302),
    "docent": (200, 200),
    "directeur": (200, 200),
    "pmr": (200, 200),
    "stuurgroep": (200, 200),
    "bestuur": (403, 200),
    "directeur.baken": (404, 404),
}


@pytest.mark.parametrize("local", MATRIX)
def test_who_may_open_the_signed_in_ballot_and_the_receipt_check(client, open_vote, local):
    if local:
        client.force_login(user(local))

    ballot = client.get(reverse("voting:ballot", args=[open_vote.pk]))
    receipt = client.get(reverse("voting:receipt-check", args=[open_vote.pk]))

    assert (ballot.status_code, receipt.status_code) == MATRIX[local]


# --- receipts ------------------------------------------------------------------------------


def test_a_receipt_can_be_checked_only_after_closing(client, open_vote, token_url):
    receipt = receipt_of(cast(client, token_url, choice="yes"))
    client.force_login(user("docent"))
    url = reverse("voting:receipt-check", args=[open_vote.pk])

    before = client.get(url)
    too_early = client.post(url, {"code": receipt})

    assert before.status_code == 200
    assert 'data-testid="receipt-not-yet"' in before.content.decode()
    assert 'name="code"' not in before.content.decode()
    assert too_early.status_code == 400
    assert "Receipts can be checked once the vote has closed." in too_early.content.decode()

    past_closing(open_vote)
    page = client.get(url)  # the first view after the closing time closes the vote
    counted = client.post(url, {"code": receipt.lower().replace("-", " ")})
    missing = client.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"})

    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    assert counted.status_code == 200
    assert 'data-counted="true"' in counted.content.decode()
    assert "Counted: this receipt code is among the counted ballots" in counted.content.decode()
    assert missing.status_code == 200
    assert 'data-counted="false"' in missing.content.decode()
    assert "Not found among the counted ballots" in missing.content.decode()


def test_receipts_of_another_school_are_not_visible(client, open_vote, agreed):
    other_school = agreed.school.board.schools.exclude(pk=agreed.school_id).get()
    outsider = UserFactory()
    StaffMemberFactory(school=other_school, user=outsider, email=outsider.email)
    client.force_login(outsider)

    response = client.get(reverse("voting:receipt-check", args=[open_vote.pk]))

    assert response.status_code == 404


def test_checking_a_receipt_needs_an_account(client, open_vote):
    response = client.get(reverse("voting:receipt-check", args=[open_vote.pk]))
    assert response.status_code == 302


CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def _without_csrf(html: str) -> str:
    return CSRF_VALUE.sub(r'\1…"', html)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_voters_layout_gives_the_same_html_as_base_html(
    client, open_vote, token_url, monkeypatch, language
):
    """Without an account the page comes from ballot_voter.html, its layout cached per vote
    and language; it is the same page as ballot.html in base.html (but for the CSRF tokens),
    the first time (filling the caches) and from the caches."""
    from voting.views import ballot as views

    client.cookies["django_language"] = language
    cache.clear()
    first = client.get(token_url)
    cached = client.get(token_url)
    assert [t.name for t in cached.templates][0] == views.BALLOT_VOTER
    monkeypatch.setattr(views, "BALLOT_VOTER", views.BALLOT)
    in_base = client.get(token_url)
    assert [t.name for t in in_base.templates][:2] == [views.BALLOT, "base.html"]
    expected = _without_csrf(in_base.content.decode())
    assert _without_csrf(first.content.decode()) == expected
    assert _without_csrf(cached.content.decode()) == expected
    assert f'<html lang="{language}">' in expected


def test_a_signed_in_voter_keeps_the_menu_on_the_ballot(client, open_vote):
    """The voters' layout has no signed-in menu: a signed-in voter gets base.html."""
    client.force_login(user("docent"))
    url = reverse("voting:ballot", args=[open_vote.pk])
    response = client.get(url)
    assert [t.name for t in response.templates][:2] == ["voting/ballot/ballot.html", "base.html"]
    assert 'class="wd-menu"' in response.content.decode()


def test_the_voting_urls_come_first_and_shadow_no_other_apps_url():
    """werkdruk/urls.py resolves the voting app's URLs first (the ballot is the busiest page):
    safe as long as every voting route starts with vote/ or process/<pk>/vote/ and no other
    app's route does."""
    from django.urls import get_resolver

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    first = get_resolver().url_patterns[0]
    assert getattr(first, "namespace", None) == "voting"
    voting = {route for route, _ in routes(first.url_patterns)}
    assert voting and all(route.startswith(("vote/", "process/<int:pk>/vote/")) for route in voting)
    others = [route for route, _ in routes(get_resolver().url_patterns[1:])]
    assert not [r for r in others if r.startswith(("vote/", "process/<int:pk>/vote/"))]


# --- query counts --------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("questions", [0, 1, 10])
def test_the_ballot_page_has_a_constant_number_of_queries(client, agreed, pmr, questions):
    """Whatever the roll's size or the number of questions. By code: the code with its voter,
    vote and whether the voter voted; then, the first time only (cached per vote), the
    vote's school, unit and agreement, the questions and the agreement's text (rendered
    once per version and language). Signed in: the session and user,
    the vote, the user's roles (3), the roll line with whether they voted; the questions and
    the agreement's text the first time."""
    StaffMemberFactory.create_batch(30, school=agreed.school)
    vote = create_vote(agreed, pmr, questions=[f"Question {n}" for n in range(questions)])
    vote = vote_open(vote=vote, actor=pmr)
    voters = list(vote.voters.exclude(staff_member__user=user("docent"))[:2])
    first, again = (
        reverse("voting:ballot-token", args=[voter_token_issue(voter=v)]) for v in voters
    )
    voter = vote.voters.get(staff_member__user=user("docent"))
    token_url = reverse("voting:ballot-token", args=[voter_token_issue(voter=voter)])

    cache.clear()
    by_code_first = _count(client, first)
    by_code = _count(client, again)
    by_code_same = _count(client, token_url)
    cache.clear()
    client.force_login(user("docent"))
    client.get(reverse("processes:dashboard"))
    signed_in_first = _count(client, reverse("voting:ballot", args=[vote.pk]))
    signed_in = _count(client, reverse("voting:ballot", args=[vote.pk]))

    assert (by_code_first, by_code, by_code_same) == (4, 1, 1)  # was 3 each time
    assert (signed_in_first, signed_in) == (7, 5)  # was 9 each time; the roles in one query


def test_the_cached_parts_of_the_ballot_follow_the_language(client, open_vote, token_url):
    """The parts every voter sees the same are cached per vote and language: a Dutch page
    after an English one is Dutch, with the agreement's text once."""
    cache.clear()
    english = client.get(token_url).content.decode()
    client.cookies["django_language"] = "nl"
    dutch = client.get(token_url).content.decode()
    assert "How the votes are counted" in english and "Zo worden de stemmen geteld" not in english
    assert "Zo worden de stemmen geteld" in dutch and "How the votes are counted" not in dutch
    assert dutch.count('data-testid="agreement"') == english.count('data-testid="agreement"') == 1


def test_casting_by_code_takes_a_fixed_number_of_queries(client, with_questions):
    """The code with its voter (1); one transaction: the vote read again under its lock, the
    voter locked, voted?, the participation in a savepoint (3), the ballot (8 with the
    transaction's own two statements). Was 13, with the questions read twice. On PostgreSQL
    the same in 5: the two locks with "voted?" in one statement, the savepoint, the
    participation and the ballot sent as one."""
    voters = list(with_questions.voters.all()[:2])
    urls = [reverse("voting:ballot-token", args=[voter_token_issue(voter=v)]) for v in voters]
    client.get(urls[0])  # the vote's school, agreement and questions are cached from here on
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = cast(client, url, choice="yes", q1="4")
        assert response.status_code == 200
        receipt_of(response)
        counts.append(len(ctx.captured_queries))

    expected = 5 if connection.vendor == "postgresql" else 10
    assert counts == [expected, expected]
    assert Participation.objects.count() == Ballot.objects.count() == 2


# --- the dashboard's to-do -----------------------------------------------------------------


def test_the_vote_todo_is_registered_with_the_dashboard():
    # The ballots to cast and the key holders' to-dos share one read of the open votes.
    assert vote_and_key_todos in registry.todo_providers()


def dashboard(client) -> str:
    response = client.get(reverse("processes:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_vote_shows_as_a_todo_until_the_voter_has_voted(client, open_vote, token_url):
    client.force_login(user("docent"))
    ballot_url = reverse("voting:ballot", args=[open_vote.pk])

    before = dashboard(client)
    cast(client, token_url, choice="yes")
    after = dashboard(client)

    assert "Vote on the agreement (closes on" in before
    assert f'href="{ballot_url}"' in before
    assert "Vote on the agreement" not in after
    assert f'href="{ballot_url}"' not in after


def test_the_todo_is_gone_when_the_vote_has_closed(client, open_vote, pmr):
    past_closing(open_vote)
    vote_close(vote=open_vote, actor=pmr)
    client.force_login(user("docent"))

    assert "Vote on the agreement" not in dashboard(client)


def test_the_todo_is_not_shown_to_staff_not_on_the_roll(client, open_vote, agreed):
    newcomer = UserFactory()  # joined the staff after the roll was frozen
    StaffMemberFactory(school=agreed.school, user=newcomer, email=newcomer.email)
    client.force_login(newcomer)

    content = dashboard(client)

    assert escape(agreed.school.name) in content
    assert "Vote on the agreement" not in content


def test_the_todo_costs_no_query_for_someone_who_is_nobodys_staff(open_vote):
    admin = user("bestuur")
    user_roles(admin)  # loaded once per request by the dashboard anyway
    with CaptureQueriesContext(connection) as ctx:
        assert vote_todos(admin, [open_vote.process]) == {}
    assert len(ctx.captured_queries) == 0


def test_the_todo_costs_one_query_for_staff(open_vote):
    teacher = user("docent")
    user_roles(teacher)
    with CaptureQueriesContext(connection) as ctx:
        todos = vote_todos(teacher, [open_vote.process])
    assert len(ctx.captured_queries) == 1
    assert [t.url for t in todos[open_vote.process_id]] == [
        reverse("voting:ballot", args=[open_vote.pk])
    ]


def test_a_personal_code_never_reaches_the_log(client, open_vote, caplog):
    voter = open_vote.voters.first()
    token = voter_token_issue(voter=voter)
    url = reverse("voting:ballot-token", args=[token])

    with caplog.at_level("INFO"):
        assert client.post(url, {"stage": "cast"}).status_code == 400  # logged as Bad Request
        client.post(url, {"stage": "cast", "choice": "yes"})
        assert client.post(url, {"stage": "cast", "choice": "no"}).status_code == 409

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/vote/code/…" in logged
    assert token not in logged
