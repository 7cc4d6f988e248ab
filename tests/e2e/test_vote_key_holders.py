"""Issue 14 item 4 in the browser: the PMR chooses to split the vote's key over three key
holders; at opening each takes over their share and types it back; after closing two of them
type their shares in and the vote is counted."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from plans.demo import demo_load
from processes import agreement, services
from voting import keys
from voting.models import Vote
from voting.services.casting import ballot_cast

from .test_vote import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PMR = "pmr@demo.werkdruk.nl"
PMR2 = "pmr2@demo.werkdruk.nl"
DIRECTOR = "directeur@demo.werkdruk.nl"


def agreed_process():
    process = demo_load()["process"]
    pmr = get_user_model().objects.get(email=PMR)
    services.step_sign_off(step=process.steps.get(number=3), actor=pmr)
    agreement.agreement_freeze(process=process, actor=pmr)
    return process


def new_page(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email)
    return page


def take_over(page, vote):
    page.goto(reverse("voting:key-share", args=[vote.pk]))
    share = page.locator('[data-testid="key-share"]').inner_text().strip()
    page.locator('input[name="share"]').fill(share)
    page.locator("form[data-testid=key-share-form] button[type=submit]").click()
    page.wait_for_url(f"**{reverse('voting:vote-manage', args=[vote.process_id])}")
    return share


def test_item4_key_holders_take_over_their_shares_at_opening_and_count_after_closing(
    page, browser, live_server
):
    process = agreed_process()
    users = {e: get_user_model().objects.get(email=e) for e in (PMR, PMR2, DIRECTOR)}
    sign_in(page, PMR)

    # Preparing: the option is explained, and cannot be chosen without saying what a lost
    # share means.
    page.goto(reverse("voting:vote-create", args=[process.pk]))
    page.locator('input[name="key_custody"][value="holders"]').check()
    for user in users.values():
        page.locator(f'input[name="key_holders"][value="{user.pk}"]').check()
    page.locator('form[data-testid="vote-form"] button[type=submit]').click()
    page.locator(".invalid-feedback").first.wait_for()
    assert "kwijt" in page.locator(".invalid-feedback").first.inner_text()
    assert Vote.objects.filter(process=process).count() == 0
    page.locator('input[name="key_loss_understood"]').check()
    page.locator('form[data-testid="vote-form"] button[type=submit]').click()
    page.wait_for_url(f"**{reverse('voting:vote-manage', args=[process.pk])}")
    vote = Vote.objects.get(process=process)
    assert vote.key_custody == Vote.KeyCustody.HOLDERS

    page.locator(f'form[action="{reverse("voting:vote-open", args=[vote.pk])}"] button').click()
    page.locator('[data-testid="key-handover"]').wait_for()

    # The hand-over: each holder sees only their own share and types it back.
    shares = {PMR: take_over(page, vote)}
    for email in (PMR2, DIRECTOR):
        other = new_page(browser, live_server, email)
        try:
            shares[email] = take_over(other, vote)
        finally:
            other.context.close()
    vote.refresh_from_db()
    assert vote.keys_ready
    assert len(set(shares.values())) == 3
    assert sorted(p.name.split(".")[1] for p in keys.key_dir().glob(f"{vote.key_id}.*")) == ["mac"]

    # Staff vote; then the closing time passes.
    voters = list(vote.voters.order_by("pk")[:4])
    for voter, choice in zip(voters, ["yes", "yes", "no", "yes"], strict=True):
        ballot_cast(vote=vote, voter=voter, choice=choice)
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    # Counting: the page asks for two shares; the PMR member types hers, the director hers.
    page.goto(reverse("voting:vote-manage", args=[process.pk]))
    page.locator('[data-testid="key-shares-needed"]').wait_for()
    page.goto(reverse("voting:key-share", args=[vote.pk]))
    page.locator('input[name="share"]').fill(shares[PMR])
    page.locator("form[data-testid=key-share-form] button[type=submit]").click()
    page.locator('[data-testid="key-shares-needed"]').wait_for()
    assert Vote.objects.get(pk=vote.pk).state == Vote.State.OPEN

    director = new_page(browser, live_server, DIRECTOR)
    try:
        director.goto(reverse("voting:key-share", args=[vote.pk]))
        director.locator('input[name="share"]').fill(shares[DIRECTOR].replace("-", " ").lower())
        director.locator("form[data-testid=key-share-form] button[type=submit]").click()
        director.wait_for_url(f"**{reverse('voting:vote-result', args=[vote.pk])}")
        outcome = director.locator('[data-testid="outcome"]').inner_text()
    finally:
        director.context.close()

    vote.refresh_from_db()
    assert (vote.state, vote.yes_count, vote.no_count, vote.abstain_count) == ("closed", 3, 1, 0)
    assert "aangenomen" in outcome.lower()
    assert not list(keys.key_dir().glob(f"{vote.key_id}.*"))
