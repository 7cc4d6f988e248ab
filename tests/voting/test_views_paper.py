"""Paper ballots entered by two PMR tellers, and printed token sheets: pages and permissions."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from pypdf import PdfReader

from processes.models import School, SchoolRole
from tests.factories import SchoolRoleFactory, UserFactory
from tests.fixtures.ballots import opened_ballots
from tests.pdf_layout import capture_documents, layout_problems
from voting.models import Ballot, PaperBatch, Participation, Vote, VoterToken
from voting.services.casting import voter_for_token, voter_token_issue
from voting.services.closing import vote_close
from voting.services.paper import paper_batch_confirm, paper_batch_enter
from werkdruk.exceptions import DomainError

from .conftest import cast_many, past_closing, user

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}")

ROLES = ["anonymous", "teacher", "director", "other_pmr", "pmr", "pmr2"]


@pytest.fixture
def pmr2(agreed):
    return user("pmr2")


@pytest.fixture
def teacher(agreed):
    return user("docent")


@pytest.fixture
def other_pmr(agreed):
    """A PMR member of the board's other school."""
    other = UserFactory()
    SchoolRoleFactory(user=other, school=School.objects.get(brin="34CD"), role=SchoolRole.Role.PMR)
    return other


def login(client, request, role):
    if role == "anonymous":
        return None
    account = request.getfixturevalue(role)
    client.force_login(account)
    return account


def roll(vote, count, offset=0):
    """``count`` voters who have not voted, by pk (demo users left out: they act)."""
    return list(
        vote.voters.filter(participation__isnull=True, staff_member__user__isnull=True).order_by(
            "pk"
        )[offset : offset + count]
    )


def stored(vote):
    """What the vote holds, to prove that a refused request changed nothing."""
    return (
        sorted(
            PaperBatch.objects.filter(vote=vote).values_list(
                "pk", "state", "ballot_count", "confirmed_by"
            )
        ),
        sorted(PaperBatch.voters.through.objects.values_list("paperbatch_id", "voter_id")),
        Participation.objects.filter(voter__vote=vote).count(),
        sorted(ballot["c"] for ballot in opened_ballots(vote)),
        sorted(VoterToken.objects.filter(voter__vote=vote).values_list("token_hash", flat=True)),
    )


@pytest.fixture
def batch(open_vote, pmr):
    """Three paper ballots (2 yes, 1 no) entered by the first teller, pmr@demo."""
    return paper_batch_enter(
        vote=open_vote,
        actor=pmr,
        voters=roll(open_vote, 3),
        yes=2,
        no=1,
        abstain=0,
        description="Staff meeting",
    )


def list_url(vote):
    return reverse("voting:paper-list", args=[vote.pk])


def enter_url(vote):
    return reverse("voting:paper-enter", args=[vote.pk])


def confirm_url(batch):
    return reverse("voting:paper-confirm", args=[batch.vote_id, batch.pk])


def discard_url(batch):
    return reverse("voting:paper-discard", args=[batch.vote_id, batch.pk])


def sheets_url(vote):
    return reverse("voting:token-sheets", args=[vote.pk])


def entry(voters, yes, no=0, abstain=0, description=""):
    return {
        "voters": [v.pk for v in voters],
        "yes": yes,
        "no": no,
        "abstain": abstain,
        "description": description,
    }


def counts(yes, no=0, abstain=0):
    return {"yes": yes, "no": no, "abstain": abstain}


def main_text(response) -> str:
    """The visible text of the page's main element, tags removed."""
    html = response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def pdf_pages(response) -> list[str]:
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


# --- who may do what -------------------------------------------------------------------

PMR_ONLY = {"anonymous": 302, "teacher": 403, "director": 403, "other_pmr": 404}


