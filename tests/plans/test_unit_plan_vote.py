"""Step 8: a unit that decides by vote approves its plan in a secret vote of its members.

Only the coordinator starts it, only for a unit that decides by vote; the roll is the unit's
active members; an adopted vote approves exactly the version voted on, a change or a return
voids it, a rejected vote approves nothing; the agreement vote is untouched by all this.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from plans.models import MeasureCategory
from plans.services import unit_plan_votes as plan_votes
from plans.services.unit_plan_decisions import plan_return, plan_submit
from plans.services.unit_plans import MeasureData, measure_create, measure_delete, plan_for_unit
from plans.views.unit_plan_votes import approval_vote_context
from processes import services as process_services
from processes.models import Decision, ProcessStep, SchoolRole
from tests.factories import (
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)
from units.models import WorkingMethod
from units.services import units as unit_services
from units.services.working_method import MeetingData, working_method_record
from voting import keys
from voting.models import Vote
from voting.selectors import agreement_lock
from voting.services import closing
from voting.services.casting import ballot_cast, voter_token_issue
from voting.services.closing import register_on_close
from voting.services.custody import KeyLost
from voting.services.messages import vote_messages_send, votes_tick
from voting.todos import vote_todos
from werkdruk.exceptions import DomainError
from werkdruk.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _members(school, count, *, prefix):
    """``count`` staff members of ``school``, each with a user account."""
    people = []
    for i in range(count):
        user = UserFactory(email=f"{prefix}{i}@school.example.org")
        people.append(StaffMemberFactory(school=school, user=user, email=user.email))
    return people


@pytest.fixture
def world():
    """A school whose step 8 is open: Bèta (6 members, decides by vote, plus one inactive),
    Gamma (3 members, by vote) and Alfa (2 members, by consensus)."""
    school = SchoolFactory()
    director = SchoolRoleFactory(school=school, role=SchoolRole.Role.DIRECTOR).user
    pmr = SchoolRoleFactory(school=school, role=SchoolRole.Role.PMR).user
    process = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2026), actor=director
    )
    people = {
        "Bèta": _members(school, 7, prefix="beta"),
        "Gamma": _members(school, 3, prefix="gamma"),
        "Alfa": _members(school, 2, prefix="alfa"),
    }
    units = {}
    for name, staff in people.items():
        units[name] = unit_services.unit_create(process=process, actor=director, name=name)
        unit_services.unit_members_assign(unit=units[name], actor=director, staff_members=staff)
    people["Bèta"][-1].active = False  # left the school after step 1
    people["Bèta"][-1].save()
    process.steps.filter(number__lte=6).update(state=ProcessStep.State.DONE)
    process.steps.filter(number=7).update(state=ProcessStep.State.OPEN)
    for name, mode in (
        ("Bèta", WorkingMethod.DecisionMode.VOTE),
        ("Gamma", WorkingMethod.DecisionMode.VOTE),
        ("Alfa", WorkingMethod.DecisionMode.CONSENSUS),
    ):
        working_method_record(
            unit=units[name],
            actor=director,
            leader=people[name][0],
            decision_mode=mode,
            participation=WorkingMethod.Participation.VOLUNTARY,
            meetings=[MeetingData(date=timezone.localdate() + datetime.timedelta(days=7))],
        )
    assert process.steps.get(number=8).state == ProcessStep.State.OPEN
    plans = {name: plan_for_unit(unit=unit) for name, unit in units.items()}
    for name, plan in plans.items():
        add_measure(plan, people[name][0].user, f"Minder vergaderen ({name})")
    return SimpleNamespace(
        process=process,
        director=director,
        pmr=pmr,
        units=units,
        people=people,
        plans=plans,
        coordinator=people["Bèta"][0].user,
        plan=plans["Bèta"],
    )


def add_measure(plan, actor, title="Een extra mentoruur"):
    return measure_create(
        plan=plan,
        actor=actor,
        data=MeasureData(
            title=title,
            category=MeasureCategory.objects.get(code="organisational"),
            cost_type="none",
            first_year=2026,
            last_year=2026,
        ),
    )


def closes(days=7):
    return timezone.now() + datetime.timedelta(days=days)


def start(world, actor=None, plan=None, **rule):
    return plan_votes.plan_vote_start(
        plan=plan or world.plan, actor=actor or world.coordinator, closes_at=closes(), **rule
    )


def cast_all(vote, choices):
    voters = list(vote.voters.order_by("pk"))
    assert len(voters) == len(choices)
    for voter, choice in zip(voters, choices, strict=True):
        ballot_cast(vote=vote, voter=voter, choice=choice)


def past_closing(vote):
    """Move the vote's closing time into the past (as if the clock had passed it)."""
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=now - datetime.timedelta(days=1), closes_at=now - datetime.timedelta(seconds=1)
    )


