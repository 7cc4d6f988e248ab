"""Issue 14, item 9: the procedure's creating forms, sent twice (a double click), do their work
once; the second goes to the same page with "This was already saved." (tests/submissions.py)."""

import pytest
from django.urls import reverse

from processes.models import Process, SignOff
from tests.processes.conftest import finish_steps_1_to_4, step
from tests.submissions import send_twice
from tests.units import test_kickoff as kickoff_tests
from tests.units.test_kickoff_views import form_data
from units.models import KickoffSession

pytestmark = pytest.mark.django_db

# The kick-off's fixtures, shared (pytest finds fixtures by the names of this module).
engine_blockers_only = kickoff_tests.engine_blockers_only
step5_open = kickoff_tests.step5_open


def test_item9_a_process_started_twice_is_one_process(client, director, school):
    client.force_login(director)
    start = reverse("processes:process-create", args=[school.pk])
    year = client.get(start).context["form"].fields["school_year"].queryset.first()
    data = {"school_year": year.pk, "kind": "full", "reminder_lead_days": 5}
    first = send_twice(client, page=start, action=start, data=data)
    process = Process.objects.get(school=school)
    assert first.url == reverse("processes:process-detail", args=[process.pk])


def test_item9_a_kickoff_session_added_twice_is_one_session(client, step5_open, pmr):
    client.force_login(pmr)
    add = reverse("units:kickoff-session-create", args=[step5_open.pk])
    send_twice(client, page=add, action=add, data=form_data())
    assert KickoffSession.objects.filter(process=step5_open).count() == 1


def test_item9_a_sign_off_sent_twice_is_one_sign_off(client, director, process):
    client.force_login(director)
    send_twice(
        client,
        page=reverse("processes:step-detail", args=[process.pk, 1]),
        action=reverse("processes:step-sign-off", args=[process.pk, 1]),
        data={"side": "director", "grounds": ""},
    )
    assert SignOff.objects.filter(step__process=process).count() == 1


def test_item9_a_step_reopened_twice_is_reopened_once(client, director, pmr, process):
    finish_steps_1_to_4(process, director, pmr)
    revision = step(process, 3).revision
    client.force_login(director)
    send_twice(
        client,
        page=reverse("processes:step-detail", args=[process.pk, 3]),
        action=reverse("processes:step-reopen", args=[process.pk, 3]),
        data={"reopen-grounds": "Vote rejected"},
    )
    assert step(process, 3).revision == revision + 1
