"""Issue 14, item 9 in the browser: a second click on "Enter for confirmation" of the paper
ballots while the first is still being handled sends nothing (static/js/werkdruk.js); one
batch is entered, without an error."""

import time

import pytest
from django.urls import reverse

from voting.models import PaperBatch
from voting.views import paper as paper_views

from .test_vote import PMR, open_the_vote, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_item9_a_second_click_while_the_form_is_sent_sends_nothing(page, monkeypatch):
    _process, vote = open_the_vote()
    enter = paper_views.paper_batch_enter

    def slow_enter(**kwargs):
        time.sleep(1.5)  # a slow connection: the user clicks again meanwhile
        return enter(**kwargs)

    monkeypatch.setattr(paper_views, "paper_batch_enter", slow_enter)
    sign_in(page, PMR)
    enter_path = reverse("voting:paper-enter", args=[vote.pk])
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and request.url.endswith(enter_path)
            else None
        ),
    )

    page.goto(reverse("voting:paper-list", args=[vote.pk]))
    form = page.locator('[data-testid="paper-enter"]')
    boxes = form.locator('input[name="voters"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    form.locator('input[name="yes"]').fill("1")
    form.locator('input[name="no"]').fill("1")
    form.locator('input[name="abstain"]').fill("0")
    # Two clicks on the page as loaded, the second while the first is being handled.
    page.evaluate(
        """() => {
            const button = document.querySelector(
                '[data-testid="paper-enter"] button[type="submit"]');
            button.click();
            setTimeout(() => button.click(), 300);
        }"""
    )
    page.locator('[data-testid="pending"]').wait_for()  # the list with the entry
    page.wait_for_load_state("networkidle")

    assert len(posts) == 1, posts
    assert PaperBatch.objects.filter(vote=vote).count() == 1
    assert page.locator(".alert-danger").count() == 0
    assert page.url.endswith(reverse("voting:paper-list", args=[vote.pk]))