def fresh(plan):
    plan.refresh_from_db()
    return plan


# --- starting ------------------------------------------------------------------------------


def test_the_coordinator_opens_a_vote_with_the_units_active_members_on_the_roll(world):
    vote = start(world)
    assert vote.state == Vote.State.OPEN and vote.kind == Vote.Kind.UNIT_PLAN
    assert vote.unit == world.units["Bèta"] and vote.subject_revision == world.plan.revision
    active = {s.pk for s in world.people["Bèta"][:-1]}
    assert set(vote.voters.values_list("staff_member", flat=True)) == active
    assert set(vote.voters.values_list("unit_name", flat=True)) == {"Bèta"}
    assert plan_votes.plan_vote_open(world.plan)
    decision = Decision.objects.get(process=world.process, action="voting.vote.opened")
    assert decision.step_number == 8
    assert decision.summary == "Vote round 1 of Bèta opened with 6 voters on the roll."
    assert decision.content["revision"] == world.plan.revision


@pytest.mark.parametrize("who", ["member", "director", "pmr", "other_coordinator"])
def test_only_the_units_coordinator_starts_the_vote(world, who):
    actor = {
        "member": world.people["Bèta"][1].user,
        "director": world.director,
        "pmr": world.pmr,
        "other_coordinator": world.people["Gamma"][0].user,
    }[who]
    with pytest.raises(PermissionDenied):
        start(world, actor=actor)
    assert not Vote.objects.exists()


def test_a_unit_that_decides_by_consensus_does_not_vote(world):
    with pytest.raises(DomainError, match="decides by consensus"):
        start(world, actor=world.people["Alfa"][0].user, plan=world.plans["Alfa"])
    assert not Vote.objects.exists()


def test_no_second_vote_while_one_is_open(world):
    start(world)
    with pytest.raises(DomainError, match="already voting"):
        start(world)
    assert Vote.objects.count() == 1


def test_no_vote_outside_step_8_or_on_a_submitted_plan(world):
    world.process.steps.filter(number=8).update(state=ProcessStep.State.DONE)
    with pytest.raises(DomainError, match="while step 8 is open"):
        start(world)
    world.process.steps.filter(number=8).update(state=ProcessStep.State.OPEN)
    type(world.plan).objects.filter(pk=world.plan.pk).update(state="submitted")
    with pytest.raises(DomainError, match="has been submitted"):
        start(world)
    assert not Vote.objects.exists()


def test_no_vote_on_a_plan_without_measures(world):
    measure_delete(measure=world.plan.measures.get(), actor=world.coordinator)
    with pytest.raises(DomainError, match="at least one measure"):
        start(world)
    html = panel_html(world, world.coordinator)
    assert 'data-testid="approval-start-refusal"' in html and "at least one measure" in html
    assert 'data-testid="approval-start"' not in html


def test_no_vote_on_a_rule_that_is_no_majority(world):
    with pytest.raises(DomainError, match="at least half"):
        start(world, numerator=1, denominator=3)
    assert not Vote.objects.exists()


