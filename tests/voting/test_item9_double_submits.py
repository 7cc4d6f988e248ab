"""Issue 14, item 9: a paper-ballot form sent twice (double click, reload) is entered once.

The forms carry a one-time token (``werkdruk.submissions``); the same form sent again goes to
the first request's page with "This was already saved." instead of an error page.
"""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from processes.models import Decision
from tests.submissions import send_twice
from voting.models import PaperBatch, Vote
from werkdruk.models import FormSubmission
from werkdruk.submissions import TOKEN_FIELD

from . import test_views_manage as manage_tests
from .test_views_paper import (  # noqa: F401 (fixtures)
    batch,
    confirm_url,
    counts,
    enter_url,
    entry,
    list_url,
    pmr2,
    roll,
)

pytestmark = pytest.mark.django_db

ALREADY_SAVED = "This was already saved."
TOKEN = re.compile(rf'name="{TOKEN_FIELD}" value="([\w-]+)"')


def token_of(page) -> str:
    found = TOKEN.findall(page.content.decode())
    assert len(found) == 1, found
    return found[0]


def shown(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_item9_the_entry_form_carries_a_fresh_token_each_time(client, open_vote, pmr):
    client.force_login(pmr)
    first, second = (token_of(client.get(list_url(open_vote))) for _ in range(2))
    assert first != second


def test_item9_five_identical_entries_make_one_batch_and_five_redirects(client, open_vote, pmr):
    client.force_login(pmr)
    token = token_of(client.get(list_url(open_vote)))
    data = {**entry(roll(open_vote, 3), 2, 1, description="Staff meeting"), TOKEN_FIELD: token}

    responses = [client.post(enter_url(open_vote), data) for _ in range(5)]

    assert [r.status_code for r in responses] == [302] * 5
    assert {r.url for r in responses} == {list_url(open_vote)}
    assert ALREADY_SAVED not in shown(responses[0])
    for response in responses[1:]:
        assert ALREADY_SAVED in shown(response)
    assert PaperBatch.objects.filter(vote=open_vote).count() == 1
    page = client.get(list_url(open_vote))
    assert ALREADY_SAVED in page.content.decode()
    assert "Already on an entry waiting" not in page.content.decode()


def test_item9_another_users_token_does_not_replay(client, open_vote, pmr, pmr2):  # noqa: F811
    voters = roll(open_vote, 3)
    data = {**entry(voters, 2, 1), TOKEN_FIELD: "a" * 32}
    client.force_login(pmr)
    assert client.post(enter_url(open_vote), data).status_code == 302
    assert ALREADY_SAVED in shown(client.post(enter_url(open_vote), data))

    # The same token from someone else is their own form: it runs, and the rule refuses it.
    client.force_login(pmr2)
    response = client.post(enter_url(open_vote), data)
    assert response.status_code == 400
    assert "Already on an entry waiting for the second teller" in response.content.decode()
    assert PaperBatch.objects.filter(vote=open_vote).count() == 1


def test_item9_a_refused_entry_releases_its_token(client, open_vote, pmr):
    client.force_login(pmr)
    voters = roll(open_vote, 3)
    token = {TOKEN_FIELD: token_of(client.get(list_url(open_vote)))}

    wrong = {**entry(voters, 2, 0), **token}  # two ballots for three voters
    for _ in range(2):  # a refused form sent again is refused again, not "already saved"
        response = client.post(enter_url(open_vote), wrong)
        assert response.status_code == 400
        assert "Ballots counted: 2; voters ticked: 3." in response.content.decode()
    assert not FormSubmission.objects.exists()

    corrected = {**entry(voters, 2, 1), **token}
    assert client.post(enter_url(open_vote), corrected).status_code == 302
    again = client.post(enter_url(open_vote), corrected)
    assert (again.status_code, again.url) == (302, list_url(open_vote))
    assert ALREADY_SAVED in shown(again)
    assert PaperBatch.objects.filter(vote=open_vote).count() == 1


def test_item9_other_input_with_a_used_token_is_not_taken_for_a_repeat(client, open_vote, pmr):
    """A page used again after "back", with other voters ticked: a new entry, not a repeat."""
    client.force_login(pmr)
    token = {TOKEN_FIELD: token_of(client.get(list_url(open_vote)))}
    client.post(enter_url(open_vote), {**entry(roll(open_vote, 2), 2), **token})
    response = client.post(
        enter_url(open_vote), {**entry(roll(open_vote, 1, offset=2), 1), **token}
    )
    assert response.status_code == 302
    assert ALREADY_SAVED not in shown(response)
    assert PaperBatch.objects.filter(vote=open_vote).count() == 2


def test_item9_an_entry_without_a_token_behaves_as_before(client, open_vote, pmr):
    client.force_login(pmr)
    data = entry(roll(open_vote, 3), 2, 1)
    responses = [client.post(enter_url(open_vote), data) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 400, 400]
    assert "Already on an entry waiting" in responses[1].content.decode()
    assert PaperBatch.objects.filter(vote=open_vote).count() == 1
    assert not FormSubmission.objects.exists()


def test_item9_a_confirmation_sent_twice_confirms_once(client, open_vote, batch, pmr2):  # noqa: F811
    """The second teller double-clicks "confirm"."""
    client.force_login(pmr2)
    token = {TOKEN_FIELD: token_of(client.get(confirm_url(batch)))}
    first = client.post(confirm_url(batch), {**counts(2, 1), **token})
    second = client.post(confirm_url(batch), {**counts(2, 1), **token})
    assert (first.status_code, first.url) == (302, list_url(open_vote))
    assert (second.status_code, second.url) == (302, list_url(open_vote))
    assert ALREADY_SAVED in shown(second)
    batch.refresh_from_db()
    assert batch.state == PaperBatch.State.CONFIRMED
    assert open_vote.ballots.count() == 3


# --- the other creating forms of the vote ---------------------------------------------------


def test_item9_a_vote_prepared_twice_is_one_vote(client, agreed, pmr):
    client.force_login(pmr)
    prepare = reverse("voting:vote-create", args=[agreed.pk])
    send_twice(client, page=prepare, action=prepare, data=manage_tests.form_data())
    assert Vote.objects.filter(process=agreed).count() == 1


def test_item9_a_voter_added_twice_is_added_once(client, open_vote, pmr):
    client.force_login(pmr)
    member = manage_tests._staff_not_on_roll(open_vote)
    send_twice(
        client,
        page=reverse("voting:vote-roll", args=[open_vote.pk]),
        action=reverse("voting:voter-add", args=[open_vote.pk]),
        data={"staff_member": member.pk, "grounds": "Started today"},
    )
    assert open_vote.voters.filter(staff_member=member).count() == 1
    assert Decision.objects.filter(action="voting.roll.added").count() == 1
