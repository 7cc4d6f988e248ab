"""Issue 14 item 4, the stronger option: the key split over key holders (any two count).

The server never holds the private key: at opening each holder takes over a share (shown once,
typed back), the vote takes ballots only once all have done so, and two holders type their
shares in again to count.
"""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from processes.models import Decision
from processes.selectors import dashboard_for_user
from voting import keys, sealing
from voting.models import KeyHolder, Vote
from voting.sealing import ShareError
from voting.services.closing import vote_close, vote_void
from voting.services.custody import (
    SharesNeeded,
    key_share_collect,
    key_share_enter,
    key_share_for_holder,
)
from voting.services.messages import votes_tick
from voting.services.paper import paper_batch_enter
from voting.services.vote import vote_open, vote_update_rule
from werkdruk.exceptions import DomainError

from .conftest import cast_many, create_vote, past_closing, user

pytestmark = pytest.mark.django_db

HOLDERS = ["pmr", "pmr2", "directeur"]


@pytest.fixture
def holders(agreed):
    return [user(name) for name in HOLDERS]


@pytest.fixture
def split_vote(agreed, pmr, holders, django_capture_on_commit_callbacks):
    draft = create_vote(agreed, pmr, key_custody=Vote.KeyCustody.HOLDERS, key_holders=holders)
    with django_capture_on_commit_callbacks(execute=True):
        return vote_open(vote=draft, actor=pmr)


def shares(vote) -> dict[str, str]:
    """Each holder's share, as the holder's page shows it (before taking it over)."""
    return {
        holder.user.email.split("@")[0]: key_share_for_holder(vote=vote, user=holder.user)
        for holder in KeyHolder.objects.filter(vote=vote).select_related("user")
    }


def take_over_all(vote, codes, capture):
    for name, code in codes.items():
        with capture(execute=True):
            key_share_collect(vote=vote, actor=user(name), typed=code)
    return Vote.objects.get(pk=vote.pk)


def files(vote):
    return sorted(p.name.split(".", 1)[1] for p in keys.key_dir().glob(f"{vote.key_id}.*"))


def test_item4_key_holders_are_two_to_five_pmr_members_or_directors(agreed, pmr, holders):
    with pytest.raises(DomainError, match="2 to 5 key holders"):
        create_vote(agreed, pmr, key_custody="holders", key_holders=holders[:1])
    with pytest.raises(DomainError, match="PMR members or directors"):
        create_vote(agreed, pmr, key_custody="holders", key_holders=[pmr, user("docent")])
    vote = create_vote(agreed, pmr, key_custody="holders", key_holders=holders)
    assert [h.user for h in vote.key_holders.order_by("position")] == holders
    decision = Decision.objects.get(action="voting.vote.created")
    assert decision.content["key_custody"] == "holders"
    assert len(decision.content["key_holders"]) == 3


def test_item4_changing_the_rule_without_naming_the_key_keeps_the_key_holders(agreed, pmr, holders):
    vote = create_vote(agreed, pmr, key_custody="holders", key_holders=holders)
    rule = {"opens_at": vote.opens_at, "closes_at": vote.closes_at, "base": "yes_no"}
    vote = vote_update_rule(vote=vote, actor=pmr, numerator=1, denominator=2, **rule)
    assert vote.key_custody == "holders"
    assert [h.user for h in vote.key_holders.order_by("position")] == holders


def test_item4_at_opening_the_key_is_split_and_never_stored_whole(split_vote):
    vote = Vote.objects.get(pk=split_vote.pk)
    assert vote.public_key and not vote.keys_ready
    assert files(vote) == ["handover-1", "handover-2", "handover-3", "mac"]
    codes = shares(vote)
    assert sealing.public_key_of(sealing.shares_combine([codes["pmr"], codes["directeur"]])) == (
        vote.public_key
    )


def test_item4_no_ballots_and_no_invitations_until_every_holder_took_over(split_vote):
    assert not [m for m in mail.outbox if "vote/code/" in m.body]
    with pytest.raises(DomainError, match="key holder"):
        cast_many(split_vote, ["yes"])