# --- the result reaches the plan -------------------------------------------------------------


def test_an_adopted_vote_approves_exactly_the_version_voted_on(world):
    vote = start(world)
    cast_all(vote, ["yes"] * 4 + ["no", "abstain"])
    vote = plan_votes.plan_vote_close(plan=world.plan, actor=world.coordinator)
    assert vote.outcome == Vote.Outcome.ADOPTED
    plan = fresh(world.plan)
    assert plan.approval_vote == vote and plan.approved_revision == vote.subject_revision == 1
    assert plan_votes.plan_is_approved(plan) and not plan_votes.plan_vote_open(plan)
    approved = Decision.objects.get(action="plans.unit_plan.approved")
    assert approved.step_number == 8
    assert (
        approved.summary == "The members of Bèta approved version 1 of their plan in vote round 1."
    )
    closed = Decision.objects.get(action="voting.vote.closed")
    assert closed.step_number == 8 and "of Bèta closed: adopted (yes 4, no 1" in closed.summary
    plan_submit(plan=plan, actor=world.coordinator)
    assert fresh(plan).state == "submitted"


def test_a_change_after_the_vote_voids_the_approval(world):
    vote = start(world)
    cast_all(vote, ["yes"] * 6)
    plan_votes.plan_vote_close(plan=world.plan, actor=world.coordinator)
    add_measure(world.plan, world.people["Bèta"][2].user)
    plan = fresh(world.plan)
    assert not plan_votes.plan_is_approved(plan)
    with pytest.raises(DomainError):
        plan_submit(plan=plan, actor=world.coordinator)


def test_a_returned_plan_is_no_longer_approved_and_can_be_voted_on_again(world):
    vote = start(world)
    cast_all(vote, ["yes"] * 6)
    plan_votes.plan_vote_close(plan=world.plan, actor=world.coordinator)
    plan_submit(plan=world.plan, actor=world.coordinator)
    plan_return(plan=world.plan, actor=world.director, reason="Te weinig onderbouwing.")
    plan = fresh(world.plan)
    assert plan.revision == 2 and not plan_votes.plan_is_approved(plan)
    second = start(world)
    assert second.round == 2 and second.subject_revision == 2


def test_a_rejected_vote_approves_nothing_and_the_members_edit_again(world):
    vote = start(world)
    cast_all(vote, ["no"] * 3 + ["yes"] * 3)  # a tie is not a majority
    vote = plan_votes.plan_vote_close(plan=world.plan, actor=world.coordinator)
    assert vote.outcome == Vote.Outcome.REJECTED
    plan = fresh(world.plan)
    assert plan.approval_vote is None and plan.approved_revision is None
    assert not Decision.objects.filter(action="plans.unit_plan.approved").exists()
    add_measure(plan, world.people["Bèta"][3].user)
    assert plan.measures.count() == 2


def test_an_invalid_vote_approves_nothing(world):
    vote = start(world, quorum_percentage=80)
    ballot_cast(vote=vote, voter=vote.voters.first(), choice="yes")
    past_closing(vote)
    vote = plan_votes.plan_vote_close(plan=world.plan, actor=world.coordinator)
    assert vote.outcome == Vote.Outcome.INVALID
    assert fresh(world.plan).approval_vote is None


def test_the_plan_is_frozen_while_the_unit_votes(world):
    start(world)
    with pytest.raises(DomainError):
        add_measure(world.plan, world.people["Bèta"][1].user)
    assert world.plan.measures.count() == 1


def test_the_periodic_task_closing_the_vote_approves_the_plan_too(world):
    vote = start(world)
    cast_all(vote, ["yes"] * 5 + ["no"])
    past_closing(vote)
    assert votes_tick()["closed"] == 1
    plan = fresh(world.plan)
    assert plan.approval_vote_id == vote.pk and plan_votes.plan_is_approved(plan)
    assert Decision.objects.get(action="plans.unit_plan.approved").actor is None


