"""Issue 15, item 3: no dead ends. A step's page offers its working pages as buttons only to
the roles that may open them (and only once they have something to show); everyone else reads
who may open them, or why they are not there yet, instead of meeting a 403 or 404."""

import re

import pytest
from django.urls import reverse

from processes import registry

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav[^>]*aria-label="Work on this step"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')
ROLES = ("director", "pmr", "steering", "staff_user", "board_admin")


def step_page_nav(client, process, number) -> str:
    response = client.get(reverse("processes:step-detail", args=[process.pk, number]))
    assert response.status_code == 200
    match = NAV.search(response.content.decode())
    return match.group(1) if match else ""


def linked(nav, url) -> bool:
    return f'href="{url}"' in nav


@pytest.mark.parametrize("role", ROLES)
def test_item3_every_button_on_every_step_page_opens_for_the_role(client, request, process, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    dead_ends = []
    for number in range(1, 12):
        for url in HREF.findall(step_page_nav(client, process, number)):
            status = client.get(url).status_code
            if status != 200:
                dead_ends.append((number, url, status))
    assert dead_ends == []


def test_item3_a_teacher_is_told_who_runs_the_vote_instead_of_a_403(client, process, staff_user):
    client.force_login(staff_user)

    nav = step_page_nav(client, process, 4)

    assert not linked(nav, reverse("voting:vote-manage", args=[process.pk]))
    assert linked(nav, reverse("processes:agreement", args=[process.pk]))
    assert "The staff vote</span>: only for the PMR and the director" in nav


def test_item3_the_board_reads_about_the_survey_and_its_results_instead_of_a_404(
    client, process, board_admin
):
    client.force_login(board_admin)

    nav = step_page_nav(client, process, 11)

    assert not linked(nav, reverse("surveys:survey-manage", args=[process.pk]))
    assert not linked(nav, reverse("surveys:results", args=[process.pk]))
    assert "Workload survey</span>: only for the director and the PMR" in nav
    # What the board may open stays a button.
    assert linked(nav, reverse("reporting:school-report", args=[process.pk]))


def test_item3_spending_waits_for_the_ratified_plan_instead_of_a_404(client, process, director):
    client.force_login(director)

    nav = step_page_nav(client, process, 11)

    assert not linked(nav, reverse("spending:overview", args=[process.pk]))
    assert "Spending</span>: available once the school plan is ratified (step 11)" in nav


def test_item3_staff_see_the_survey_results_from_step_11(client, process, staff_user):
    client.force_login(staff_user)

    nav = step_page_nav(client, process, 11)

    assert linked(nav, reverse("surveys:results", args=[process.pk]))
    assert not linked(nav, reverse("surveys:survey-manage", args=[process.pk]))


def test_item3_a_step_page_is_registered_with_the_permission_it_needs(monkeypatch):
    monkeypatch.setattr(registry, "_step_pages", {})
    with pytest.raises(TypeError):
        registry.register_step_page(4, "A page", "voting:vote-manage")
    registry.register_step_page(4, "A page", "voting:vote-manage", perm="voting.view_vote")
    assert [(p.url_name, p.perm) for p in registry.step_pages(4)] == [
        ("voting:vote-manage", "voting.view_vote")
    ]
