"""The PMR's vote pages (step 4): permissions, preparing, opening, closing, result, roll."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import escape

from processes import agreement, registry
from processes.models import Decision, School, SchoolRole
from tests.processes.conftest import sign_both
from tests.signin import sign_in_admin
from units.models import StaffMember
from voting import keys
from voting.models import Vote, Voter
from voting.rules_text import rule_sentence
from voting.services.casting import ballot_cast
from voting.services.closing import vote_close
from voting.services.vote import vote_open

from .conftest import cast_many, create_vote, past_closing, user

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def other_pmr(agreed):
    """A PMR member of the board's other school."""
    member = get_user_model().objects.create_user(email="pmr@baken.example", name="Other PMR")
    SchoolRole.objects.create(
        user=member, school=School.objects.get(brin="34CD"), role=SchoolRole.Role.PMR
    )
    return member


def decisions(process, action=None):
    qs = Decision.objects.filter(process=process)
    return qs.filter(action=action) if action else qs


def text(response):
    return response.content.decode()


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(**changes):
    """A valid vote form: from now for a week, more than half of the votes cast."""
    now = timezone.now()
    data = {
        "opens_at": local(now),
        "closes_at": local(now + datetime.timedelta(days=7)),
        "base": Vote.Base.VOTES_CAST,
        "majority": "half",
        "numerator": "",
        "denominator": "",
        "quorum_percentage": "",
        "reminder_days": ["3", "1"],
        "questions": "",
    }
    return {**data, **changes}


# --- permissions ---------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "docent",
    "directeur",
    "pmr",
    "stuurgroep",
    "bestuur",
    "directeur.baken",
    "other_pmr",
]


def _login(client, request, role):
    if role == "anonymous":
        return None
    member = request.getfixturevalue("other_pmr") if role == "other_pmr" else user(role)
    client.force_login(member)
    return member


def _url(name, vote):
    if name in ("vote-manage", "vote-create"):
        return reverse(f"voting:{name}", args=[vote.process_id])
    if name == "voter-remove":
        voter = vote.voters.order_by("pk").first()
        return reverse("voting:voter-remove", args=[vote.pk, voter.pk])
    return reverse(f"voting:{name}", args=[vote.pk])


# name: (vote needed: "draft" or "open", expected per role)
GET_MATRIX = {
    "vote-manage": ("open", [302, 403, 200, 200, 403, 403, 404, 404]),
    "vote-turnout": ("open", [302, 403, 200, 200, 403, 403, 404, 404]),
    "vote-create": ("open", [302, 403, 403, 200, 403, 403, 404, 404]),
    "vote-edit": ("draft", [302, 403, 403, 200, 403, 403, 404, 404]),
    "vote-roll": ("open", [302, 403, 403, 200, 403, 403, 404, 404]),
    "vote-result": ("open", [302, 200, 200, 200, 200, 200, 404, 404]),
}


@pytest.mark.parametrize("name", GET_MATRIX)
def test_get_permission_matrix(client, request, name):
    needs, expected = GET_MATRIX[name]
    vote = request.getfixturevalue("open_vote" if needs == "open" else "draft")
    for role, status in zip(ROLES, expected, strict=True):
        client.logout()
        _login(client, request, role)
        response = client.get(_url(name, vote))
        assert response.status_code == status, (name, role)
        if role == "anonymous":
            assert response.url.startswith(reverse("account_login"))


def _staff_not_on_roll(vote):
    return StaffMember.objects.create(
        school=vote.process.school,
        name="New Colleague",
        email="new@demo.werkdruk.nl",
        category="OP",
        fte=Decimal("0.5"),
    )