def test_counting_early_needs_everyone_to_have_voted(world):
    vote = start(world)
    ballot_cast(vote=vote, voter=vote.voters.first(), choice="yes")
    with pytest.raises(DomainError, match="still open"):
        plan_votes.plan_vote_close(plan=world.plan, actor=world.coordinator)
    with pytest.raises(PermissionDenied):
        plan_votes.plan_vote_close(plan=world.plan, actor=world.pmr)


def test_a_cancelled_vote_is_not_counted_and_the_plan_can_change(world):
    vote = start(world)
    with pytest.raises(DomainError, match="grounds"):
        plan_votes.plan_vote_cancel(plan=world.plan, actor=world.coordinator, grounds=" ")
    plan_votes.plan_vote_cancel(plan=world.plan, actor=world.coordinator, grounds="Typfout")
    vote.refresh_from_db()
    assert vote.outcome == Vote.Outcome.CANCELLED
    decision = Decision.objects.get(action="voting.vote.cancelled")
    assert decision.step_number == 8 and decision.summary.startswith("Vote round 1 of Bèta")
    add_measure(world.plan, world.coordinator)
    assert fresh(world.plan).approval_vote is None


def test_item4_a_unit_vote_whose_key_is_lost_is_stopped_as_void_and_voted_again(world):
    vote = start(world)
    cast_all(vote, ["yes"] * 6)
    keys.secrets_destroy(Vote.objects.get(pk=vote.pk).key_id)
    past_closing(vote)
    with pytest.raises(KeyLost):
        plan_votes.plan_vote_close(plan=world.plan, actor=world.coordinator)

    plan_votes.plan_vote_cancel(plan=world.plan, actor=world.coordinator, grounds="Server hersteld")

    vote.refresh_from_db()
    assert vote.outcome == Vote.Outcome.VOID
    assert Decision.objects.get(action="voting.vote.void").step_number == 8
    assert start(world).round == 2


def test_a_unit_that_voted_cannot_be_deleted_and_nothing_is_reopened(world):
    start(world)
    plan_votes.plan_vote_cancel(plan=world.plan, actor=world.coordinator, grounds="Typfout")
    with pytest.raises(DomainError, match="held a vote of its own"):
        unit_services.unit_delete(unit=world.units["Bèta"], actor=world.director)
    assert world.process.steps.get(number=1).state == ProcessStep.State.DONE
    assert not Decision.objects.filter(action="processes.step.reopened").exists()
    assert fresh(world.plan).unit.name == "Bèta"


# --- the agreement vote and voting's hooks ----------------------------------------------------


def test_the_plans_reaction_is_registered_when_django_starts():
    assert closing.ON_CLOSE[Vote.Kind.UNIT_PLAN] is plan_votes._plan_vote_closed
    assert closing.ON_CLOSE[Vote.Kind.AGREEMENT] is closing._agreement_vote_closed


def test_the_agreement_vote_keeps_its_own_reaction():
    with pytest.raises(ValueError):
        register_on_close(Vote.Kind.AGREEMENT, lambda *args: None)


def test_a_unit_vote_neither_locks_the_agreement_nor_shows_on_its_pages(world, client):
    vote = start(world)
    assert agreement_lock(world.process) is None
    client.force_login(world.pmr)
    assert client.get(reverse("voting:vote-result", args=[vote.pk])).status_code == 404
    assert client.get(reverse("voting:vote-roll", args=[vote.pk])).status_code == 404
    page = client.get(reverse("voting:vote-manage", args=[world.process.pk]))
    assert page.status_code == 200 and page.context["current"] is None


# --- voting on the ordinary ballot pages ------------------------------------------------------


