"""Step 8: a unit chooses its measures by a secret vote within its budget (issue 18, item 8).

The coordinator puts options with costs to the unit (its plan's measures and options typed
in); the budget is fixed at opening; each member casts a combination that fits the budget or
abstains, sealed like every ballot; the count gives the chosen set within the budget; the unit
takes it into its plan in one step. The pages check who may do what on the server.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from plans.models import Measure, MeasureCategory
from plans.services import measure_votes
from plans.services.unit_plans import MeasureData, measure_create
from processes.models import Decision, SchoolRole
from tests.factories import (
    BoardAdministratorFactory,
    SchoolFactory,
    SchoolRoleFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.plans.test_unit_plan_vote import past_closing, world  # noqa: F401 - the fixture
from units.models import OrganisationalUnit
from voting.models import Ballot, Participation, Vote
from voting.services.casting import ballot_cast
from voting.services.closing import vote_close
from werkdruk.exceptions import DomainError

pytestmark = pytest.mark.django_db

D = Decimal
BUDGET = D("10000.00")


def closes(days=7):
    return timezone.now() + datetime.timedelta(days=days)


def fixed_measure(plan, actor, title, amount):
    return measure_create(
        plan=plan,
        actor=actor,
        data=MeasureData(
            title=title,
            category=MeasureCategory.objects.get(code="task_relief"),
            cost_type="fixed",
            amount=D(amount),
            first_year=2026,
            last_year=2026,
        ),
    )


@pytest.fixture
def budgeted(world):  # noqa: F811 - the fixture imported above
    """Bèta with a budget of 10.000 and two costed measures besides the free one."""
    OrganisationalUnit.objects.filter(pk__in=[u.pk for u in world.units.values()]).update(
        amount=BUDGET
    )
    for unit in world.units.values():
        unit.refresh_from_db()
    world.plan.unit.refresh_from_db()
    member = world.people["Bèta"][1].user
    world.mentor = fixed_measure(world.plan, member, "Extra mentoruur", "6000")
    world.rooster = fixed_measure(world.plan, member, "Roosterhulp", "5000")
    return world


def start(w, **kwargs):
    kwargs.setdefault("measure_ids", [w.mentor.pk, w.rooster.pk])
    kwargs.setdefault("extra_options", [{"title": "Stilteruimte", "cost": "3000"}])
    return measure_votes.measures_vote_start(
        plan=w.plan, actor=kwargs.pop("actor", w.coordinator), closes_at=closes(), **kwargs
    )


def positions(vote):
    return {o.title: o.position for o in vote.options.all()}


def cast(vote, voter, titles):
    p = positions(vote)
    choice = "yes" if titles else "abstain"
    return ballot_cast(vote=vote, voter=voter, choice=choice, selection=[p[t] for t in titles])


# --- opening --------------------------------------------------------------------------------


def test_the_coordinator_opens_with_options_and_the_budget_fixed(budgeted):
    vote = start(budgeted)
    assert vote.kind == Vote.Kind.UNIT_MEASURES and vote.step_number == 8
    assert vote.budget == BUDGET
    options = [(o.title, o.cost, o.measure_id) for o in vote.options.order_by("position")]
    assert options == [
        ("Extra mentoruur", D("6000.00"), budgeted.mentor.pk),
        ("Roosterhulp", D("5000.00"), budgeted.rooster.pk),
        ("Stilteruimte", D("3000.00"), None),
    ]
    assert vote.voters.count() == 6  # the unit's active members
    # The budget and the options stay as they were when the vote opened.
    OrganisationalUnit.objects.filter(pk=budgeted.plan.unit_id).update(amount=D("1"))
    budgeted.mentor.title = "Changed"
    budgeted.mentor.save()
    vote.refresh_from_db()
    assert vote.budget == BUDGET and positions(vote)["Extra mentoruur"] == 1
    opened = Decision.objects.get(action="voting.vote.opened", step_number=8)
    assert opened.content["budget"] == "10000.00" and len(opened.content["options"]) == 3


@pytest.mark.parametrize("who", ["member", "director", "pmr", "other_coordinator"])
def test_only_the_units_coordinator_opens_it(budgeted, who):
    actor = {
        "member": budgeted.people["Bèta"][1].user,
        "director": budgeted.director,
        "pmr": budgeted.pmr,
        "other_coordinator": budgeted.people["Gamma"][0].user,
    }[who]
    with pytest.raises(PermissionDenied):
        start(budgeted, actor=actor)
    assert not Vote.objects.filter(kind=Vote.Kind.UNIT_MEASURES).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"measure_ids": [], "extra_options": [{"title": "Eén", "cost": "1"}]}, "two options"),
        ({"extra_options": [{"title": "", "cost": "1"}]}, "title"),
        ({"extra_options": [{"title": "Negatief", "cost": "-1"}]}, "zero or more"),
        ({"extra_options": [{"title": "Fractie", "cost": "1.005"}]}, "cents"),
    ],
)
def test_bad_options_are_refused(budgeted, kwargs, message):
    with pytest.raises(DomainError, match=message):
        start(budgeted, **kwargs)


def test_a_measure_of_another_units_plan_is_no_option(budgeted):
    other = budgeted.plans["Gamma"].measures.first()
    with pytest.raises(DomainError, match="this unit's plan"):
        start(budgeted, measure_ids=[budgeted.mentor.pk, other.pk])


def test_no_vote_without_a_budget_or_while_one_is_open(budgeted):
    OrganisationalUnit.objects.filter(pk=budgeted.plan.unit_id).update(amount=None)
    budgeted.plan.unit.refresh_from_db()
    with pytest.raises(DomainError, match="no budget"):
        start(budgeted)
    OrganisationalUnit.objects.filter(pk=budgeted.plan.unit_id).update(amount=BUDGET)
    budgeted.plan.unit.refresh_from_db()
    start(budgeted)
    with pytest.raises(DomainError, match="already"):
        start(budgeted)


# --- casting ----------------------------------------------------------------------------------


def test_a_combination_over_the_budget_is_refused_and_nothing_is_recorded(budgeted):
    vote = start(budgeted)
    voter = vote.voters.first()
    with pytest.raises(DomainError, match="more than the budget"):
        cast(vote, voter, ["Extra mentoruur", "Roosterhulp"])  # 11.000 > 10.000
    assert not Participation.objects.filter(voter=voter).exists()
    assert not Ballot.objects.filter(vote=vote).exists()
    assert cast(vote, voter, ["Extra mentoruur", "Stilteruimte"])  # 9.000 fits


@pytest.mark.parametrize(
    ("choice", "selection", "message"),
    [
        ("yes", [], "at least one"),
        ("abstain", [1], "chooses no measures"),
        ("no", [], "or abstain"),
        ("yes", [99], "no such option"),
        ("yes", ["x"], "no such option"),
    ],
)
def test_a_ballot_must_be_a_fitting_choice_or_an_abstention(budgeted, choice, selection, message):
    vote = start(budgeted)
    with pytest.raises(DomainError, match=message):
        ballot_cast(vote=vote, voter=vote.voters.first(), choice=choice, selection=selection)


def test_the_selection_is_sealed_while_open_and_in_the_clear_after_counting(budgeted):
    vote = start(budgeted)
    voters = list(vote.voters.order_by("pk"))
    choices = [
        ["Extra mentoruur", "Stilteruimte"],
        ["Extra mentoruur"],
        ["Roosterhulp", "Stilteruimte"],
        ["Roosterhulp"],
        ["Extra mentoruur", "Stilteruimte"],
        [],
    ]
    for voter, titles in zip(voters, choices, strict=True):
        cast(vote, voter, titles)
    sealed = list(Ballot.objects.filter(vote=vote).values_list("selection", "choice", "sealed"))
    assert all(s == [] and c == "" and b is not None for s, c, b in sealed)
    vote = measure_votes.measures_vote_close(plan=budgeted.plan, actor=budgeted.coordinator)
    p = positions(vote)
    counted = sorted(
        sorted(s) for s in Ballot.objects.filter(vote=vote).values_list("selection", flat=True)
    )
    assert counted == sorted(sorted(p[t] for t in titles) for titles in choices)
    assert vote.outcome == Vote.Outcome.ADOPTED
    assert (vote.cast_count, vote.yes_count, vote.abstain_count) == (6, 5, 1)
    # Votes: mentoruur 3, stilteruimte 3, roosterhulp 2. Mentoruur and stilteruimte tie on
    # votes: the cheaper (stilteruimte, 3.000) first, then mentoruur (9.000); roosterhulp
    # (5.000) no longer fits.
    assert vote.measures_result["votes"] == {
        str(p["Extra mentoruur"]): 3,
        str(p["Roosterhulp"]): 2,
        str(p["Stilteruimte"]): 3,
    }
    assert vote.measures_result["chosen"] == [p["Stilteruimte"], p["Extra mentoruur"]]
    assert D(vote.measures_result["total"]) == D("9000") <= vote.budget
    closed = Decision.objects.get(action="voting.vote.closed", step_number=8)
    assert closed.content["measures"] == vote.measures_result


def test_all_abstaining_chooses_nothing(budgeted):
    vote = start(budgeted)
    for voter in vote.voters.all():
        cast(vote, voter, [])
    vote = measure_votes.measures_vote_close(plan=budgeted.plan, actor=budgeted.coordinator)
    assert vote.outcome == Vote.Outcome.REJECTED and vote.measures_result["chosen"] == []


def test_without_the_quorum_the_choice_is_invalid(budgeted):
    vote = start(budgeted, quorum_percentage=80)
    cast(vote, vote.voters.first(), ["Roosterhulp"])
    past_closing(vote)
    vote = vote_close(vote=vote)
    assert vote.outcome == Vote.Outcome.INVALID


def test_an_agreement_style_ballot_takes_no_selection(budgeted):
    from voting.services.measures import clean_selection

    plan_vote = Vote(kind=Vote.Kind.UNIT_PLAN)
    with pytest.raises(DomainError):
        clean_selection(plan_vote, "yes", [1])
    assert clean_selection(plan_vote, "yes", []) == []


def test_a_choice_of_measures_does_not_freeze_the_plan(budgeted):
    start(budgeted)
    fixed_measure(budgeted.plan, budgeted.people["Bèta"][2].user, "Nog een idee", "10")


# --- into the plan ----------------------------------------------------------------------------


def counted(w):
    vote = start(w)
    for voter, titles in zip(
        vote.voters.order_by("pk"),
        [["Extra mentoruur", "Stilteruimte"]] * 4 + [["Roosterhulp"]] * 2,
        strict=True,
    ):
        cast(vote, voter, titles)
    return measure_votes.measures_vote_close(plan=w.plan, actor=w.coordinator)


def test_a_member_takes_the_chosen_set_into_the_plan_once(budgeted):
    vote = counted(budgeted)
    member = budgeted.people["Bèta"][3].user
    marked = measure_votes.measures_choice_apply(plan=budgeted.plan, actor=member)
    assert {m.title for m in marked} == {"Extra mentoruur", "Stilteruimte"}
    chosen = Measure.objects.filter(plan=budgeted.plan, chosen_in_vote=vote)
    assert set(chosen.values_list("title", flat=True)) == {"Extra mentoruur", "Stilteruimte"}
    written = chosen.get(title="Stilteruimte")  # typed in: now a measure of the plan
    assert written.total_cost == D("3000.00") and written.category.code == "other"
    rooster = Measure.objects.get(pk=budgeted.rooster.pk)
    assert rooster.chosen_in_vote is None  # not chosen: stays, unmarked
    assert Decision.objects.filter(action="plans.unit_plan.measures_chosen").count() == 1
    with pytest.raises(DomainError, match="already"):
        measure_votes.measures_choice_apply(plan=budgeted.plan, actor=member)
    assert Measure.objects.filter(plan=budgeted.plan, title="Stilteruimte").count() == 1


def test_only_a_member_takes_it_into_the_plan_and_only_when_counted(budgeted):
    start(budgeted)
    member = budgeted.people["Bèta"][3].user
    with pytest.raises(DomainError, match="no counted choice"):
        measure_votes.measures_choice_apply(plan=budgeted.plan, actor=member)
    measure_votes.measures_vote_cancel(
        plan=budgeted.plan, actor=budgeted.coordinator, grounds="Verkeerde opties."
    )
    counted(budgeted)
    for outsider in (budgeted.director, budgeted.people["Gamma"][0].user):
        with pytest.raises(PermissionDenied):
            measure_votes.measures_choice_apply(plan=budgeted.plan, actor=outsider)


# --- the pages --------------------------------------------------------------------------------


def page_url(w, name="measures-vote"):
    return reverse(f"plans:{name}", args=[w.process.pk, w.plan.unit_id])


@pytest.fixture
def outsiders(budgeted):
    school = budgeted.process.school
    other = SchoolFactory()
    staff = UserFactory()
    StaffMemberFactory(school=school, user=staff, email=staff.email)
    return {
        "anonymous": None,
        "school staff outside the unit": staff,
        "director": budgeted.director,
        "pmr": budgeted.pmr,
        "board admin": BoardAdministratorFactory(board=school.board).user,
        "admin of another board": BoardAdministratorFactory(board=other.board).user,
        "director of another school": SchoolRoleFactory(
            school=other, role=SchoolRole.Role.DIRECTOR
        ).user,
        "other unit's coordinator": budgeted.people["Gamma"][0].user,
        "system staff": UserFactory(is_staff=True),
    }


EXPECTED_GET = {
    "anonymous": 302,  # to the sign-in page
    "school staff outside the unit": 403,
    "director": 403,  # a unit's working documents until the plan is handed in
    "pmr": 403,
    "board admin": 403,  # sees the process, not a unit's working documents
    "admin of another board": 404,
    "director of another school": 404,
    "other unit's coordinator": 403,
    "system staff": 404,
}


def _login(client, user):
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("who", list(EXPECTED_GET))
def test_permission_matrix_of_the_page_and_its_actions(budgeted, outsiders, client, who):
    user = outsiders[who]
    _login(client, user)
    assert client.get(page_url(budgeted)).status_code == EXPECTED_GET[who]
    for name in ("measures-vote-start", "measures-vote-close", "measures-vote-cancel",
                 "measures-vote-apply"):  # fmt: skip
        response = client.post(page_url(budgeted, name), {"grounds": "x"})
        assert response.status_code in (302, 403, 404)
        if user is None:
            assert "/login" in response["Location"] or "accounts" in response["Location"]
        elif EXPECTED_GET[who] != 200:
            assert response.status_code == EXPECTED_GET[who]
    assert not Vote.objects.filter(kind=Vote.Kind.UNIT_MEASURES).exists()


def _start_data(w):
    when = timezone.localtime(closes()).strftime("%d-%m-%Y %H:%M")
    return {
        "closes_at": when,
        "measures": [w.mentor.pk, w.rooster.pk],
        "title_1": "Stilteruimte",
        "cost_1": "3.000,00",
    }


def test_a_member_sees_the_page_but_only_the_coordinator_starts(budgeted, client):
    member = budgeted.people["Bèta"][1].user
    client.force_login(member)
    page = client.get(page_url(budgeted))
    assert page.status_code == 200 and page.context["form"] is None
    assert (
        client.post(page_url(budgeted, "measures-vote-start"), _start_data(budgeted)).status_code
        == 403
    )
    client.force_login(budgeted.coordinator)
    page = client.get(page_url(budgeted))
    assert page.status_code == 200 and page.context["form"] is not None
    response = client.post(page_url(budgeted, "measures-vote-start"), _start_data(budgeted))
    assert response.status_code == 302
    vote = Vote.objects.get(kind=Vote.Kind.UNIT_MEASURES)
    assert list(vote.options.values_list("title", "cost")) == [
        ("Extra mentoruur", D("6000.00")),
        ("Roosterhulp", D("5000.00")),
        ("Stilteruimte", D("3000.00")),
    ]


def test_the_set_up_form_shows_a_refusal_with_status_400(budgeted, client):
    client.force_login(budgeted.coordinator)
    data = {**_start_data(budgeted), "measures": [], "title_1": "", "cost_1": ""}
    response = client.post(page_url(budgeted, "measures-vote-start"), data)
    assert response.status_code == 400 and "at least two options" in response.content.decode()


def test_the_ballot_shows_options_and_budget_and_refuses_over_budget(budgeted, client):
    vote = start(budgeted)
    p = positions(vote)
    member = budgeted.people["Bèta"][2].user
    client.force_login(member)
    url = reverse("voting:ballot", args=[vote.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Choose the measures of Bèta" in html and 'data-wd-budget="10000.00"' in html
    assert 'data-wd-cost="6000.00"' in html and "Stilteruimte" in html
    over = {
        "stage": "review",
        "choice": "yes",
        "selection": [p["Extra mentoruur"], p["Roosterhulp"]],
    }
    response = client.post(url, over)
    assert response.status_code == 400 and "more than the budget" in response.content.decode()
    fits = {"stage": "review", "choice": "yes", "selection": [p["Roosterhulp"], p["Stilteruimte"]]}
    review = client.post(url, fits)
    assert review.status_code == 200
    assert [o.title for o in review.context["summary"]["options"]] == [
        "Roosterhulp",
        "Stilteruimte",
    ]
    receipt = client.post(url, {**fits, "stage": "cast"})
    assert receipt.status_code == 200 and "receipt" in receipt.context
    # Someone outside the unit is not on the roll.
    client.force_login(budgeted.people["Gamma"][1].user)
    assert client.get(url).status_code == 403


def test_the_result_shows_on_the_vote_page_and_on_the_plan_page(budgeted, client):
    counted(budgeted)
    client.force_login(budgeted.people["Bèta"][4].user)
    for url in (
        page_url(budgeted),
        reverse("plans:unit-plan", args=[budgeted.process.pk, budgeted.plan.unit_id]),
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="measures-result"' in html
        assert html.count('data-chosen="true"') == 2
        assert "€ 9.000,00" in html or "€9,000.00" in html or "9,000.00" in html
    response = client.post(page_url(budgeted, "measures-vote-apply"))
    assert response.status_code == 302
    plan_page = client.get(
        reverse("plans:unit-plan", args=[budgeted.process.pk, budgeted.plan.unit_id])
    )
    assert plan_page.content.decode().count('data-testid="chosen-in-vote"') == 2


def test_the_archive_keeps_the_budget_options_votes_and_chosen_set(budgeted):
    from schoolplans.selectors.archive import archive_content

    counted(budgeted)
    votes = archive_content(budgeted.process)["votes"]
    choice = next(v for v in votes if v["kind"] == "unit_measures")
    assert choice["budget"] == "10000.00"
    assert [(o["title"], o["cost"], o["votes"], o["chosen"]) for o in choice["options"]] == [
        ("Extra mentoruur", "6000.00", 4, True),
        ("Roosterhulp", "5000.00", 2, False),
        ("Stilteruimte", "3000.00", 4, True),
    ]


def test_a_ballot_selecting_every_one_of_the_most_options_still_seals(budgeted):
    from voting.services.measures import MAX_OPTIONS

    extra = [{"title": f"Idee {i}", "cost": "0"} for i in range(MAX_OPTIONS - 2)]
    with pytest.raises(DomainError, match="at most"):
        start(budgeted, extra_options=[*extra, {"title": "Eén te veel", "cost": "1"}])
    vote = start(budgeted, extra_options=extra)
    assert vote.options.count() == MAX_OPTIONS
    every = list(range(1, MAX_OPTIONS + 1))
    with pytest.raises(DomainError):  # mentoruur and roosterhulp together are over budget
        ballot_cast(vote=vote, voter=vote.voters.first(), choice="yes", selection=every)
    assert ballot_cast(vote=vote, voter=vote.voters.first(), choice="yes", selection=every[1:])


def test_the_admin_shows_a_vote_with_its_options_read_only(budgeted, client):
    vote = start(budgeted)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:voting_vote_change", args=[vote.pk]))
    assert page.status_code in (200, 302)  # the admin may ask for its second factor first
