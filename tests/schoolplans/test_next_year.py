"""Next year (schoolplans/services/next_year.py, selectors/next_year.py): the evaluation's
follow-up carried into the new process, and last year's unplanned money offered as a
carry-over."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from processes import registry
from processes import services as process_services
from processes.agreement import content_hash
from processes.models import Decision, ProcessStep, SchoolRole
from schoolplans import urls as schoolplans_urls
from schoolplans.models import (
    EvaluationAgreement,
    RatificationRecord,
    SchoolPlan,
    SchoolPlanVersion,
)
from schoolplans.selectors import next_year
from schoolplans.services import next_year as next_year_services
from schoolplans.urls import next_year as urls_next_year
from tests.factories import (
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)
from units.models import BudgetLine
from units.services import budget
from werkdruk import urls as project_urls
from werkdruk.exceptions import DomainError

# The project's URLs with the carry-over pages (in case schoolplans/urls/ does not yet
# include urls/next_year.py): the tests of the pages use this module as ROOT_URLCONF.
_names = {getattr(p, "name", None) for p in schoolplans_urls.urlpatterns}
urlpatterns = [
    p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "schoolplans"
] + [
    path(
        "",
        include(
            (
                schoolplans_urls.urlpatterns
                + [p for p in urls_next_year.urlpatterns if p.name not in _names],
                "schoolplans",
            )
        ),
    )
]

FOLLOW_UP = "Volgend jaar de enquête opnieuw afnemen en de nakijkweek evalueren."


@pytest.fixture(autouse=True)
def follow_up_hook(monkeypatch):
    """The hook as the lead registers it from schoolplans/steps.py."""
    hooks = registry.copy_hooks()
    if next_year_services.follow_up_copy not in hooks:
        hooks.append(next_year_services.follow_up_copy)
    monkeypatch.setattr(registry, "_copy_hooks", hooks)


def ratify(process, *, budget_line="100000.00", content=None, follow_up=FOLLOW_UP):
    """``process`` with a budget, a ratified school plan (as its models record it; the
    ratification services are tested in their own files) and an evaluation agreement."""
    director = SchoolRole.objects.filter(school=process.school, role="director").first().user
    if budget_line is not None:
        budget.budget_line_add(
            process=process,
            actor=director,
            kind=BudgetLine.Kind.ALLOCATION,
            description="Toekenning",
            amount=Decimal(budget_line),
        )
    if content is None:
        content = {
            "budget": {
                "school": {
                    "budget": budget_line,
                    "cost_per_year": {"2025": "80000.00", "2026": "15000.00"},
                }
            }
        }
    school_plan = SchoolPlan.objects.create(process=process)
    version = SchoolPlanVersion.objects.create(
        school_plan=school_plan, number=2, content=content, content_hash=content_hash(content)
    )
    RatificationRecord.objects.create(version=version, decision_list=[], decision_list_hash="0")
    EvaluationAgreement.objects.create(
        process=process,
        what="Werkdruk per eenheid",
        indicators="Enquête",
        when="Juni",
        responsible="PMR",
        sharing="Personeelsvergadering",
        follow_up=follow_up,
    )
    return process


@pytest.fixture
def last_year(school, director):
    year = SchoolYearFactory(start_year=2025)
    return process_services.process_create(school=school, school_year=year, actor=director)


def staff_user(school):
    user = UserFactory()
    StaffMemberFactory(school=school, user=user, email=user.email)
    return user


def start_next_year(school, director, copy_from):
    year = SchoolYearFactory(start_year=2026)
    return process_services.process_create(
        school=school, school_year=year, actor=director, copy_from=copy_from
    )


# --- the follow-up ------------------------------------------------------------------------


def test_follow_up_is_recorded_in_the_new_process_when_it_starts_from_last_year(
    school, director, last_year
):
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    decision = Decision.objects.get(process=new, action=next_year.FOLLOW_UP_CARRIED)
    assert decision.summary == f"Follow-up agreed in the evaluation of 2025-2026: {FOLLOW_UP}"
    assert decision.content == {"from_school_year": "2025-2026", "follow_up": FOLLOW_UP}
    assert decision.actor is None and decision.step_number == 1
    assert next_year.follow_up_carried(new) == FOLLOW_UP
    # Nothing is made for the new year's evaluation: that agreement is still to be made.
    assert not EvaluationAgreement.objects.filter(process=new).exists()


def test_follow_up_keeps_its_full_text_when_the_summary_shortens_it(school, director, last_year):
    long_text = "Meten. " * 100
    ratify(last_year, follow_up=long_text)
    new = start_next_year(school, director, last_year)
    decision = Decision.objects.get(process=new, action=next_year.FOLLOW_UP_CARRIED)
    assert len(decision.summary) < 500 and decision.summary.endswith("…")
    assert next_year.follow_up_carried(new) == long_text.strip()


@pytest.mark.parametrize("follow_up", ["", "   "])
def test_no_follow_up_is_carried_when_last_year_named_none(school, director, last_year, follow_up):
    ratify(last_year, follow_up=follow_up)
    new = start_next_year(school, director, last_year)
    assert not Decision.objects.filter(process=new, action=next_year.FOLLOW_UP_CARRIED).exists()
    assert next_year.follow_up_carried(new) is None


def test_no_follow_up_without_an_evaluation_agreement_or_without_copying(
    school, director, last_year
):
    new = start_next_year(school, director, last_year)
    assert next_year.follow_up_carried(new) is None
    ratify(last_year)  # too late: only a process started from last year's takes it over
    assert next_year.follow_up_carried(new) is None


# --- the carry-over offer ---------------------------------------------------------------------


def test_offer_is_the_budget_minus_what_the_ratified_plan_planned_in_its_year(
    school, director, last_year
):
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    details = next_year.carry_over_details(new)
    assert next_year.carry_over_offer(new) == Decimal("20000.00") == details.amount
    assert details.school_budget == Decimal("100000.00")
    assert details.planned_cost == Decimal("80000.00")  # not the 15000 planned for 2026
    assert details.version_number == 2 and details.previous == last_year
    # Offered, not imposed: the budget of the new year is untouched.
    assert not BudgetLine.objects.filter(process=new).exists()


def test_offer_comes_from_the_previous_year_also_for_a_process_not_copied(
    school, director, last_year
):
    new = start_next_year(school, director, None)
    assert next_year.carry_over_offer(new) is None
    ratify(last_year)
    assert next_year.carry_over_offer(new) == Decimal("20000.00")


def test_no_offer_when_the_plan_planned_the_whole_budget_or_more(school, director, last_year):
    content = {"budget": {"school": {"budget": "100000.00", "cost_per_year": {"2025": "100500"}}}}
    ratify(last_year, content=content)
    new = start_next_year(school, director, last_year)
    assert next_year.carry_over_offer(new) is None  # never negative


def test_no_offer_when_last_year_was_not_ratified(school, director, last_year):
    budget.budget_line_add(
        process=last_year, actor=director, kind="allocation", description="T", amount=Decimal(9)
    )
    new = start_next_year(school, director, last_year)
    assert next_year.carry_over_offer(new) is None


def test_offer_reads_the_measures_and_budget_lines_when_the_content_has_no_totals(
    school, director, last_year
):
    content = {
        "measures": [
            {"cost_per_year": {"2025": "1000.50", "2026": "99999"}},
            {"cost_per_year": {"2025": "499.50"}},
            {"cost_per_year": {}},
        ]
    }
    ratify(last_year, budget_line="5000.00", content=content)
    new = start_next_year(school, director, last_year)
    assert next_year.carry_over_offer(new) == Decimal("3500.00")


# --- accepting it -------------------------------------------------------------------------------


def test_director_accepts_the_offer_as_a_carry_over_line_and_a_decision(
    school, director, last_year
):
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    line = next_year_services.carry_over_accept(process=new, actor=director)
    assert (line.kind, line.amount, line.process) == ("carry_over", Decimal("20000.00"), new)
    assert line.description == "Not planned in 2025-2026 (ratified school plan, version 2)"
    decision = Decision.objects.get(process=new, action=next_year.CARRY_OVER_ACCEPTED)
    assert decision.actor == director and decision.step_number == 2
    assert decision.content == {
        "from_school_year": "2025-2026",
        "ratified_version": 2,
        "school_budget": "100000.00",
        "planned_cost": "80000.00",
        "from_spending": False,
        "amount": "20000.00",
        "line": line.pk,
    }
    assert Decision.objects.filter(process=new, action="units.budget_line.added").exists()
    # Offered once: taken, it is an ordinary line of the budget.
    assert next_year.carry_over_offer(new) is None
    with pytest.raises(DomainError, match="already in the budget"):
        next_year_services.carry_over_accept(process=new, actor=director)
    assert BudgetLine.objects.filter(process=new).count() == 1


def test_only_the_director_accepts(school, director, pmr, last_year):
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    for actor in (pmr, SchoolRoleFactory(role="director").user, staff_user(school)):
        with pytest.raises(PermissionDenied):
            next_year_services.carry_over_accept(process=new, actor=actor)
    assert not BudgetLine.objects.filter(process=new).exists()


def test_accepting_without_an_offer_is_refused(school, director, last_year):
    new = start_next_year(school, director, last_year)
    with pytest.raises(DomainError, match="no money to carry over"):
        next_year_services.carry_over_accept(process=new, actor=director)


def test_accepting_after_a_signed_step_2_reopens_it(school, director, pmr, last_year, monkeypatch):
    monkeypatch.setattr(registry, "_blockers", {})
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    for number in (1, 2):
        for actor in (director, pmr):
            process_services.step_sign_off(step=new.steps.get(number=number), actor=actor)
    next_year_services.carry_over_accept(process=new, actor=director)
    step2 = new.steps.get(number=2)
    assert step2.state == ProcessStep.State.OPEN and step2.revision == 2


def test_no_offer_once_the_staff_voted_on_the_budget(school, director, pmr, last_year, monkeypatch):
    monkeypatch.setattr(registry, "_blockers", {})
    monkeypatch.setattr(registry, "_completion_hooks", {})
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    for number in (1, 2, 3):
        for actor in (director, pmr):
            process_services.step_sign_off(step=new.steps.get(number=number), actor=actor)
    process_services.step_complete_by_system(step=new.steps.get(number=4), summary="Adopted")
    assert next_year.carry_over_offer(new) is None
    with pytest.raises(DomainError, match="voted on this year's budget"):
        next_year_services.carry_over_accept(process=new, actor=director)


# --- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def pages(settings):
    settings.ROOT_URLCONF = __name__


def test_offer_fragment_shows_the_director_the_button(client, pages, school, director, last_year):
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    client.force_login(director)
    response = client.get(f"/process/{new.pk}/carry-over/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="carry-over-offer"' in html and 'data-testid="carry-over-accept"' in html
    assert "2025-2026" in html and "20,000.00" in html


def test_offer_fragment_shows_the_pmr_no_button_and_staff_nothing(
    client, pages, school, director, pmr, last_year
):
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    client.force_login(pmr)
    html = client.get(f"/process/{new.pk}/carry-over/", headers={"HX-Request": "true"})
    assert 'data-testid="carry-over-offer"' in html.content.decode()
    assert 'data-testid="carry-over-accept"' not in html.content.decode()
    client.force_login(staff_user(school))
    response = client.get(f"/process/{new.pk}/carry-over/", headers={"HX-Request": "true"})
    assert response.status_code == 403


def test_offer_fragment_is_empty_without_an_offer_and_redirects_without_htmx(
    client, pages, school, director, last_year
):
    new = start_next_year(school, director, last_year)
    client.force_login(director)
    response = client.get(f"/process/{new.pk}/carry-over/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "carry-over-offer" not in response.content.decode()
    response = client.get(f"/process/{new.pk}/carry-over/")
    assert response.status_code == 302 and response.url == f"/process/{new.pk}/budget/"


def test_accept_button_adds_the_line(client, pages, school, director, pmr, last_year):
    ratify(last_year)
    new = start_next_year(school, director, last_year)
    client.force_login(pmr)
    assert client.post(f"/process/{new.pk}/carry-over/accept/").status_code == 403
    client.force_login(director)
    response = client.post(f"/process/{new.pk}/carry-over/accept/", follow=True)
    assert response.redirect_chain[-1][0] == f"/process/{new.pk}/budget/"
    assert "has been added to the budget" in response.content.decode()
    assert BudgetLine.objects.get(process=new).amount == Decimal("20000.00")
    response = client.post(f"/process/{new.pk}/carry-over/accept/", follow=True)
    assert "already in the budget" in response.content.decode()
    assert BudgetLine.objects.filter(process=new).count() == 1
