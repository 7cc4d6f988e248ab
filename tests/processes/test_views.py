import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes import services
from processes.models import Process, ProcessStep, SchoolRole, SignOff
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
)
from tests.fixtures.steps import assign_actor
from tests.processes.conftest import finish_steps_1_to_4, step


def test_dashboard_shows_the_todo_and_the_timeline_link(client, director, process):
    client.force_login(director)
    response = client.get(reverse("processes:dashboard"))
    content = response.content.decode()
    assert reverse("processes:process-detail", args=[process.pk]) in content
    assert 'data-testid="process-link"' in content
    assert reverse("processes:step-detail", args=[process.pk, 1]) in content


def test_dashboard_offers_to_start_when_no_process_yet(client, director, school):
    client.force_login(director)
    response = client.get(reverse("processes:dashboard"))
    assert reverse("processes:process-create", args=[school.pk]) in response.content.decode()


def test_staff_member_sees_no_start_button(client, staff_user, school):
    client.force_login(staff_user)
    response = client.get(reverse("processes:dashboard"))
    assert reverse("processes:process-create", args=[school.pk]) not in response.content.decode()


def test_process_create_page_starts_a_process(client, director, school):
    client.force_login(director)
    url = reverse("processes:process-create", args=[school.pk])
    year = client.get(url).context["form"].fields["school_year"].queryset.first()
    response = client.post(url, {"school_year": year.pk, "kind": "full", "reminder_lead_days": 5})
    process = Process.objects.get(school=school)
    assert response.status_code == 302
    assert response.url == reverse("processes:process-detail", args=[process.pk])
    assert process.reminder_lead_days == 5


def test_process_create_page_rejects_bad_lead_time_and_saves_nothing(client, director, school):
    client.force_login(director)
    url = reverse("processes:process-create", args=[school.pk])
    year = client.get(url).context["form"].fields["school_year"].queryset.first()
    response = client.post(url, {"school_year": year.pk, "kind": "full", "reminder_lead_days": -1})
    assert response.status_code == 400
    assert not Process.objects.exists()


def test_timeline_shows_all_steps_and_who_is_awaited(client, pmr, director, process):
    services.step_sign_off(step=step(process, 1), actor=director)
    client.force_login(pmr)
    response = client.get(reverse("processes:process-detail", args=[process.pk]))
    content = response.content.decode()
    for number in range(0, 12):
        assert f'data-step="{number}"' in content
    assert "waiting for the PMR" in content


def test_sign_off_through_the_page_completes_the_step(client, director, pmr, process):
    for user, side in ((director, "director"), (pmr, "pmr")):
        client.force_login(user)
        url = reverse("processes:step-sign-off", args=[process.pk, 1])
        response = client.post(url, {"side": side, "grounds": ""})
        assert response.status_code == 302
    assert step(process, 1).state == ProcessStep.State.DONE
    assert SignOff.objects.count() == 2


def test_sign_off_page_shows_blockers_and_saves_nothing(client, director, school, process):
    school.staff_members.update(active=False)
    client.force_login(director)
    response = client.post(
        reverse("processes:step-sign-off", args=[process.pk, 1]), {"side": "director"}
    )
    assert response.status_code == 400
    assert "import" in response.content.decode().lower()
    assert not SignOff.objects.exists()


def test_reopen_through_the_page_needs_grounds(client, director, pmr, process):
    finish_steps_1_to_4(process, director, pmr)
    client.force_login(pmr)
    url = reverse("processes:step-reopen", args=[process.pk, 3])
    assert client.post(url, {"reopen-grounds": ""}).status_code == 400
    assert step(process, 3).state == ProcessStep.State.DONE
    assert client.post(url, {"reopen-grounds": "Vote rejected"}).status_code == 302
    assert step(process, 3).state == ProcessStep.State.OPEN
    assert step(process, 4).state == ProcessStep.State.LOCKED


def test_pages_are_dutch_by_default_and_english_on_request(client, director, process, settings):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(director)
    url = reverse("processes:process-detail", args=[process.pk])
    assert '<html lang="nl"' in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert '<html lang="en"' in client.get(url).content.decode()