def test_a_member_votes_signed_in_on_the_ballot_page(world, client):
    vote = start(world)
    member = world.people["Bèta"][2].user
    client.force_login(member)
    url = reverse("voting:ballot", args=[vote.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vote on the plan of Bèta" in html and "Minder vergaderen (Bèta)" in html
    assert "The agreement you vote on" not in html and "Do you approve this plan?" in html
    cast = client.post(url, {"stage": "cast", "choice": "yes"})
    assert cast.status_code == 200 and "receipt" in cast.context
    assert client.post(url, {"stage": "cast", "choice": "no"}).status_code == 409


def test_item4_the_plan_on_the_ballot_is_foldable_and_open_without_javascript(world, client):
    """On a phone werkdruk.js folds the plan so that the ballot starts with the choice (issue 15,
    item 4; tests/e2e/test_item4_phones.py): it is an open <details> before the choice, with
    the plan's heading in its summary, once."""
    vote = start(world)
    client.force_login(world.people["Bèta"][2].user)
    html = client.get(reverse("voting:ballot", args=[vote.pk])).content.decode()
    fold = html.index('<details class="wd-fold mb-4" open data-wd-fold-narrow')
    plan, end = html.index('data-testid="ballot-plan"'), html.index("</details>", fold)
    assert fold < html.index("<summary>", fold) < plan < end < html.index('data-testid="choice"')
    assert html.count("The plan you vote on") == 1


def test_someone_outside_the_unit_cannot_vote_on_its_plan(world, client):
    vote = start(world)
    client.force_login(world.people["Alfa"][1].user)
    page = client.get(reverse("voting:ballot", args=[vote.pk]))
    assert page.status_code == 403
    assert "every active member of the unit" in page.content.decode()


def test_a_member_votes_with_the_personal_link_from_the_invitation(world, client):
    vote = start(world)
    assert vote_messages_send(vote=vote) == 6
    subjects = {message.subject for message in mail.outbox}
    assert all("Vote on the plan of Bèta" in subject for subject in subjects)
    voter = vote.voters.order_by("pk").first()
    token = voter_token_issue(voter=voter)
    url = reverse("voting:ballot-token", args=[token])
    assert "Version of the plan" in client.get(url).content.decode()
    assert client.post(url, {"stage": "cast", "choice": "no"}).status_code == 200


def test_the_members_to_do_names_the_units_plan(world):
    vote = start(world)
    member = world.people["Bèta"][1].user
    (todo,) = vote_todos(member, [world.process])[world.process.pk]
    assert todo.text.startswith("Vote on the plan of Bèta")
    assert todo.url == reverse("voting:ballot", args=[vote.pk])


# --- the part of the plan page --------------------------------------------------------------


def panel_html(world, user, plan=None):
    plan = fresh(plan or world.plan)
    step = world.process.steps.get(number=8)
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "process": world.process,
        "unit": plan.unit,
        "plan": plan,
        "user": user,
        **approval_vote_context(user=user, plan=plan, step=step),
    }
    return render_to_string("plans/unit_plans/_approval_vote.html", context, request=request)


def test_the_coordinator_sees_the_start_form_and_a_member_the_ballot_link(world):
    assert 'data-testid="approval-start"' in panel_html(world, world.coordinator)
    assert 'data-testid="approval-start"' not in panel_html(world, world.people["Bèta"][1].user)
    vote = start(world)
    member = panel_html(world, world.people["Bèta"][1].user)
    assert reverse("voting:ballot", args=[vote.pk]) in member and "0 of 6 voted" in member
    assert 'data-testid="approval-close"' not in panel_html(world, world.coordinator)
    cast_all(vote, ["yes"] * 6)
    assert 'data-testid="approval-close"' in panel_html(world, world.coordinator)
    assert panel_html(world, world.people["Alfa"][0].user, world.plans["Alfa"]).strip() == ""


def test_a_small_unit_sees_no_turnout_while_voting_but_the_result_after(world):
    gamma = world.plans["Gamma"]
    coordinator = world.people["Gamma"][0].user
    vote = start(world, actor=coordinator, plan=gamma)
    html = panel_html(world, world.people["Gamma"][1].user, gamma)
    assert 'data-testid="approval-turnout-hidden"' in html and "voted (" not in html
    cast_all(vote, ["yes", "yes", "no"])
    html = panel_html(world, coordinator, gamma)
    assert 'data-testid="approval-close"' not in html  # that would tell all three voted
    with pytest.raises(DomainError, match="counted at its closing time"):
        plan_votes.plan_vote_close(plan=gamma, actor=coordinator)
    past_closing(vote)
    assert 'data-testid="approval-close"' in panel_html(world, coordinator, gamma)
    plan_votes.plan_vote_close(plan=gamma, actor=coordinator)
    html = panel_html(world, world.people["Gamma"][1].user, gamma)
    assert 'data-outcome="adopted"' in html and 'data-approved="true"' in html


def test_the_plan_page_shows_the_units_vote(world, client):
    url = reverse("plans:unit-plan", args=[world.process.pk, world.units["Bèta"].pk])
    client.force_login(world.coordinator)
    assert 'data-testid="approval-start"' in client.get(url).content.decode()
    start(world)
    client.force_login(world.people["Bèta"][3].user)
    html = client.get(url).content.decode()
    assert 'data-testid="approval-ballot"' in html and 'data-testid="edit-refusal"' in html


def test_the_coordinator_sees_the_invitations_that_could_not_be_delivered(world, client):
    """A refused invitation of the unit's vote is listed for the coordinator who started it,
    not for a member (issue 19: failures on the page that sent them)."""
    vote = start(world)
    member = world.people["Bèta"][2]
    OutboxMessage.objects.create(
        to=member.email,
        subject="Stem",
        cause="voting.ballot",
        cause_id=str(vote.pk),
        state=OutboxMessage.State.FAILED,
        last_error="SMTP 550 (SMTPRecipientsRefused)",
    )
    url = reverse("plans:unit-plan", args=[world.process.pk, world.units["Bèta"].pk])
    client.force_login(world.coordinator)
    html = client.get(url).content.decode()
    assert "1 e-mail could not be delivered" in html and member.email in html
    client.force_login(world.people["Bèta"][3].user)
    assert "could not be delivered" not in client.get(url).content.decode()


def test_the_start_view_opens_the_vote_for_the_coordinator_only(world, client):
    url = reverse("plans:unit-plan-vote-start", args=[world.process.pk, world.units["Bèta"].pk])
    data = {
        "closes_at": timezone.localtime(closes()).strftime("%Y-%m-%dT%H:%M"),
        "base": "yes_no",
        "majority": "half",
    }
    client.force_login(world.people["Bèta"][1].user)
    assert client.post(url, data).status_code == 403
    client.force_login(world.coordinator)
    invalid = client.post(url, {**data, "closes_at": "morgen"}, follow=True)
    assert not Vote.objects.exists() and "Voting closes at" in invalid.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("plans:unit-plan", args=[world.process.pk, world.plan.unit_id])
    vote = Vote.objects.get()
    assert (vote.base, vote.majority_numerator, vote.majority_denominator) == ("yes_no", 1, 2)


def test_the_close_and_cancel_views(world, client):
    vote = start(world)
    unit = world.units["Bèta"]
    client.force_login(world.coordinator)
    close_url = reverse("plans:unit-plan-vote-close", args=[world.process.pk, unit.pk])
    refused = client.post(close_url, follow=True)
    assert escape("The vote is still open until its closing time.") in refused.content.decode()
    cancel_url = reverse("plans:unit-plan-vote-cancel", args=[world.process.pk, unit.pk])
    client.post(cancel_url, {"grounds": "De begroting klopt niet."})
    vote.refresh_from_db()
    assert vote.outcome == Vote.Outcome.CANCELLED
