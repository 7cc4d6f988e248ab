"""Step 10: the final school plan published to all staff (page, PDF, e-mail once per person),
the comment period, and who may read and publish what.

``world_at_step10`` (used by the ratification and decision-list tests too) takes the demo
school through step 8 for real (every unit submits a plan), records who carries out steps 9
and 10, merges the plans with one amount changed by the merging group and marks the plan
final, so step 10 is open.
"""

import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from pypdf import PdfReader

from plans.services.unit_plan_decisions import plan_submit
from plans.services.unit_plans import plan_for_unit
from processes import registry, services
from processes.models import Decision, ProcessStep
from schoolplans.models import Publication, PublicationComment, SchoolPlanMeasure
from schoolplans.selectors.publication import step10_needs_publication
from schoolplans.selectors.ratification import step11_blockers
from schoolplans.services import merge
from schoolplans.services.publication import (
    plan_publish,
    publication_comment_add,
    publication_notices_send,
)
from schoolplans.services.ratification import ratification_record_write
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.fixtures.step8 import add, coordinator, step8_process, units_of, user
from tests.fixtures.steps import assign_actor
from tests.outbox import forget_sent_mail
from units.models import StaffMember
from werkdruk.exceptions import DomainError
from werkdruk.money import format_euro

pytestmark = pytest.mark.django_db

D = Decimal
StepState = ProcessStep.State
ORIGINAL = D("1000.00")
CHANGED = D("1500.00")


@pytest.fixture(autouse=True)
def ratify_steps(monkeypatch):
    """Steps 10 and 11 with this app's blockers and completion hook, whether or not
    ``schoolplans.steps`` registers them yet (a copy of the registry, restored afterwards)."""
    blockers = {number: list(fns) for number, fns in registry._blockers.items()}
    hooks = {number: list(fns) for number, fns in registry._completion_hooks.items()}
    monkeypatch.setattr(registry, "_blockers", blockers)
    monkeypatch.setattr(registry, "_completion_hooks", hooks)
    registry.register_blocker(10, step10_needs_publication)
    registry.register_blocker(11, step11_blockers)
    registry.register_completion_hook(11, ratification_record_write)


# --- the world at step 10 -----------------------------------------------------------------


def step(process, number):
    return process.steps.get(number=number)


@dataclass
class World:
    process: object
    version: object
    changed: SchoolPlanMeasure  # the measure whose first-year amount the merging group raised

    @property
    def year(self) -> int:
        return self.process.school_year.start_year


def world_at_step10(*, step10_actor=ProcessStep.AgreedActor.DIRECTOR) -> World:
    process = step8_process()
    year = process.school_year.start_year
    for unit in units_of(process):
        leader = coordinator(unit)
        plan = plan_for_unit(unit=unit)
        add(plan, leader, year, title=f"Maatregel voor {unit.name}", amount=ORIGINAL)
        plan_submit(plan=plan, actor=leader)
    assert step(process, 8).state == StepState.DONE
    director = user("directeur")
    assign_actor(step=step(process, 9), actor=director, agreed_actor="director")
    assign_actor(step=step(process, 10), actor=director, agreed_actor=step10_actor)
    school_plan = merge.school_plan_create(process=process, actor=user("directeur"))
    measure = school_plan.measures.order_by("order", "pk").first()
    merge.school_measure_update(
        measure=measure,
        actor=user("directeur"),
        title=measure.title,
        description=measure.description,
        category=measure.category,
        cost_per_year={year: CHANGED},
        annotation="Meer uren nodig.",
    )
    version = merge.school_plan_mark_final(school_plan=school_plan, actor=user("directeur"))
    assert step(process, 10).state == StepState.OPEN
    forget_sent_mail()  # the setup's e-mails are not what the tests count
    return World(process=process, version=version, changed=measure)


@pytest.fixture
def world():
    return world_at_step10()


def publish(world, actor=None, **kwargs):
    return plan_publish(version=world.version, actor=actor or user("directeur"), **kwargs)