@pytest.mark.parametrize("page", ["paper-list", "paper-confirm", "token-sheets"])
@pytest.mark.parametrize("role", ROLES)
def test_get_permission_matrix(client, request, open_vote, batch, page, role):
    login(client, request, role)
    url = {
        "paper-list": list_url(open_vote),
        "paper-confirm": confirm_url(batch),
        "token-sheets": sheets_url(open_vote),
    }[page]
    response = client.get(url)
    assert response.status_code == PMR_ONLY.get(role, 200), (page, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def _post(name, vote, batch):
    return {
        "paper-enter": (enter_url(vote), entry(roll(vote, 2, offset=3), 1, 1)),
        "paper-confirm": (confirm_url(batch), counts(2, 1)),
        "paper-discard": (discard_url(batch), {}),
        "token-sheets": (sheets_url(vote), {"voters": [roll(vote, 1)[0].pk]}),
    }[name]


# The first teller (pmr) may not confirm their own entry: refused on the page (400).
POST_OK = {
    "paper-enter": {"pmr": 302, "pmr2": 302},
    "paper-confirm": {"pmr": 400, "pmr2": 302},
    "paper-discard": {"pmr": 302, "pmr2": 302},
    "token-sheets": {"pmr": 200, "pmr2": 200},
}


@pytest.mark.parametrize("name", list(POST_OK))
@pytest.mark.parametrize("role", ROLES)
def test_post_permission_matrix(client, request, open_vote, batch, name, role):
    login(client, request, role)
    url, data = _post(name, open_vote, batch)
    before = stored(open_vote)
    response = client.post(url, data)
    expected = POST_OK[name].get(role) or PMR_ONLY[role]
    assert response.status_code == expected, (name, role)
    if expected in (200, 302) and role != "anonymous":
        assert stored(open_vote) != before, name
    else:
        assert stored(open_vote) == before, name


@pytest.mark.parametrize(
    "name", ["paper-list", "paper-enter", "paper-confirm", "paper-discard", "token-sheets"]
)
def test_a_missing_vote_or_batch_is_not_found(client, open_vote, batch, pmr, name):
    client.force_login(pmr)
    args = {
        "paper-confirm": [open_vote.pk, batch.pk + 1000],
        "paper-discard": [open_vote.pk, batch.pk + 1000],
    }.get(name, [open_vote.pk + 1000])
    method = client.get if name in ("paper-list", "paper-confirm", "token-sheets") else client.post
    assert method(reverse(f"voting:{name}", args=args)).status_code == 404


@pytest.mark.parametrize("name", ["paper-enter", "paper-discard"])
def test_actions_refuse_get(client, open_vote, batch, pmr, name):
    client.force_login(pmr)
    url = enter_url(open_vote) if name == "paper-enter" else discard_url(batch)
    before = stored(open_vote)
    assert client.get(url).status_code == 405
    assert stored(open_vote) == before


# --- two tellers ------------------------------------------------------------------------


def test_two_tellers_add_the_ballots_only_when_their_counts_match(client, open_vote, pmr, pmr2):
    voters = roll(open_vote, 3)
    client.force_login(pmr)
    page = client.get(list_url(open_vote))
    assert page.status_code == 200
    for voter in voters:
        assert escape(voter.staff_member.name) in page.content.decode()

    # The first teller ticks three voters and counts 2 yes, 1 no: nothing is counted yet.
    response = client.post(
        enter_url(open_vote), entry(voters, 2, 1, description="Staff meeting"), follow=True
    )
    assert response.redirect_chain[-1][0] == list_url(open_vote)
    assert "3 paper ballots entered" in response.content.decode()
    batch = PaperBatch.objects.get(vote=open_vote)
    assert batch.state == PaperBatch.State.PENDING
    assert set(batch.voters.all()) == set(voters)
    assert not Participation.objects.filter(voter__vote=open_vote).exists()
    assert not Ballot.objects.filter(vote=open_vote).exists()

    # The same person cannot be the second teller.
    page = client.get(confirm_url(batch))
    assert page.status_code == 200
    assert "You entered these ballots yourself" in page.content.decode()
    assert 'data-testid="paper-confirm"' not in page.content.decode()
    before = stored(open_vote)
    response = client.post(confirm_url(batch), counts(2, 1))
    assert response.status_code == 400
    assert "The second teller must be a different PMR member" in response.content.decode()
    assert stored(open_vote) == before

    # The second teller sees the names and the number of ballots, types other counts: refused.
    client.force_login(pmr2)
    page = client.get(confirm_url(batch))
    assert page.status_code == 200
    for voter in voters:
        assert escape(voter.staff_member.name) in page.content.decode()
    assert 'data-testid="ballot-count">3<' in page.content.decode()
    response = client.post(confirm_url(batch), counts(1, 2))
    assert response.status_code == 400
    assert "Your counts differ from the first teller" in response.content.decode()
    assert stored(open_vote) == before

    # Equal counts: the voters are marked as voted and the ballots added, without names.
    response = client.post(confirm_url(batch), counts(2, 1), follow=True)
    assert response.redirect_chain[-1][0] == list_url(open_vote)
    assert "3 paper ballots have been added" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.CONFIRMED
    assert (batch.entered_by, batch.confirmed_by) == (pmr, pmr2)
    assert not batch.voters.exists()
    assert {p.voter for p in Participation.objects.filter(voter__vote=open_vote)} == set(voters)
    ballots = opened_ballots(open_vote)
    assert sorted(ballot["c"] for ballot in ballots) == ["no", "yes", "yes"]
    assert {ballot["r"] for ballot in ballots} == {None}

    # The list shows the counted entry with both tellers; the voters are no longer listed.
    counted = response.content.decode()
    table = counted[counted.index('data-testid="counted"') :]
    assert escape(pmr.name) in table and escape(pmr2.name) in table
    for voter in voters:
        assert f'value="{voter.pk}"' not in counted


def test_the_second_teller_does_not_see_the_first_count(client, open_vote, pmr, pmr2):
    paper_batch_enter(vote=open_vote, actor=pmr, voters=roll(open_vote, 13), yes=7, no=5, abstain=1)
    client.force_login(pmr2)
    batch = PaperBatch.objects.get(vote=open_vote)
    listed = main_text(client.get(list_url(open_vote)))
    pending = listed[listed.index("Waiting for the second teller") : listed.index("Counted")]
    confirm = main_text(client.get(confirm_url(batch)))
    for text in (pending, confirm):
        assert re.search(r"\b13\b", text)  # the number of ballots is shown
        assert not re.search(r"\b[75]\b", text), text  # the yes and no counts are not


def test_a_confirmed_batch_is_not_confirmed_again(client, open_vote, batch, pmr2):
    paper_batch_confirm(batch=batch, actor=pmr2, **counts(2, 1))
    client.force_login(pmr2)
    before = stored(open_vote)
    response = client.post(confirm_url(batch), counts(2, 1), follow=True)
    assert "already been counted" in response.content.decode()
    assert stored(open_vote) == before


def test_entry_counts_must_match_the_ticked_voters(client, open_vote, pmr):
    client.force_login(pmr)
    voters = roll(open_vote, 3)
    response = client.post(enter_url(open_vote), entry(voters, 2, 0, 0))
    assert response.status_code == 400
    assert "Ballots counted: 2; voters ticked: 3." in response.content.decode()
    assert not PaperBatch.objects.exists()
    # The ticked voters stay ticked for the correction.
    for voter in voters:
        assert re.search(rf'value="{voter.pk}" id="[\w-]+" checked', response.content.decode())


def test_entry_names_who_has_already_voted(client, open_vote, pmr):
    cast_many(open_vote, ["yes"])
    voted = open_vote.voters.order_by("pk").first()
    client.force_login(pmr)
    response = client.post(enter_url(open_vote), entry([voted, *roll(open_vote, 1)], 2))
    assert response.status_code == 400
    assert "Already voted, so they cannot hand in a paper ballot" in response.content.decode()
    assert escape(voted.staff_member.name) in response.content.decode()
    assert not PaperBatch.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"yes": 1, "no": 0, "abstain": 0}, "Tick the voters who handed in a paper ballot."),
        ({"voters": ["x"], "yes": 1, "no": 0, "abstain": 0}, "Someone ticked is not on the roll"),
        ({"voters": [], "yes": -1, "no": 0, "abstain": 0}, "greater than or equal to 0"),
        ({"voters": [], "yes": "", "no": 0, "abstain": 0}, "This field is required."),
    ],
)
def test_entry_refuses_invalid_input(client, open_vote, pmr, data, message):
    client.force_login(pmr)
    response = client.post(enter_url(open_vote), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PaperBatch.objects.exists()


def test_entry_refuses_an_unknown_voter(client, open_vote, pmr):
    client.force_login(pmr)
    response = client.post(enter_url(open_vote), {"voters": [10**6], **counts(1)})
    assert response.status_code == 400
    assert "Someone ticked is not on the roll" in response.content.decode()


def test_the_list_marks_voters_already_on_a_pending_entry(client, open_vote, batch, pmr2):
    client.force_login(pmr2)
    html = client.get(list_url(open_vote)).content.decode()
    assert html.count("already on an entry waiting for confirmation") == 3
    assert "Confirm as second teller" in html


def test_the_first_teller_sees_no_confirm_button(client, open_vote, batch, pmr):
    client.force_login(pmr)
    html = client.get(list_url(open_vote)).content.decode()
    assert "Confirm as second teller" not in html
    assert "Another PMR member confirms this entry." in html


def test_a_pending_entry_can_be_discarded(client, open_vote, batch, pmr2):
    client.force_login(pmr2)
    response = client.post(discard_url(batch), follow=True)
    assert "The entry has been discarded" in response.content.decode()
    assert not PaperBatch.objects.filter(pk=batch.pk).exists()
    assert not Participation.objects.filter(voter__vote=open_vote).exists()


def test_a_counted_entry_cannot_be_discarded(client, open_vote, batch, pmr, pmr2):
    paper_batch_confirm(batch=batch, actor=pmr2, **counts(2, 1))
    client.force_login(pmr)
    before = stored(open_vote)
    response = client.post(discard_url(batch), follow=True)
    assert "Counted paper ballots cannot be discarded." in response.content.decode()
    assert stored(open_vote) == before


def test_no_paper_entry_when_the_vote_takes_no_ballots(client, open_vote, batch, pmr, pmr2):
    past_closing(open_vote)
    client.force_login(pmr)
    page = client.get(list_url(open_vote))
    assert "This vote is not open." in page.content.decode()
    assert 'data-testid="paper-enter"' not in page.content.decode()
    before = stored(open_vote)
    response = client.post(enter_url(open_vote), entry(roll(open_vote, 1, offset=3), 1))
    assert response.status_code == 400
    assert "This vote is not open." in response.content.decode()

    client.force_login(pmr2)
    page = client.get(confirm_url(batch))
    assert "This vote is not open." in page.content.decode()
    assert 'data-testid="paper-confirm"' not in page.content.decode()
    response = client.post(confirm_url(batch), counts(2, 1))
    assert response.status_code == 400
    assert stored(open_vote) == before


def test_no_paper_entry_before_the_vote_opens(client, draft, pmr):
    client.force_login(pmr)
    page = client.get(list_url(draft))
    assert page.status_code == 200
    assert 'data-testid="not-accepting"' in page.content.decode()
    assert 'data-testid="paper-enter"' not in page.content.decode()


def test_the_pages_need_a_fixed_number_of_queries(
    client, open_vote, batch, pmr, pmr2, django_assert_num_queries
):
    """However many entries and voters: session, user, vote, process (3), roles (3), then
    the page's own reads (batches, voters, pending names / sheets printed)."""
    paper_batch_confirm(batch=batch, actor=pmr2, **counts(2, 1))
    for offset in (3, 6):
        paper_batch_enter(
            vote=open_vote,
            actor=pmr,
            voters=roll(open_vote, 2, offset=offset),
            yes=2,
            no=0,
            abstain=0,
        )
    voter_token_issue(voter=roll(open_vote, 1)[0], channel=VoterToken.Channel.SHEET)
    client.force_login(pmr2)
    pending = PaperBatch.objects.filter(state=PaperBatch.State.PENDING).first()
    for url, queries in (  # 2 fewer each since issue 20: the reader's roles in one query
        (list_url(open_vote), 10),
        (confirm_url(pending), 9),
        (sheets_url(open_vote), 9),
    ):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


# --- token sheets ---------------------------------------------------------------------


def test_the_sheet_page_lists_who_has_not_voted_none_ticked(client, open_vote, pmr):
    cast_many(open_vote, ["yes"])
    voted = open_vote.voters.order_by("pk").first()
    client.force_login(pmr)
    response = client.get(sheets_url(open_vote))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{voted.pk}"' not in html
    assert html.count('name="voters"') == open_vote.voters.count() - 1
    assert " checked" not in html
    assert "replaces their earlier sheet" in html
    assert not CODE.search(html)
    assert not VoterToken.objects.exists()  # a GET issues nothing


def test_sheets_are_a_pdf_with_a_working_code_per_voter(client, open_vote, pmr, settings):
    settings.SITE_URL = "https://werkdruk.example"
    voters = roll(open_vote, 2)
    client.force_login(pmr)
    response = client.post(sheets_url(open_vote), {"voters": [v.pk for v in voters]})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    pages = pdf_pages(response)
    assert len(pages) == 2  # one page per voter
    for voter, text in zip(voters, pages, strict=True):
        assert voter.staff_member.name in text
        assert "https://werkdruk.example" + reverse("voting:code-entry") in text
        assert open_vote.process.school.name in text
        codes = CODE.findall(text)
        assert len(set(codes)) == 1, text
        assert voter_for_token(vote=open_vote, token=codes[0]) == voter
    rows = VoterToken.objects.filter(voter__in=voters)
    assert set(rows.values_list("channel", flat=True)) == {VoterToken.Channel.SHEET}
    assert rows.count() == 2


def test_the_qr_code_is_drawn_inline(client, open_vote, pmr):
    """The sheet's HTML carries the QR code as inline SVG: nothing is fetched."""
    from voting.views.paper import _qr_svg

    svg = _qr_svg("https://werkdruk.example/vote/code/ABCD-EFGH-JKLM-NPQR-STUV/")
    assert svg.startswith("<svg") and "<path" in svg and "href" not in svg


def test_item1_the_sheets_pdf_is_clean_page_by_page(client, open_vote, pmr, settings):
    """Issue 15, item 1: one sheet per page, nothing past the margin."""
    settings.SITE_URL = "https://werkdruk.voorbeeldschoolbestuur.example.org/werkdruk"
    voters = roll(open_vote, 3)
    client.force_login(pmr)
    with capture_documents() as captured:
        response = client.post(sheets_url(open_vote), {"voters": [v.pk for v in voters]})
    assert response.status_code == 200
    ((template, document),) = captured
    assert len(document.pages) == 3
    assert layout_problems(document, template) == []


def test_a_reprinted_sheet_replaces_the_earlier_one(client, open_vote, pmr):
    voter = roll(open_vote, 1)[0]
    emailed = voter_token_issue(voter=voter)
    client.force_login(pmr)
    first = CODE.findall(pdf_pages(client.post(sheets_url(open_vote), {"voters": [voter.pk]}))[0])
    second = CODE.findall(pdf_pages(client.post(sheets_url(open_vote), {"voters": [voter.pk]}))[0])

    assert first[0] != second[0]
    with pytest.raises(DomainError):
        voter_for_token(vote=open_vote, token=first[0])
    assert voter_for_token(vote=open_vote, token=second[0]) == voter
    assert voter_for_token(vote=open_vote, token=emailed) == voter  # e-mail unaffected
    html = client.get(sheets_url(open_vote)).content.decode()
    assert html.count("has a voting sheet: a new one replaces it") == 1


def test_the_sheet_is_in_the_school_language(client, open_vote, pmr, settings):
    settings.LANGUAGE_CODE = "nl"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the PMR member reads English
    client.force_login(pmr)
    voter = roll(open_vote, 1)[0]
    text = pdf_pages(client.post(sheets_url(open_vote), {"voters": [voter.pk]}))[0]
    closes = timezone.localtime(open_vote.closes_at)
    with translation.override("nl"):
        dutch = formats.date_format(closes, "DATETIME_FORMAT")
    with translation.override("en"):
        english = formats.date_format(closes, "DATETIME_FORMAT")
    assert dutch != english
    assert dutch in text and english not in text


@pytest.mark.parametrize("which", ["none", "voted", "unknown"])
def test_sheets_are_refused_for_no_one_or_someone_who_cannot_vote(client, open_vote, pmr, which):
    cast_many(open_vote, ["no"])
    voted = open_vote.voters.order_by("pk").first()
    data = {"none": {}, "voted": {"voters": [voted.pk]}, "unknown": {"voters": [10**6]}}[which]
    client.force_login(pmr)
    response = client.post(sheets_url(open_vote), data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not VoterToken.objects.exists()


def test_sheets_are_refused_once_the_vote_is_closed(client, open_vote, pmr):
    voter = roll(open_vote, 1)[0]
    vote_close(vote=past_closing(open_vote), actor=pmr)
    assert Vote.objects.get(pk=open_vote.pk).state == Vote.State.CLOSED
    client.force_login(pmr)
    page = client.get(sheets_url(open_vote))
    assert "This vote is closed" in page.content.decode()
    assert 'data-testid="token-sheets"' not in page.content.decode()
    response = client.post(sheets_url(open_vote), {"voters": [voter.pk]})
    assert response.status_code == 400
    assert "This vote is closed." in response.content.decode()
    assert not VoterToken.objects.filter(channel=VoterToken.Channel.SHEET).exists()