# name: (vote needed, data, what changed when it worked)
POST_MATRIX = {
    "vote-create": ("none", lambda vote: form_data()),
    "vote-edit": ("draft", lambda vote: form_data(majority="two_thirds")),
    "vote-open": ("draft", lambda vote: {}),
    "vote-close": ("due", lambda vote: {}),
    "voter-add": (
        "open",
        lambda vote: {"staff_member": _staff_not_on_roll(vote).pk, "grounds": "Started today"},
    ),
    "voter-remove": ("open", lambda vote: {"grounds": "Left the school"}),
    "vote-void": ("lost", lambda vote: {"grounds": "The key folder was not restored"}),
}
POST_EXPECTED = [302, 403, 403, 302, 403, 403, 404, 404]


@pytest.mark.parametrize("name", POST_MATRIX)
def test_post_permission_matrix(client, request, agreed, name):
    """Every role in turn, the PMR last (the one whose post changes the vote)."""
    needs, data = POST_MATRIX[name]
    pmr = user("pmr")
    if needs == "none":
        vote = Vote(process=agreed, pk=0)
    elif needs == "draft":
        vote = create_vote(agreed, pmr)
    else:
        vote = vote_open(vote=create_vote(agreed, pmr), actor=pmr)
        if needs in ("due", "lost"):
            vote = past_closing(vote)
        if needs == "lost":
            keys.secrets_destroy(vote.key_id)
    payload = data(vote)
    url = _url(name, vote)
    order = sorted(zip(ROLES, POST_EXPECTED, strict=True), key=lambda pair: pair[0] == "pmr")
    for role, status in order:
        before = decisions(agreed).count()
        client.logout()
        member = _login(client, request, role)
        response = client.post(url, payload)
        assert response.status_code == status, (name, role)
        if member is None or status != 302:
            assert decisions(agreed).count() == before, (name, role)
        else:
            assert decisions(agreed).count() > before, (name, role)


@pytest.mark.parametrize(
    "name", ["vote-open", "vote-close", "voter-add", "voter-remove", "vote-void"]
)
def test_post_only_endpoints_refuse_get(client, pmr, open_vote, name):
    client.force_login(pmr)
    assert client.get(_url(name, open_vote)).status_code == 405


def test_a_vote_of_another_process_is_not_found(client, other_pmr, open_vote):
    client.force_login(other_pmr)
    assert client.get(reverse("voting:vote-result", args=[open_vote.pk + 1000])).status_code == 404


# --- the vote page -------------------------------------------------------------------------


def test_step_4_links_to_the_vote_page(client, pmr, agreed):
    assert ("The staff vote", "voting:vote-manage") in [
        (str(page.label), page.url_name) for page in registry.step_pages(4)
    ]
    client.force_login(pmr)
    response = client.get(reverse("processes:step-detail", args=[agreed.pk, 4]))
    assert reverse("voting:vote-manage", args=[agreed.pk]) in text(response)


def test_vote_page_without_a_vote_offers_to_prepare_it(client, pmr, agreed):
    client.force_login(pmr)
    response = client.get(reverse("voting:vote-manage", args=[agreed.pk]))
    assert "No vote has been prepared yet." in text(response)
    assert reverse("voting:vote-create", args=[agreed.pk]) in text(response)


def test_vote_page_shows_the_draft_with_its_agreement_rule_and_the_open_button(client, pmr, agreed):
    vote = create_vote(agreed, pmr, quorum_percentage=50, reminder_days=[3, 1])
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-manage", args=[agreed.pk])))
    assert vote.agreement.content_hash in page
    assert f"{reverse('processes:agreement', args=[agreed.pk])}?version=1" in page
    assert "being prepared" in page
    assert escape(rule_sentence(vote)) in page
    assert "at least 50% of the voters" in page
    assert "Days before closing: 3, 1;" in page
    assert reverse("voting:vote-edit", args=[vote.pk]) in page
    assert reverse("voting:vote-open", args=[vote.pk]) in page
    assert "the rule can no longer change" in page
    # Only one vote at a time: no button to prepare another.
    assert reverse("voting:vote-create", args=[agreed.pk]) not in page