# --- query counts ------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _progress(process, director, pmr):
    finish_steps_1_to_4(process, director, pmr)
    assign_actor(step=step(process, 5), actor=director, agreed_actor="director")
    services.step_complete(step=step(process, 5), actor=director)


@pytest.mark.parametrize("page", ["dashboard", "timeline", "step"])
def test_query_count_does_not_grow_with_staff_or_steps(
    client, school, director, pmr, process, page
):
    url = {
        "dashboard": reverse("processes:dashboard"),
        "timeline": reverse("processes:process-detail", args=[process.pk]),
        "step": reverse("processes:step-detail", args=[process.pk, 1]),
    }[page]
    client.force_login(director)
    client.get(url)  # warm up session and caches
    small = _count(client, url)
    StaffMemberFactory.create_batch(200, school=school)
    _progress(process, director, pmr)  # more steps done, more sign-offs and decisions
    large = _count(client, url)
    # The dashboard and the timeline show the same to-dos (processes.todos): for a director,
    # one query each for the key-holder to-dos (voting) and the survey rounds (surveys: a
    # round without a closing date waits for the director or the PMR to close it); the other
    # providers need none at step 1. The timeline had no feature to-dos before (9). The
    # dashboard asks once which of its processes were ratified (the transparency links).
    # One more on both for the meldpunt's open reports (schoolplans.todos.concern_todos), and
    # one for the evaluation moments that are due (schoolplans.todos.evaluation_todos).
    # Issue 20: the reader's roles in one query (processes.predicates.user_roles), not three.
    assert small == {"dashboard": 13, "timeline": 11, "step": 8}[page]
    if page == "step":
        # An open step also runs its blockers' check (one query); a done step does not.
        assert large == small - 1
    else:
        assert large == small


def test_board_dashboard_query_count_does_not_grow_with_schools(client, school, director, process):
    admin = BoardAdministratorFactory(board=school.board).user
    client.force_login(admin)
    url = reverse("processes:board-detail", args=[school.board_id])
    client.get(url)
    small = _count(client, url)
    dashboard_small = _count(client, reverse("processes:dashboard"))
    year = process.school_year
    for _ in range(15):
        extra = SchoolFactory(board=school.board)
        StaffMemberFactory.create_batch(5, school=extra)
        manager = SchoolRoleFactory(school=extra, role=SchoolRole.Role.DIRECTOR).user
        services.process_create(school=extra, school_year=year, actor=manager)
    assert _count(client, url) == small
    assert _count(client, reverse("processes:dashboard")) == dashboard_small


def test_board_progress_shows_each_schools_latest_process_when_it_has_earlier_ones(
    client, school, director, process
):
    earlier_year = SchoolYearFactory(start_year=process.school_year.start_year - 1)
    earlier = services.process_create(school=school, school_year=earlier_year, actor=director)
    admin = BoardAdministratorFactory(board=school.board).user
    client.force_login(admin)
    url = reverse("processes:board-detail", args=[school.board_id])
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        content = client.get(url).content.decode()
    assert reverse("processes:process-detail", args=[process.pk]) in content
    assert reverse("processes:process-detail", args=[earlier.pk]) not in content
    step_reads = [q["sql"] for q in context.captured_queries if "processes_processstep" in q["sql"]]
    assert len(step_reads) == 1
    read_ids = re.search(r'"process_id" IN \(([^)]*)\)', step_reads[0]).group(1)
    assert read_ids.replace(" ", "").split(",") == [str(process.pk)]  # only the latest's steps


def test_overdue_step_is_marked_on_the_timeline(client, director, process):
    process.steps.filter(number=1).update(planned_date=datetime.date(2020, 1, 1))
    client.force_login(director)
    content = client.get(reverse("processes:process-detail", args=[process.pk])).content.decode()
    assert "timeline__row--overdue" in content


def test_dutch_is_the_default_whatever_the_browser_asks(client, director, process, settings):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(director)
    url = reverse("processes:process-detail", args=[process.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl"' in response.content.decode()