def test_item4_taking_over_needs_the_exact_share_and_deletes_the_servers_copy(
    split_vote, django_capture_on_commit_callbacks
):
    codes = shares(split_vote)
    with pytest.raises(ShareError):
        key_share_collect(vote=split_vote, actor=user("pmr"), typed=codes["pmr2"])
    last = codes["pmr"][-1]
    one_letter_off = codes["pmr"][:-1] + ("B" if last == "A" else "A")
    with pytest.raises(ShareError):
        key_share_collect(vote=split_vote, actor=user("pmr"), typed=one_letter_off)

    with django_capture_on_commit_callbacks(execute=True):
        key_share_collect(vote=split_vote, actor=user("pmr"), typed=codes["pmr"].lower())

    assert "handover-1" not in files(split_vote)
    assert key_share_for_holder(vote=split_vote, user=user("pmr")) is None
    assert not Vote.objects.get(pk=split_vote.pk).keys_ready
    assert Decision.objects.filter(action="voting.key.share_taken_over").count() == 1


def test_item4_only_a_key_holder_sees_or_takes_over_a_share(split_vote):
    codes = shares(split_vote)
    outsider = user("stuurgroep")
    with pytest.raises(DomainError):
        key_share_for_holder(vote=split_vote, user=outsider)
    with pytest.raises(DomainError):
        key_share_collect(vote=split_vote, actor=outsider, typed=codes["pmr"])


def test_item4_after_the_hand_over_the_vote_takes_ballots_and_invites_everyone(
    split_vote, django_capture_on_commit_callbacks
):
    # The invitations are a Celery task, run eagerly in unit tests (tests/conftest.py).
    mail.outbox.clear()
    vote = take_over_all(split_vote, shares(split_vote), django_capture_on_commit_callbacks)

    assert vote.keys_ready
    assert files(vote) == ["mac"]  # the server holds no share and no key
    assert len([m for m in mail.outbox if "/vote/code/" in m.body]) == vote.voters.count()
    assert Decision.objects.filter(action="voting.key.handed_over").count() == 1
    cast_many(vote, ["yes"])


def test_item4_two_key_holders_count_the_vote_and_the_key_is_destroyed(
    split_vote, django_capture_on_commit_callbacks
):
    codes = shares(split_vote)
    vote = take_over_all(split_vote, codes, django_capture_on_commit_callbacks)
    cast_many(vote, ["yes", "yes", "no", "abstain", "yes"])

    with pytest.raises(DomainError, match="after the vote closes"):
        key_share_enter(vote=vote, actor=user("pmr"), share=codes["pmr"])
    vote = past_closing(vote)
    # The scheduled close waits for the holders instead of failing.
    votes_tick()
    assert Vote.objects.get(pk=vote.pk).state == Vote.State.OPEN
    with pytest.raises(SharesNeeded):
        vote_close(vote=vote, actor=user("pmr"))

    with pytest.raises(ShareError, match="not a key share of this vote"):
        _public, private = sealing.keypair()
        key_share_enter(vote=vote, actor=user("pmr"), share=sealing.shares_split(private, 2)[0])
    vote = key_share_enter(vote=vote, actor=user("pmr"), share=codes["pmr"])
    assert vote.state == Vote.State.OPEN
    vote = key_share_enter(vote=vote, actor=user("pmr"), share=codes["pmr"])
    assert vote.state == Vote.State.OPEN  # the same share twice is still one share

    # The director types in a colleague's share that was handed to her.
    with django_capture_on_commit_callbacks(execute=True):
        vote = key_share_enter(vote=vote, actor=user("directeur"), share=codes["pmr2"])

    assert vote.state == Vote.State.CLOSED
    assert (vote.yes_count, vote.no_count, vote.abstain_count) == (3, 1, 1)
    assert vote.outcome == Vote.Outcome.ADOPTED
    assert files(vote) == []
    entered = Decision.objects.filter(action="voting.key.share_entered").order_by("pk")
    assert [d.actor for d in entered] == [user("pmr"), user("directeur")]
    assert Decision.objects.filter(action="voting.vote.closed").get().actor == user("directeur")


def test_item4_a_refused_count_keeps_only_one_share_on_the_server(
    split_vote, pmr, django_capture_on_commit_callbacks
):
    """The second share counts at once, in memory: if counting is refused (here paper ballots
    wait for their second teller), it is not stored, and the scheduled task cannot count."""
    codes = shares(split_vote)
    vote = take_over_all(split_vote, codes, django_capture_on_commit_callbacks)
    voters = list(vote.voters.order_by("pk")[:2])
    paper_batch_enter(vote=vote, actor=pmr, voters=voters, yes=2, no=0, abstain=0)
    vote = past_closing(vote)
    key_share_enter(vote=vote, actor=user("pmr"), share=codes["pmr"])

    with pytest.raises(DomainError, match="second teller"):
        key_share_enter(vote=vote, actor=user("directeur"), share=codes["directeur"])

    assert [name for name in files(vote) if name.startswith("entered")] == ["entered-1"]
    assert list(KeyHolder.objects.filter(vote=vote, share_entered=True)) == [
        KeyHolder.objects.get(vote=vote, position=1)
    ]
    votes_tick()
    assert Vote.objects.get(pk=vote.pk).state == Vote.State.OPEN


