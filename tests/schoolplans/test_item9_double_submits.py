"""Issue 14, item 9: the school plan's creating forms, sent twice (a double click), do their
work once; the second goes to the same page with "This was already saved."
(tests/submissions.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from processes import services as process_services
from processes.models import SchoolRole
from schoolplans.models import PmrDecision, Publication, PublicationComment, SchoolPlanMeasure
from schoolplans.services import merge
from tests.factories import (
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
)
from tests.fixtures.step8 import user
from tests.schoolplans import test_next_year as next_year_tests
from tests.schoolplans import test_publication as publication_tests
from tests.schoolplans import test_ratification as ratification_tests
from tests.schoolplans.test_merge import by_title, step9_process
from tests.submissions import send_twice
from units.models import BudgetLine

pytestmark = pytest.mark.django_db

# Fixtures of other modules (pytest finds fixtures by the names of this module).
ratify_steps = publication_tests.ratify_steps  # autouse
follow_up_hook = next_year_tests.follow_up_hook  # autouse
published = ratification_tests.published
evaluated = ratification_tests.evaluated


def url(name, process):
    return reverse(f"schoolplans:{name}", args=[process.pk])


def test_item9_the_school_plan_created_twice_is_created_once(client):
    process = step9_process()
    client.force_login(user("stuurgroep"))
    send_twice(client, page=url("merge", process), action=url("merge-create", process), data={})
    assert SchoolPlanMeasure.objects.filter(school_plan__process=process).count() == 6


def test_item9_measures_combined_twice_are_combined_once(client):
    process = step9_process()
    school_plan = merge.school_plan_create(process=process, actor=user("stuurgroep"))
    first = by_title(school_plan, "Onderwijsassistent voor de brugklassen")
    second = by_title(school_plan, "Onderwijsassistenten brugklas")
    client.force_login(user("stuurgroep"))
    send_twice(
        client,
        page=url("merge", process),
        action=url("merge-combine", process),
        data={"measures": [first.pk, second.pk], "title": "Onderwijsassistenten", "annotation": ""},
    )
    assert SchoolPlanMeasure.objects.filter(title="Onderwijsassistenten").count() == 1


def test_item9_a_plan_published_twice_is_published_once(client):
    world = publication_tests.world_at_step10()
    client.force_login(user("directeur"))
    until = timezone.localdate() + datetime.timedelta(days=7)
    send_twice(
        client,
        page=url("publication", world.process),
        action=url("publication-publish", world.process),
        data={"comments_until": until.isoformat()},
    )
    assert Publication.objects.filter(version=world.version).count() == 1


def test_item9_a_comment_on_the_published_plan_sent_twice_is_one_comment(client):
    world = publication_tests.world_at_step10()
    until = timezone.localdate() + datetime.timedelta(days=7)
    publication_tests.publish(world, comments_until=until)
    client.force_login(user("docent"))
    send_twice(
        client,
        page=url("publication", world.process),
        action=url("publication-comment", world.process),
        data={"text": "Mooi."},
    )
    assert PublicationComment.objects.filter(text="Mooi.").count() == 1


def test_item9_the_pmrs_decision_sent_twice_is_recorded_once(client, evaluated):
    client.force_login(user("pmr"))
    today = timezone.localdate().isoformat()
    send_twice(
        client,
        page=url("ratification", evaluated.process),
        action=url("ratification-pmr", evaluated.process),
        data={"outcome": "consent", "meeting_date": today},
    )
    assert PmrDecision.objects.count() == 1


def test_item9_the_carry_over_accepted_twice_is_one_budget_line(client, db):
    school = SchoolFactory()
    StaffMemberFactory.create_batch(3, school=school)
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    last_year = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    next_year_tests.ratify(last_year)
    new = next_year_tests.start_next_year(school, director, last_year)
    client.force_login(director)
    send_twice(
        client,
        page=url("carry-over-offer", new),
        action=url("carry-over-accept", new),
        data={},
        headers={"HX-Request": "true"},
    )
    assert BudgetLine.objects.filter(process=new).count() == 1
