"""Issue 14, item 9: the plans' creating forms, sent twice (a double click), do their work once;
the second goes to the same page with "This was already saved." (tests/submissions.py)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans.models import (
    FrameworkRule,
    Measure,
    MeasureComment,
    UnitAnnouncement,
    WarningAcknowledgement,
)
from tests.plans import test_announcements, test_unit_plan_vote
from tests.plans.test_unit_plan_pages import World, fte_post, url
from tests.submissions import send_twice
from voting.models import Vote

pytestmark = pytest.mark.django_db

# Fixtures of other modules, under names of their own here.
adopted = test_announcements.adopted
vote_world = test_unit_plan_vote.world


@pytest.fixture
def world(db):
    return World()


def test_item9_a_measure_added_twice_is_one_measure(world, client):
    client.force_login(world.member_a)
    add = url("measure-create", world)
    send_twice(client, page=add, action=add, data=fte_post())
    assert Measure.objects.filter(plan__unit=world.unit_a).count() == 1


def test_item9_a_comment_sent_twice_is_one_comment(world, client):
    measure = world.measure()
    client.force_login(world.member_a)
    send_twice(
        client,
        page=url("unit-plan", world),
        action=url("measure-comment", world, measure.pk),
        data={"text": "Good idea"},
    )
    assert MeasureComment.objects.filter(measure=measure).count() == 1


def test_item9_a_warning_acknowledged_twice_is_one_acknowledgement(world, client):
    measure = world.measure(amount="25000.00")
    client.force_login(world.member_a)
    send_twice(
        client,
        page=url("unit-plan", world),
        action=url("unit-plan-acknowledge", world),
        data={"rule": world.warn_cost.pk, "measure": measure.pk, "reason": "Agreed with the MT."},
    )
    assert WarningAcknowledgement.objects.count() == 1


def test_item9_a_framework_rule_added_twice_is_one_rule(process, director, client):
    client.force_login(director)
    add = reverse("plans:framework-create", args=[process.pk])
    data = {"text": "Rule", "kind": "financial", "severity": "warning", "machine_check": ""}
    send_twice(client, page=add, action=add, data=data)
    assert FrameworkRule.objects.filter(process=process).count() == 1


def test_item9_the_standard_set_added_twice_is_added_once(process, director, client):
    client.force_login(director)
    send_twice(
        client,
        page=reverse("plans:framework-list", args=[process.pk]),
        action=reverse("plans:framework-standard-set", args=[process.pk]),
        data={},
    )
    assert FrameworkRule.objects.filter(process=process).count() == 8


def test_item9_a_unit_vote_started_twice_is_one_vote(vote_world, client):
    world = vote_world
    client.force_login(world.coordinator)
    unit = world.units["Bèta"]
    closes_at = timezone.localtime(timezone.now() + datetime.timedelta(days=7))
    send_twice(
        client,
        page=reverse("plans:unit-plan", args=[world.process.pk, unit.pk]),
        action=reverse("plans:unit-plan-vote-start", args=[world.process.pk, unit.pk]),
        data={
            "closes_at": closes_at.strftime("%Y-%m-%dT%H:%M"),
            "base": "yes_no",
            "majority": "half",
        },
    )
    assert Vote.objects.filter(unit=unit).count() == 1


def test_item9_an_announcement_sent_twice_is_sent_once(
    adopted, client, django_capture_on_commit_callbacks
):
    client.force_login(get_user_model().objects.get(email="directeur@demo.werkdruk.nl"))
    unit = test_announcements.units_of(adopted)[0]
    overview = reverse("plans:announcement-overview", args=[adopted.pk])
    data = {
        "units": [unit.pk],
        "deadline": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
        "text": "Plan",
    }
    with django_capture_on_commit_callbacks(execute=True):
        send_twice(client, page=overview, action=overview, data=data)
    assert UnitAnnouncement.objects.filter(unit=unit).count() == 1
    assert len(mail.outbox) == len(test_announcements.active_member_emails(unit))