def active_addresses(process) -> set[str]:
    return {
        email.lower()
        for email in StaffMember.objects.filter(school=process.school, active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    }


def outsider():
    """A staff member (with an account) of another school."""
    account = UserFactory()
    StaffMemberFactory(school=SchoolFactory(), user=account, email=account.email)
    return account


def pdf_text(content: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def school_euro(amount) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return format_euro(D(amount)).replace("\xa0", " ")


# --- publishing ---------------------------------------------------------------------------


def test_publishing_completes_step_10_and_emails_every_active_staff_member_once(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publication = publish(world)

    assert step(world.process, 10).state == StepState.DONE
    assert step(world.process, 11).state == StepState.OPEN
    recipients = [message.to[0].lower() for message in mail.outbox]
    assert len(recipients) == len(set(recipients))  # one e-mail per person
    assert set(recipients) == active_addresses(world.process)
    url = settings.SITE_URL.rstrip("/") + reverse(
        "schoolplans:publication", args=[world.process.pk]
    )
    assert url in mail.outbox[0].body
    publication.refresh_from_db()
    assert len(publication.notified) == len(recipients)
    decision = Decision.objects.get(process=world.process, action="schoolplans.plan.published")
    assert decision.content["sha256"] == world.version.content_hash

    # A retried run sends nothing.
    assert publication_notices_send(publication_id=publication.pk) == 0
    assert len(mail.outbox) == len(recipients)


def test_an_inactive_staff_member_is_not_emailed(world, django_capture_on_commit_callbacks):
    gone = StaffMember.objects.filter(school=world.process.school, active=True).first()
    StaffMember.objects.filter(pk=gone.pk).update(active=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(world)
    assert gone.email not in [message.to[0] for message in mail.outbox]
    assert mail.outbox


def test_jointly_both_sides_publish_but_the_staff_hear_it_once(django_capture_on_commit_callbacks):
    world = world_at_step10(step10_actor=ProcessStep.AgreedActor.BOTH)
    with django_capture_on_commit_callbacks(execute=True):
        first = publish(world, user("directeur"))
    sent = len(mail.outbox)
    assert sent and step(world.process, 10).state == StepState.OPEN

    with pytest.raises(DomainError, match="already published the plan for your side"):
        publish(world, user("directeur"))
    with django_capture_on_commit_callbacks(execute=True):
        second = publish(world, user("pmr"))

    assert second.pk == first.pk
    assert Publication.objects.filter(version=world.version).count() == 1
    assert step(world.process, 10).state == StepState.DONE
    assert len(mail.outbox) == sent


def test_only_the_agreed_actor_publishes(world):
    for local in ("pmr", "docent"):
        with pytest.raises(PermissionDenied):
            publish(world, user(local))
    assert not Publication.objects.exists()


def test_the_comment_period_cannot_end_in_the_past(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="cannot lie in the past"):
        publish(world, comments_until=yesterday)
    assert step(world.process, 10).state == StepState.OPEN


def test_step_10_is_not_completed_without_publishing(world):
    with pytest.raises(DomainError) as refused:
        services.step_complete(step=step(world.process, 10), actor=user("directeur"))
    assert "Publish the final version of the school plan." in refused.value.details


def test_a_version_cannot_be_published_before_step_10_opens(world):
    publish(world)
    with pytest.raises(DomainError, match="Step 10 is not open"):
        publish(world)


# --- comments -----------------------------------------------------------------------------


def test_staff_comment_within_the_period(world):
    publication = publish(world, comments_until=timezone.localdate())
    teacher = user("docent")
    comment = publication_comment_add(publication=publication, actor=teacher, text=" Goed plan. ")
    assert (comment.author, comment.author_name, comment.text) == (
        teacher,
        str(teacher),
        "Goed plan.",
    )


def test_a_closed_comment_period_refuses_comments(world):
    publication = publish(world, comments_until=timezone.localdate())
    Publication.objects.filter(pk=publication.pk).update(
        comments_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="The comment period closed on"):
        publication_comment_add(publication=publication, actor=user("docent"), text="Te laat.")
    assert not PublicationComment.objects.exists()


def test_without_a_comment_period_there_are_no_comments(world):
    publication = publish(world)
    with pytest.raises(DomainError, match="no comment period"):
        publication_comment_add(publication=publication, actor=user("docent"), text="Hallo.")


def test_only_staff_of_the_school_comment(world):
    publication = publish(world, comments_until=timezone.localdate())
    outsiders = [
        outsider(),
        BoardAdministratorFactory(board=world.process.school.board).user,
    ]
    for account in outsiders:
        with pytest.raises(PermissionDenied):
            publication_comment_add(publication=publication, actor=account, text="Hallo.")
    with pytest.raises(DomainError, match="Write your comment"):
        publication_comment_add(publication=publication, actor=user("docent"), text="  ")


# --- pages and PDF ------------------------------------------------------------------------


def test_staff_read_the_plan_only_once_it_is_published(client, world):
    page = reverse("schoolplans:publication", args=[world.process.pk])
    pdf = reverse("schoolplans:school-plan-pdf", args=[world.process.pk, world.version.number])
    client.force_login(user("docent"))
    assert 'data-testid="not-published"' in client.get(page).content.decode()
    assert client.get(pdf).status_code == 404

    client.force_login(user("directeur"))  # who publishes reads it first
    html = client.get(page).content.decode()
    assert 'data-testid="publish"' in html and escape(world.changed.title) in html

    publish(world)
    client.force_login(user("docent"))
    html = client.get(page).content.decode()
    for measure in world.version.content["measures"]:
        assert escape(measure["title"]) in html
    assert 'data-testid="publish"' not in html
    assert client.get(pdf).status_code == 200


def test_the_page_marks_a_changed_amount_with_the_units_original(client, world):
    publish(world)
    client.force_login(user("docent"))
    html = client.get(reverse("schoolplans:publication", args=[world.process.pk])).content.decode()
    with translation.override(settings.LANGUAGE_CODE):  # the page's language
        original = escape(format_euro(ORIGINAL))
        changed = escape(format_euro(CHANGED))
    assert 'data-testid="changed-amount"' in html
    assert changed in html and original in html
    assert escape(world.changed.unit.name) in html


def test_publishing_through_the_page(client, world):
    client.force_login(user("directeur"))
    until = timezone.localdate() + datetime.timedelta(days=7)
    url = reverse("schoolplans:publication-publish", args=[world.process.pk])
    response = client.post(url, {"comments_until": until.isoformat()})
    assert response.status_code == 302
    assert Publication.objects.get(version=world.version).comments_until == until

    client.force_login(user("docent"))
    comment_url = reverse("schoolplans:publication-comment", args=[world.process.pk])
    assert client.post(comment_url, {"text": "Mooi."}).status_code == 302
    page = client.get(reverse("schoolplans:publication", args=[world.process.pk]))
    assert "Mooi." in page.content.decode()


def test_the_pmr_cannot_publish_through_the_page(client, world):
    client.force_login(user("pmr"))
    url = reverse("schoolplans:publication-publish", args=[world.process.pk])
    assert client.post(url, {}).status_code == 403
    assert not Publication.objects.exists()


def test_another_schools_staff_sees_nothing(client, world):
    publish(world)
    client.force_login(outsider())
    pk = world.process.pk
    urls = [
        reverse("schoolplans:publication", args=[pk]),
        reverse("schoolplans:school-plan-pdf", args=[pk, world.version.number]),
        reverse("schoolplans:evaluation", args=[pk]),
        reverse("schoolplans:ratification", args=[pk]),
        reverse("schoolplans:decision-list", args=[pk]),
        reverse("schoolplans:decision-list-pdf", args=[pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("schoolplans:publication-comment", args=[pk]), {"text": "x"}
        ).status_code
        == 404
    )


def test_the_pdf_lists_every_measure_with_units_amounts_changes_and_totals(client, world):
    publish(world)
    client.force_login(user("docent"))
    response = client.get(
        reverse("schoolplans:school-plan-pdf", args=[world.process.pk, world.version.number])
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    content = world.version.content
    for measure in content["measures"]:
        assert measure["title"] in text
        assert school_euro(measure["total_cost"]) in text
        for source in measure["sources"]:
            assert source["unit_name"] in text
    for unit in content["budget"]["units"]:
        assert unit["name"] in text
        assert school_euro(unit["total"]) in text
        assert school_euro(unit["remainder"]) in text
    school = content["budget"]["school"]
    assert school_euro(school["total"]) in text and school_euro(school["remainder"]) in text
    # The merging group's change, with the unit's original.
    assert school_euro(CHANGED) in text and school_euro(ORIGINAL) in text
    assert f"was {school_euro(ORIGINAL)} ({world.changed.unit.name})" in text
    assert world.version.content_hash in text.replace(" ", "")