def test_director_sees_the_vote_read_only(client, director, open_vote):
    client.force_login(director)
    page = text(client.get(reverse("voting:vote-manage", args=[open_vote.process_id])))
    assert "open until" in page
    assert 'data-testid="turnout"' in page
    for name in ("vote-close", "vote-roll", "paper-list", "token-sheets"):
        assert reverse(f"voting:{name}", args=[open_vote.pk]) not in page, name


def test_open_vote_page_links_roll_paper_and_sheets_and_polls_turnout(client, pmr, open_vote):
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-manage", args=[open_vote.process_id])))
    for name in ("vote-roll", "paper-list", "token-sheets"):
        assert reverse(f"voting:{name}", args=[open_vote.pk]) in page, name
    # Closing early is offered only once everyone on the roll has voted (issue 15, item 7).
    close = reverse("voting:vote-close", args=[open_vote.pk])
    assert close not in page
    cast_many(open_vote, ["yes"] * open_vote.voters.count())
    assert close in text(client.get(reverse("voting:vote-manage", args=[open_vote.process_id])))
    assert f'hx-get="{reverse("voting:vote-turnout", args=[open_vote.pk])}"' in page
    assert 'hx-trigger="every 30s"' in page


def test_a_vote_opened_before_its_opening_time_is_shown_as_scheduled(client, pmr, agreed):
    opens = timezone.now() + datetime.timedelta(days=1)
    vote = create_vote(agreed, pmr, opens_at=opens, closes_at=opens + datetime.timedelta(days=7))
    vote_open(vote=vote, actor=pmr)
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-manage", args=[agreed.pk])))
    assert "scheduled: opens on" in page


# --- preparing -----------------------------------------------------------------------------


def test_create_form_has_sensible_defaults(client, pmr, agreed):
    client.force_login(pmr)
    response = client.get(reverse("voting:vote-create", args=[agreed.pk]))
    form = response.context["form"]
    opens, closes = form.initial["opens_at"], form.initial["closes_at"]
    assert closes - opens > datetime.timedelta(days=6)
    assert (closes.hour, closes.minute) == (17, 0)
    assert form.initial["base"] == Vote.Base.VOTES_CAST
    assert form.initial["majority"] == "half"
    assert form.initial["reminder_days"] == [3, 1]
    # Day first on the 24-hour clock whatever the browser's language (issue 15, item 5).
    closing = timezone.localtime(closes).strftime("%d-%m-%Y %H:%M")
    assert f'value="{closing}"' in text(response)
    assert 'type="datetime-local"' not in text(response)


def test_create_prepares_round_1_with_the_rule_and_questions(client, pmr, agreed):
    client.force_login(pmr)
    response = client.post(
        reverse("voting:vote-create", args=[agreed.pk]),
        form_data(
            opens_at="2031-03-10T09:00",
            closes_at="2031-03-17T17:00",
            base=Vote.Base.YES_NO,
            majority="custom",
            numerator="3",
            denominator="5",
            quorum_percentage="40",
            reminder_days=["7", "1"],
            questions="The split of the budget?\n\n  The frameworks?  \n",
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("voting:vote-manage", args=[agreed.pk])
    vote = Vote.objects.get(process=agreed)
    assert vote.round == 1 and vote.state == Vote.State.DRAFT
    assert vote.opens_at == datetime.datetime(2031, 3, 10, 9, 0, tzinfo=AMSTERDAM)
    assert vote.closes_at == datetime.datetime(2031, 3, 17, 17, 0, tzinfo=AMSTERDAM)
    assert vote.rule == {"base": "yes_no", "majority": [3, 5], "quorum_percentage": 40}
    assert vote.reminder_days == [7, 1]
    assert [q.text for q in vote.questions.all()] == ["The split of the budget?", "The frameworks?"]
    assert decisions(agreed, "voting.vote.created").count() == 1


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"majority": "custom", "numerator": "1", "denominator": "3"}, "at least half"),
        ({"majority": "custom", "numerator": "3", "denominator": "2"}, "between 0 and 1"),
        ({"closes_at": "2020-01-01T12:00"}, "must close after it opens"),
        ({"majority": "custom"}, "Give the fraction for a custom majority."),
        ({"quorum_percentage": "150"}, "less than or equal to 100"),
        (
            {"questions": "\n".join(f"Question {i}" for i in range(11))},
            "at most 10 appreciation questions",
        ),
        ({"opens_at": "tomorrow"}, "Type the date and time as dd-mm-yyyy hh:mm"),
        ({"base": "everyone"}, "Select a valid choice."),
    ],
)
def test_invalid_create_saves_nothing_and_says_why(client, pmr, agreed, changes, message):
    client.force_login(pmr)
    before = decisions(agreed).count()
    response = client.post(reverse("voting:vote-create", args=[agreed.pk]), form_data(**changes))
    assert response.status_code == 400
    assert escape(message) in text(response)
    assert not Vote.objects.exists()
    assert decisions(agreed).count() == before