def test_item4_the_servers_copy_of_a_share_is_gone_when_taken_over(split_vote):
    codes = shares(split_vote)
    key_share_collect(vote=split_vote, actor=user("pmr"), typed=codes["pmr"])
    assert "handover-1" not in files(split_vote)  # at once, not after the commit


@pytest.mark.parametrize("typed", ["ÉÉÉÉ-ÅÅÅÅ", "x" * 60, "", "١٢٣٤"])
def test_item4_a_mistyped_share_is_refused_with_a_message(split_vote, client, typed):
    with pytest.raises(ShareError):
        key_share_collect(vote=split_vote, actor=user("pmr"), typed=typed)
    client.force_login(user("pmr"))
    response = client.post(reverse("voting:key-share", args=[split_vote.pk]), {"share": typed})
    assert response.status_code == 400


def test_item4_lost_shares_make_the_vote_void_only_when_it_is_time_to_count(
    split_vote, pmr, django_capture_on_commit_callbacks
):
    vote = take_over_all(split_vote, shares(split_vote), django_capture_on_commit_callbacks)
    cast_many(vote, ["yes"])
    with pytest.raises(DomainError, match="not lost"):
        vote_void(vote=vote, actor=pmr, grounds="We lost them.")

    vote = vote_void(vote=past_closing(vote), actor=pmr, grounds="Two shares are lost.")

    assert vote.outcome == Vote.Outcome.VOID


def test_item4_the_holders_page_hands_over_and_counts(
    client, split_vote, django_capture_on_commit_callbacks
):
    url = reverse("voting:key-share", args=[split_vote.pk])
    codes = shares(split_vote)
    client.force_login(user("stuurgroep"))
    assert client.get(url).status_code in (403, 404)
    client.force_login(user("docent"))
    assert client.get(url).status_code in (403, 404)

    client.force_login(user("pmr"))
    page = client.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert codes["pmr"] in page.content.decode()
    assert codes["pmr2"] not in page.content.decode()
    wrong = client.post(url, {"share": codes["pmr2"]})
    assert wrong.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"share": codes["pmr"]})
    assert done.status_code == 302
    assert codes["pmr"] not in client.get(url).content.decode()


# role: (GET, POST of a wrong share) on the key holder's page; holders are pmr, pmr2, directeur
KEY_PAGE_MATRIX = {
    "anonymous": (302, 302),
    "docent": (403, 403),
    "stuurgroep": (403, 403),
    "bestuur": (403, 403),
    "directeur.baken": (404, 404),
    "pmr2": (200, 400),
    "directeur": (200, 400),
}


def test_item4_key_holders_page_permission_matrix(client, split_vote):
    url = reverse("voting:key-share", args=[split_vote.pk])
    for role, expected in KEY_PAGE_MATRIX.items():
        client.logout()
        if role != "anonymous":
            client.force_login(user(role))
        statuses = (client.get(url).status_code, client.post(url, {"share": "x"}).status_code)
        assert statuses == expected, role
    assert not KeyHolder.objects.filter(vote=split_vote, collected=True).exists()


def todo_links(name) -> list[str]:
    cards = dashboard_for_user(user=user(name))["cards"]
    return [todo.url for card in cards for todo in card.todos]


def test_item4_key_holders_are_told_to_take_over_and_later_to_count(
    split_vote, django_capture_on_commit_callbacks
):
    url = reverse("voting:key-share", args=[split_vote.pk])
    assert url in todo_links("directeur")
    assert url not in todo_links("stuurgroep")
    vote = take_over_all(split_vote, shares(split_vote), django_capture_on_commit_callbacks)
    assert url not in todo_links("directeur")  # taken over, nothing to do until closing
    past_closing(vote)
    assert url in todo_links("directeur")


def test_item4_a_key_holder_who_is_not_pmr_cannot_close_the_vote_by_hand(split_vote):
    with pytest.raises(PermissionDenied):
        vote_close(vote=split_vote, actor=user("directeur"))