def test_create_refused_while_a_vote_is_being_prepared(client, pmr, draft):
    client.force_login(pmr)
    response = client.post(reverse("voting:vote-create", args=[draft.process_id]), form_data())
    assert response.status_code == 400
    assert "already being prepared or open" in text(response)
    assert Vote.objects.count() == 1


def test_edit_shows_the_vote_and_saves_the_new_rule(client, pmr, agreed):
    vote = create_vote(agreed, pmr, numerator=2, denominator=3, questions=["Q1"])
    client.force_login(pmr)
    url = reverse("voting:vote-edit", args=[vote.pk])
    form = client.get(url).context["form"]
    assert form.initial["majority"] == "two_thirds"
    assert form.initial["questions"] == "Q1"
    response = client.post(
        url,
        form_data(
            base=Vote.Base.ELIGIBLE, majority="half", quorum_percentage="50", questions="A\nB"
        ),
    )
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.rule == {"base": "eligible", "majority": [1, 2], "quorum_percentage": 50}
    assert [q.text for q in vote.questions.all()] == ["A", "B"]
    assert decisions(agreed, "voting.vote.rule_changed").count() == 1


def test_edit_refusal_keeps_the_rule(client, pmr, draft):
    client.force_login(pmr)
    response = client.post(
        reverse("voting:vote-edit", args=[draft.pk]),
        form_data(majority="custom", numerator="1", denominator="4"),
    )
    assert response.status_code == 400
    assert "at least half" in text(response)
    draft.refresh_from_db()
    assert draft.rule["majority"] == [1, 2]


def test_an_open_vote_cannot_be_edited(client, pmr, open_vote):
    client.force_login(pmr)
    url = reverse("voting:vote-edit", args=[open_vote.pk])
    for response in (client.get(url), client.post(url, form_data(majority="two_thirds"))):
        assert response.status_code == 302
    open_vote.refresh_from_db()
    assert open_vote.rule["majority"] == [1, 2]
    page = text(client.get(reverse("voting:vote-manage", args=[open_vote.process_id])))
    assert "cannot change once the vote has opened" in page


# --- opening and closing -------------------------------------------------------------------


def test_open_fixes_the_rule_and_draws_up_the_roll(client, pmr, draft):
    client.force_login(pmr)
    response = client.post(reverse("voting:vote-open", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.state == Vote.State.OPEN
    active = StaffMember.objects.filter(school=draft.process.school, active=True).count()
    assert draft.voters.count() == active
    assert "The vote is open" in text(response)
    assert decisions(draft.process, "voting.vote.opened").count() == 1


def test_open_refusal_is_shown(client, pmr, draft):
    Vote.objects.filter(pk=draft.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=2),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(pmr)
    response = client.post(reverse("voting:vote-open", args=[draft.pk]), follow=True)
    assert "The closing time has passed" in text(response)
    draft.refresh_from_db()
    assert draft.state == Vote.State.DRAFT and not draft.voters.exists()


def test_close_is_refused_before_the_closing_time(client, pmr, open_vote):
    cast_many(open_vote, ["yes"])
    client.force_login(pmr)
    response = client.post(reverse("voting:vote-close", args=[open_vote.pk]), follow=True)
    assert "still open until its closing time" in text(response)
    open_vote.refresh_from_db()
    assert open_vote.state == Vote.State.OPEN


def test_close_after_the_closing_time_shows_the_result(client, pmr, open_vote):
    cast_many(open_vote, ["yes", "yes", "no"])
    past_closing(open_vote)
    client.force_login(pmr)
    response = client.post(reverse("voting:vote-close", args=[open_vote.pk]))
    assert response.url == reverse("voting:vote-result", args=[open_vote.pk])
    open_vote.refresh_from_db()
    assert open_vote.state == Vote.State.CLOSED
    assert open_vote.outcome == Vote.Outcome.ADOPTED


def test_first_view_after_closing_closes_the_vote_and_moves_the_procedure(
    client, director, open_vote
):
    cast_many(open_vote, ["no", "no", "yes"])
    past_closing(open_vote)
    client.force_login(director)
    page = text(client.get(reverse("voting:vote-manage", args=[open_vote.process_id])))
    open_vote.refresh_from_db()
    assert open_vote.state == Vote.State.CLOSED
    assert open_vote.outcome == Vote.Outcome.REJECTED
    assert "closed on" in page and "Rejected" in page
    # A failed vote reopened steps 1-3, so step 4 waits again.
    assert open_vote.process.steps.get(number=4).state == "locked"


def test_a_rejected_round_stays_on_the_page_next_to_round_2(client, pmr, director, open_vote):
    cast_many(open_vote, ["no"])
    vote_close(vote=past_closing(open_vote), actor=pmr)
    process = open_vote.process
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-manage", args=[process.pk])))
    assert "Round 1" in page and "Rejected" in page
    # Step 4 waits for steps 1-3 again: nothing to prepare.
    assert reverse("voting:vote-create", args=[process.pk]) not in page

    for number in (1, 2, 3):
        sign_both(process, number, director, pmr)
    agreement.agreement_freeze(process=process, actor=pmr)
    page = text(client.get(reverse("voting:vote-manage", args=[process.pk])))
    assert "Prepare round 2" in page
    second = create_vote(process, pmr)
    page = text(client.get(reverse("voting:vote-manage", args=[process.pk])))
    assert "Round 2" in page and "Earlier rounds" in page
    assert page.count('data-testid="earlier-round"') == 1
    assert reverse("voting:vote-result", args=[open_vote.pk]) in page
    assert reverse("voting:vote-edit", args=[second.pk]) in page


# --- the result ----------------------------------------------------------------------------


def test_result_before_closing_shows_no_figures(client, open_vote):
    cast_many(open_vote, ["yes", "no"])
    client.force_login(user("docent"))
    response = client.get(reverse("voting:vote-result", args=[open_vote.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "The result appears here when the vote closes" in page
    assert 'data-testid="result-counts"' not in page
    assert "counted" not in response.context
    open_vote.refresh_from_db()
    assert open_vote.state == Vote.State.OPEN


def test_result_after_closing_shows_counts_rule_and_appreciation(client, agreed, pmr):
    vote = create_vote(
        agreed, pmr, quorum_percentage=1, questions=["The split?", "The frameworks?"]
    )
    vote_open(vote=vote, actor=pmr)
    voters = list(vote.voters.order_by("pk")[:4])
    for voter, choice, answers in zip(
        voters,
        ["yes", "yes", "no", "abstain"],
        [{"1": 5, "2": 2}, {"1": 4}, {"1": 4}, {}],
        strict=True,
    ):
        ballot_cast(vote=vote, voter=voter, choice=choice, appreciation=answers)
    past_closing(vote)
    # A staff member is the first to look after closing: that closes the vote.
    client.force_login(user("docent"))
    response = client.get(reverse("voting:vote-result", args=[vote.pk]))
    vote.refresh_from_db()
    assert vote.state == Vote.State.CLOSED
    page = text(response)
    eligible = vote.eligible_count
    assert f'data-testid="eligible">{eligible}<' in page
    assert 'data-testid="cast">4<' in page
    assert 'data-testid="yes">2<' in page
    assert 'data-testid="no">1<' in page
    assert 'data-testid="abstain">1<' in page
    turnout = response.context["turnout"].percentage
    assert f"{turnout}%" in page
    # 2 yes of 4 cast is not more than half.
    assert "Rejected" in page
    assert escape(rule_sentence(vote)) in page
    assert "Counted as 100%: 4 votes, of which 2 yes." in page
    assert "The quorum was met." in page
    rows = response.context["appreciation"]
    assert [r["average"] for r in rows] == ["4.33", "2.00"]
    assert [s["count"] for s in rows[0]["scores"]] == [0, 0, 0, 2, 1]
    assert "Average 4.33 (3 answers)" in page
    assert 'data-testid="score-4">2<' in page
    assert reverse("voting:receipt-check", args=[vote.pk]) in page


def test_result_shows_an_invalid_vote_without_quorum(client, agreed, pmr):
    vote = vote_open(vote=create_vote(agreed, pmr, quorum_percentage=50), actor=pmr)
    cast_many(vote, ["yes", "yes"])
    past_closing(vote)
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-result", args=[vote.pk])))
    assert "Invalid: quorum not met" in page
    assert "The quorum was not met" in page


# --- turnout -------------------------------------------------------------------------------


def test_turnout_shows_units_of_five_or_more_only(client, director, open_vote):
    voters = list(open_vote.voters.order_by("pk").values_list("pk", flat=True))
    Voter.objects.filter(pk__in=voters[:6]).update(unit_name="Big unit")
    Voter.objects.filter(pk__in=voters[6:9]).update(unit_name="Tiny unit")
    Voter.objects.filter(pk__in=voters[9:]).update(unit_name="")
    cast_many(open_vote, ["yes", "no", "yes", "abstain", "no", "yes", "yes", "no"])
    client.force_login(director)
    response = client.get(reverse("voting:vote-turnout", args=[open_vote.pk]))
    page = text(response)
    assert 'data-testid="turnout"' in page
    assert f"8 of {len(voters)} voted" in page
    assert "Big unit" in page
    assert "Tiny unit" not in page
    assert "1 unit is not shown separately" in page
    assert 'hx-trigger="every 30s"' in page


def test_turnout_of_a_closed_vote_stops_polling(client, pmr, open_vote):
    past_closing(open_vote)
    vote_close(vote=open_vote, actor=pmr)
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-turnout", args=[open_vote.pk])))
    assert 'data-testid="turnout"' in page
    assert "hx-trigger" not in page


# --- the roll ------------------------------------------------------------------------------


def test_roll_shows_who_voted_never_what(client, pmr, open_vote):
    cast_many(open_vote, ["yes", "no"])
    client.force_login(pmr)
    response = client.get(reverse("voting:vote-roll", args=[open_vote.pk]))
    page = text(response)
    total = open_vote.voters.count()
    assert f"2 of {total} voters have voted." in page
    assert page.count('data-testid="voter"') == total
    first = open_vote.voters.order_by("pk").first()
    assert escape(first.staff_member.name) in page
    # Those who voted have no remove form.
    voted = [v for v in response.context["voters"] if v.voted]
    assert len(voted) == 2
    for voter in voted:
        assert reverse("voting:voter-remove", args=[open_vote.pk, voter.pk]) not in page


def test_roll_add_records_the_decision(client, pmr, open_vote):
    member = _staff_not_on_roll(open_vote)
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-roll", args=[open_vote.pk])))
    assert f'value="{member.pk}"' in page
    response = client.post(
        reverse("voting:voter-add", args=[open_vote.pk]),
        {"staff_member": member.pk, "grounds": "Started on Monday"},
    )
    assert response.status_code == 302
    assert open_vote.voters.filter(staff_member=member).exists()
    decision = decisions(open_vote.process, "voting.roll.added").get()
    assert decision.grounds == "Started on Monday"


def test_roll_add_needs_grounds_and_someone_not_on_the_roll(client, pmr, open_vote):
    on_roll = open_vote.voters.first().staff_member
    client.force_login(pmr)
    url = reverse("voting:voter-add", args=[open_vote.pk])
    member = _staff_not_on_roll(open_vote)
    assert client.post(url, {"staff_member": member.pk, "grounds": ""}).status_code == 400
    assert client.post(url, {"staff_member": on_roll.pk, "grounds": "x"}).status_code == 400
    other = StaffMember.objects.exclude(school=open_vote.process.school).first()
    assert client.post(url, {"staff_member": other.pk, "grounds": "x"}).status_code == 400
    assert not decisions(open_vote.process, "voting.roll.added").exists()
    assert not open_vote.voters.filter(staff_member=member).exists()


def test_roll_remove_records_the_decision(client, pmr, open_vote):
    voter = open_vote.voters.order_by("pk").last()
    client.force_login(pmr)
    url = reverse("voting:voter-remove", args=[open_vote.pk, voter.pk])
    response = client.post(url, {"grounds": "Left the school"}, follow=True)
    assert "has been taken off the roll" in text(response)
    assert not Voter.objects.filter(pk=voter.pk).exists()
    assert decisions(open_vote.process, "voting.roll.removed").get().grounds == "Left the school"


def test_roll_remove_needs_grounds(client, pmr, open_vote):
    voter = open_vote.voters.order_by("pk").last()
    client.force_login(pmr)
    url = reverse("voting:voter-remove", args=[open_vote.pk, voter.pk])
    response = client.post(url, {"grounds": "  "}, follow=True)
    assert "Give the reason" in text(response)
    assert Voter.objects.filter(pk=voter.pk).exists()


def test_roll_remove_refused_after_voting(client, pmr, open_vote):
    cast_many(open_vote, ["yes"])
    voter = open_vote.voters.order_by("pk").first()
    client.force_login(pmr)
    url = reverse("voting:voter-remove", args=[open_vote.pk, voter.pk])
    response = client.post(url, {"grounds": "Mistake"}, follow=True)
    assert "has already voted" in text(response)
    assert Voter.objects.filter(pk=voter.pk).exists()
    assert not decisions(open_vote.process, "voting.roll.removed").exists()


def test_roll_remove_of_a_voter_of_another_vote_is_not_found(client, pmr, open_vote, agreed):
    client.force_login(pmr)
    url = reverse("voting:voter-remove", args=[open_vote.pk, 999999])
    assert client.post(url, {"grounds": "x"}).status_code == 404


def test_the_roll_of_a_closed_vote_is_read_only(client, pmr, open_vote):
    past_closing(open_vote)
    vote_close(vote=open_vote, actor=pmr)
    client.force_login(pmr)
    page = text(client.get(reverse("voting:vote-roll", args=[open_vote.pk])))
    assert reverse("voting:voter-add", args=[open_vote.pk]) not in page
    assert "Take off the roll" not in page
    member = _staff_not_on_roll(open_vote)
    response = client.post(
        reverse("voting:voter-add", args=[open_vote.pk]),
        {"staff_member": member.pk, "grounds": "x"},
        follow=True,
    )
    assert "only change while the vote is open" in text(response)
    assert not open_vote.voters.filter(staff_member=member).exists()


# --- query counts --------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_roll_query_count_does_not_grow_with_the_roll(client, pmr, open_vote):
    cast_many(open_vote, ["yes", "no", "abstain"])
    client.force_login(pmr)
    url = reverse("voting:vote-roll", args=[open_vote.pk])
    client.get(url)  # warm up session and caches
    large = _count(client, url)
    assert open_vote.voters.count() > 100
    Voter.objects.filter(vote=open_vote, participation__isnull=True).exclude(
        pk__in=open_vote.voters.order_by("pk").values_list("pk", flat=True)[:5]
    ).delete()
    assert open_vote.voters.count() < 10
    small = _count(client, url)
    assert small == large == 9  # 11 before issue 20: the reader's roles in one query


def test_vote_page_query_count_does_not_grow_with_voters_or_rounds(client, pmr, open_vote):
    client.force_login(pmr)
    url = reverse("voting:vote-manage", args=[open_vote.process_id])
    client.get(url)
    one_round = _count(client, url)
    cast_many(open_vote, ["no"] * 20)
    # 13 before issue 20 (roles: one query); + the vote's undelivered e-mails (issue 19)
    assert _count(client, url) == one_round == 12


# --- admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, agreed):
    admin = get_user_model().objects.get(email="admin@demo.werkdruk.nl")
    sign_in_admin(client, admin)
    return client


def test_admin_shows_votes_and_paper_batches_read_only(admin_client, open_vote):
    changelist = admin_client.get(reverse("admin:voting_vote_changelist"))
    assert changelist.status_code == 200
    assert str(open_vote.process.school) in text(changelist)
    detail = admin_client.get(reverse("admin:voting_vote_change", args=[open_vote.pk]))
    assert detail.status_code == 200
    assert admin_client.get(reverse("admin:voting_vote_add")).status_code == 403
    assert admin_client.get(reverse("admin:voting_paperbatch_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["ballot", "participation", "votertoken", "voter"])
def test_admin_has_nothing_on_ballots_participations_or_codes(admin_client, model):
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:voting_{model}_changelist")


def test_the_pmr_cancels_an_open_vote_with_grounds(client, open_vote, pmr, director):
    url = reverse("voting:vote-cancel", args=[open_vote.pk])
    cast_many(open_vote, ["yes"])
    client.force_login(director)
    assert client.post(url, {"grounds": "x"}).status_code == 403
    client.force_login(pmr)
    client.post(url, {"grounds": ""})
    open_vote.refresh_from_db()
    assert open_vote.state == Vote.State.OPEN

    response = client.post(url, {"grounds": "Wrong split"}, follow=True)

    open_vote.refresh_from_db()
    assert (open_vote.state, open_vote.outcome) == ("closed", "cancelled")
    assert "not counted" in text(response)
    result = client.get(reverse("voting:vote-result", args=[open_vote.pk]))
    assert result.status_code == 200
    assert "were not counted" in text(result)
    assert 'data-testid="yes"' not in text(result)


def test_item5_the_result_writes_averages_with_a_decimal_comma_in_dutch(
    client, agreed, pmr, settings
):
    """It said "Gemiddeld 4.33": the stored average is text, shown without localising it."""
    vote = create_vote(agreed, pmr, quorum_percentage=1, questions=["The split?"])
    vote_open(vote=vote, actor=pmr)
    for voter, score in zip(vote.voters.order_by("pk")[:3], [5, 4, 4], strict=True):
        ballot_cast(vote=vote, voter=voter, choice="yes", appreciation={"1": score})
    past_closing(vote)
    settings.LANGUAGE_CODE = "nl"
    client.force_login(pmr)
    with translation.override("nl"):
        page = text(client.get(reverse("voting:vote-result", args=[vote.pk])))
    assert "Gemiddeld 4,33 (3 antwoorden)" in page
