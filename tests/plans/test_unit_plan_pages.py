"""Step 8's pages: the overview of the units' plans, a plan with its measures, the measure form
with its live preview, the history; who may open and do what; constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from plans.models import (
    FrameworkRule,
    FunctionCost,
    Measure,
    MeasureCategory,
    MeasureComment,
    UnitAnnouncement,
    UnitPlan,
    WarningAcknowledgement,
    WorkloadCause,
)
from plans.services import unit_plan_decisions as decisions
from plans.services import unit_plans as services
from processes import services as process_services
from processes.models import Decision, ProcessStep, SchoolRole, SignOff
from tests.factories import (
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)
from units.models import OrganisationalUnit, UnitMembership, WorkingMethod
from werkdruk.money import format_euro

BUDGET = Decimal("100000.00")


def euro(amount) -> str:
    return escape(format_euro(Decimal(amount)))


class World:
    """A school with a process whose step 8 is open, two units (A with a coordinator), the
    director, the PMR, and another school's director."""

    def __init__(self):
        self.school = SchoolFactory()
        self.year = SchoolYearFactory(start_year=2026)
        self.director = SchoolRoleFactory(school=self.school, role=SchoolRole.Role.DIRECTOR).user
        self.pmr = SchoolRoleFactory(school=self.school, role=SchoolRole.Role.PMR).user
        other = SchoolFactory()
        self.other_director = SchoolRoleFactory(school=other, role=SchoolRole.Role.DIRECTOR).user
        self.process = process_services.process_create(
            school=self.school, school_year=self.year, actor=self.director
        )
        self.process.steps.filter(number=8).update(state=ProcessStep.State.OPEN)
        self.unit_a = OrganisationalUnit.objects.create(
            process=self.process, name="Unit A", amount=BUDGET
        )
        self.unit_b = OrganisationalUnit.objects.create(
            process=self.process, name="Unit B", amount=BUDGET
        )
        self.coordinator = self.member(self.unit_a)
        self.member_a = self.member(self.unit_a)
        self.member_b = self.member(self.unit_b)
        now = timezone.now()
        WorkingMethod.objects.create(
            process=self.process,
            unit=self.unit_a,
            leader=self.coordinator.staff_memberships.get(),
            decision_mode=WorkingMethod.DecisionMode.CONSENSUS,
            participation=WorkingMethod.Participation.VOLUNTARY,
            recorded_at=now,
            changed_at=now,
        )
        FunctionCost.objects.update_or_create(
            school_year=self.year,
            function="onderwijsassistent",
            defaults={"yearly_cost": Decimal("50000.00")},
        )
        # As seeded by the migrations (again, after a browser test's flush of the database).
        self.category, _ = MeasureCategory.objects.get_or_create(
            code="extra_staff", defaults={"name_nl": "Extra personeel", "name_en": "Extra staff"}
        )
        self.must_budget = FrameworkRule.objects.create(
            process=self.process,
            text="Stay within the unit budget.",
            kind=FrameworkRule.Kind.FINANCIAL,
            severity=FrameworkRule.Severity.MUST,
            machine_check=FrameworkRule.Check.WITHIN_UNIT_BUDGET,
        )
        self.warn_cost = FrameworkRule.objects.create(
            process=self.process,
            text="Discuss measures over 20,000 first.",
            kind=FrameworkRule.Kind.FINANCIAL,
            severity=FrameworkRule.Severity.WARNING,
            machine_check=FrameworkRule.Check.MAX_COST_PER_MEASURE,
            max_amount=Decimal("20000.00"),
            order=1,
        )

    def member(self, unit):
        user = UserFactory()
        staff = StaffMemberFactory(school=self.school, user=user, email=user.email)
        UnitMembership.objects.create(process=self.process, unit=unit, staff_member=staff)
        return user

    def plan(self, unit=None) -> UnitPlan:
        return services.plan_for_unit(unit=unit or self.unit_a)

    def measure(self, title="Extra lessons", amount="5000.00", unit=None, actor=None, **extra):
        data = {
            "title": title,
            "category": self.category,
            "cost_type": Measure.CostType.FIXED,
            "amount": Decimal(amount),
            "first_year": 2026,
            "last_year": 2026,
            **extra,
        }
        return services.measure_create(
            plan=self.plan(unit),
            actor=actor or self.coordinator,
            data=services.MeasureData(**data),
        )

    def submit(self, unit=None):
        if not self.plan(unit).measures.exists():
            self.measure(unit=unit)
        return decisions.plan_submit(plan=self.plan(unit), actor=self.coordinator)


@pytest.fixture
def world(db):
    return World()


def url(name, world, *args, unit=None):
    if name in ("unit-plan-overview", "unit-plan-close"):
        return reverse(f"plans:{name}", args=[world.process.pk])
    return reverse(f"plans:{name}", args=[world.process.pk, (unit or world.unit_a).pk, *args])


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


HX = {"HTTP_HX_REQUEST": "true"}


def fte_post(**extra):
    return {
        "title": "Onderwijsassistent",
        "category": "extra_staff",
        "cost_type": "fte",
        "shown_cost_type": "fte",
        "fte": "0,6",
        "function": "onderwijsassistent",
        "first_year": "2026",
        "last_year": "2026",
        **extra,
    }


# --- who may open what ----------------------------------------------------------------------

ROLES = ["member_a", "member_b", "director", "pmr", "other_director", "anonymous"]


def who(world, role):
    return None if role == "anonymous" else getattr(world, role)


def status_of(client, method, path, data=None):
    response = getattr(client, method)(path, data or {})
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


# On a draft plan of unit A: (url name, extra args, method, data, {role: status}).
DRAFT_MATRIX = [
    ("unit-plan-overview", "get", {}, [200, 200, 200, 200, 404, "login"]),
    ("unit-plan", "get", {}, [200, 403, 403, 403, 404, "login"]),
    ("unit-plan-history", "get", {}, [200, 403, 403, 403, 404, "login"]),
    ("measure-create", "get", {}, [200, 403, 403, 403, 404, "login"]),
    ("measure-update", "get", {}, [200, 403, 403, 403, 404, "login"]),
    ("measure-create-preview", "post", {"cost_type": "none"}, [200, 403, 403, 403, 404, "login"]),
    ("measure-update-preview", "post", {"cost_type": "none"}, [200, 403, 403, 403, 404, "login"]),
    ("unit-plan-analysis", "post", {"analysis": "Busy"}, [302, 403, 403, 403, 404, "login"]),
    ("measure-comment", "post", {"text": "Good idea"}, [302, 403, 403, 403, 404, "login"]),
    ("unit-plan-return", "post", {"reason": "No"}, [403, 403, 403, 403, 404, "login"]),
    ("unit-plan-submit", "post", {}, [403, 403, 403, 403, 404, "login"]),
    ("unit-plan-close", "post", {}, [403, 403, 400, 400, 404, "login"]),
    ("measure-delete", "post", {}, [302, 403, 403, 403, 404, "login"]),
]
MEASURE_URLS = {"measure-update", "measure-update-preview", "measure-comment", "measure-delete"}


@pytest.mark.parametrize(("name", "method", "data", "expected"), DRAFT_MATRIX)
def test_who_may_open_each_page_of_a_draft_plan(world, client, name, method, data, expected):
    measure = world.measure()
    args = [measure.pk] if name in MEASURE_URLS else []
    got = []
    for role in ROLES:
        client.logout()
        got.append(
            status_of(as_user(client, who(world, role)), method, url(name, world, *args), data)
        )
    assert got == expected, dict(zip(ROLES, got, strict=True))


SUBMITTED_MATRIX = [
    ("unit-plan", "get", {}, [200, 200, 200, 200, 404, "login"]),
    ("unit-plan-history", "get", {}, [200, 200, 200, 200, 404, "login"]),
    ("measure-create", "get", {}, [200, 403, 403, 403, 404, "login"]),
    ("measure-comment", "post", {"text": "Looks fine"}, [302, 302, 302, 302, 404, "login"]),
]


@pytest.mark.parametrize(("name", "method", "data", "expected"), SUBMITTED_MATRIX)
def test_who_may_open_each_page_of_a_submitted_plan(world, client, name, method, data, expected):
    world.submit()
    measure = world.plan().measures.get()
    args = [measure.pk] if name in MEASURE_URLS else []
    got = []
    for role in ROLES:
        client.logout()
        got.append(
            status_of(as_user(client, who(world, role)), method, url(name, world, *args), data)
        )
    assert got == expected, dict(zip(ROLES, got, strict=True))


def test_a_unit_of_another_process_is_not_found(world, client):
    other = World()
    response = as_user(client, world.member_a).get(url("unit-plan", world, unit=other.unit_a))
    assert response.status_code == 404


def test_a_measure_of_another_plan_is_not_found(world, client):
    theirs = world.measure(unit=world.unit_b, actor=world.member_b)
    as_user(client, world.member_a)
    assert client.get(url("measure-update", world, theirs.pk)).status_code == 404
    assert client.post(url("measure-delete", world, theirs.pk)).status_code == 404
    assert Measure.objects.filter(pk=theirs.pk).exists()


# --- visibility -----------------------------------------------------------------------------


def test_a_draft_is_hidden_from_other_units_and_shown_once_submitted(world, client):
    world.measure(title="Secret draft measure")
    as_user(client, world.member_b)
    overview = client.get(url("unit-plan-overview", world)).content.decode()
    plan_url = url("unit-plan", world)
    assert f'href="{plan_url}"' not in overview
    assert "Readable once submitted" in overview
    assert client.get(plan_url).status_code == 403

    world.submit()
    overview = client.get(url("unit-plan-overview", world)).content.decode()
    assert f'href="{plan_url}"' in overview
    page = client.get(plan_url)
    assert page.status_code == 200
    assert "Secret draft measure" in page.content.decode()
    assert "Add a measure" not in page.content.decode()  # reading, not editing


def test_the_director_sees_every_units_figures_on_the_overview(world, client):
    world.measure(amount="1234.56")
    world.measure(title="Second", amount="1000.00")
    html = as_user(client, world.director).get(url("unit-plan-overview", world)).content.decode()
    assert euro("2234.56") in html
    assert f'href="{url("unit-plan", world)}"' not in html  # the content only once submitted
    assert "0 of 2 units have submitted their plan" in html


def test_members_see_their_own_draft_with_costs_and_budget(world, client):
    world.measure(amount="30000.00", structural=True, last_year=2027)
    html = as_user(client, world.member_a).get(url("unit-plan", world)).content.decode()
    assert euro("60000.00") in html  # two school years of a structural measure
    assert "2026-2027" in html and "2027-2028" in html
    assert euro("40000.00") in html  # left of the budget
    assert "more than the maximum" in html  # the warning on a measure over 20,000


# --- the measure form and its live preview --------------------------------------------------


def test_the_preview_shows_the_cost_and_the_remaining_budget(world, client):
    world.measure(amount="10000.00")
    response = as_user(client, world.member_a).post(
        url("measure-create-preview", world), fte_post(), **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # the partial, not the page
    assert euro("30000.00") in html  # 0.6 x 50,000.00
    assert euro("40000.00") in html  # the plan with it: 10,000 + 30,000
    assert f"{euro('60000.00')} of the unit budget left" in html
    assert "more than the maximum" in html  # the warning, before anything is saved
    assert not Measure.objects.filter(title="Onderwijsassistent").exists()


def test_the_preview_shows_an_overrun(world, client):
    world.measure(amount="90000.00")
    html = (
        as_user(client, world.member_a)
        .post(url("measure-create-preview", world), fte_post(), **HX)
        .content.decode()
    )
    assert f"{euro('20000.00')} over the unit budget" in html
    assert "more than the budget" in html  # the must-rule's verdict


def test_the_preview_accepts_the_dutch_decimal_comma_in_dutch(world, client, settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        html = (
            as_user(client, world.member_a)
            .post(url("measure-create-preview", world), fte_post(fte="0,6"), **HX)
            .content.decode()
        )
        assert escape(format_euro(Decimal("30000.00"))) in html
    assert "30.000,00" in html


def test_the_preview_of_an_edited_measure_replaces_it_in_the_plan_total(world, client):
    measure = world.measure(amount="10000.00")
    world.measure(title="Other", amount="5000.00")
    html = (
        as_user(client, world.member_a)
        .post(
            url("measure-update-preview", world, measure.pk),
            {"cost_type": "fixed", "amount": "2.500", "first_year": "2026", "last_year": "2026"},
            **HX,
        )
        .content.decode()
    )
    assert euro("2500.00") in html
    assert euro("7500.00") in html  # 5.000 + 2.500, not + 10.000


def test_the_preview_explains_a_function_without_a_cost(world, client):
    html = (
        as_user(client, world.member_a)
        .post(url("measure-create-preview", world), fte_post(function="astronaut"), **HX)
        .content.decode()
    )
    assert "There is no yearly cost for the function astronaut." in html


def test_the_preview_waits_for_what_is_not_typed_yet(world, client):
    html = (
        as_user(client, world.member_a)
        .post(url("measure-create-preview", world), fte_post(fte=""), **HX)
        .content.decode()
    )
    assert 'data-testid="preview-empty"' in html
    assert "Give the fte" not in html  # not an error while still typing


def test_changing_the_cost_type_swaps_its_inputs_out_of_band(world, client):
    as_user(client, world.member_a)
    swapped = client.post(
        url("measure-create-preview", world), fte_post(shown_cost_type="fixed"), **HX
    ).content.decode()
    assert 'id="measure-cost-fields"' in swapped and 'hx-swap-oob="true"' in swapped
    assert 'name="fte"' in swapped and 'type="hidden" name="amount"' in swapped
    same = client.post(url("measure-create-preview", world), fte_post(), **HX).content.decode()
    assert 'id="measure-cost-fields"' not in same  # not while the user types in them


def test_the_form_shows_the_inputs_of_the_cost_type_without_javascript(world, client):
    as_user(client, world.member_a)
    page = client.get(url("measure-create", world)).content.decode()
    assert 'data-cost-type="fixed"' in page
    assert 'type="hidden" name="fte"' in page
    calculated = client.post(url("measure-create-preview", world), fte_post()).content.decode()
    assert "<html" in calculated  # the whole page, with the fte inputs and the preview
    assert 'data-cost-type="fte"' in calculated
    assert euro("30000.00") in calculated
    assert '<option value="onderwijsassistent" selected>' in calculated


def test_a_member_adds_a_measure_with_a_dutch_decimal_comma(world, client):
    response = as_user(client, world.member_a).post(url("measure-create", world), fte_post())
    measure = Measure.objects.get(title="Onderwijsassistent")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#measure-{measure.pk}")
    assert measure.fte == Decimal("0.6")
    assert measure.total_cost == Decimal("30000.00")
    assert measure.created_by == world.member_a


def test_an_invalid_measure_is_shown_again_with_its_errors(world, client):
    response = as_user(client, world.member_a).post(
        url("measure-create", world), fte_post(title="", fte="abc")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the measure a title." in html
    assert "Enter a number." in html
    assert not Measure.objects.exists()


def test_a_member_edits_and_removes_a_measure(world, client):
    measure = world.measure()
    as_user(client, world.member_a)
    page = client.get(url("measure-update", world, measure.pk)).content.decode()
    assert 'value="Extra lessons"' in page
    assert euro("5000.00") in page  # the preview of the stored measure
    data = {
        "title": "Fewer lessons",
        "category": world.category.code,
        "cost_type": "hours",
        "hours": "100",
        "hourly_rate": "45,50",
        "first_year": "2026",
        "last_year": "2026",
    }
    assert client.post(url("measure-update", world, measure.pk), data).status_code == 302
    measure.refresh_from_db()
    assert (measure.title, measure.total_cost) == ("Fewer lessons", Decimal("4550.00"))
    assert client.post(url("measure-delete", world, measure.pk)).status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()


def test_a_submitted_plan_cannot_be_changed_through_the_form(world, client):
    world.submit()
    as_user(client, world.member_a)
    page = client.get(url("measure-create", world)).content.decode()
    assert 'data-testid="edit-refusal"' in page
    assert 'data-testid="save-measure"' not in page
    response = client.post(url("measure-create", world), fte_post())
    assert response.status_code == 400
    assert "The plan has been submitted" in response.content.decode()
    assert world.plan().measures.count() == 1


# --- the plan page's forms ------------------------------------------------------------------


def test_a_member_saves_the_analysis_with_causes(world, client):
    causes = list(WorkloadCause.objects.order_by("order")[:2])
    response = as_user(client, world.member_a).post(
        url("unit-plan-analysis", world),
        {
            "causes": [cause.code for cause in causes],
            "analysis": "Marking piles up in June.",
            "success_indicators": "Survey in June.",
        },
    )
    assert response.status_code == 302
    plan = world.plan()
    assert plan.analysis == "Marking piles up in June."
    assert set(plan.causes.all()) == set(causes)
    html = client.get(url("unit-plan", world)).content.decode()
    assert 'data-testid="cause-theme"' in html  # grouped by theme
    assert "checked" in html


def test_the_coordinator_submits_and_others_may_not(world, client):
    world.measure()
    assert as_user(client, world.member_a).post(url("unit-plan-submit", world)).status_code == 403
    page = as_user(client, world.coordinator).get(url("unit-plan", world)).content.decode()
    assert 'data-testid="submit"' in page
    response = client.post(url("unit-plan-submit", world))
    assert response.status_code == 302
    assert world.plan().state == UnitPlan.State.SUBMITTED


def test_the_submit_form_lists_what_blocks_submission(world, client):
    world.measure(amount="150000.00")
    page = as_user(client, world.coordinator).get(url("unit-plan", world)).content.decode()
    assert 'data-testid="submit-refusals"' in page
    assert "more than the budget" in page
    assert "disabled" in page.split('data-testid="submit"')[1]
    response = client.post(url("unit-plan-submit", world))
    assert response.status_code == 400
    assert "The plan cannot be submitted yet." in response.content.decode()
    assert world.plan().state == UnitPlan.State.DRAFT


def test_the_director_returns_a_submitted_plan_with_a_reason(world, client, mailoutbox):
    world.submit()
    as_user(client, world.director)
    assert 'data-testid="return"' in client.get(url("unit-plan", world)).content.decode()
    missing = client.post(url("unit-plan-return", world), {"reason": ""})
    assert missing.status_code == 400
    assert "Give the reason for returning the plan." in missing.content.decode()
    response = client.post(url("unit-plan-return", world), {"reason": "Too vague."})
    assert response.status_code == 302
    plan = world.plan()
    assert (plan.state, plan.revision) == (UnitPlan.State.RETURNED, 2)
    page = as_user(client, world.member_a).get(url("unit-plan", world)).content.decode()
    assert "Too vague." in page


def test_a_member_acknowledges_a_warning_with_a_reason(world, client):
    measure = world.measure(amount="25000.00")
    as_user(client, world.member_a)
    page = client.get(url("unit-plan", world)).content.decode()
    assert "Acknowledge this warning with a reason" in page
    empty = client.post(
        url("unit-plan-acknowledge", world),
        {"rule": world.warn_cost.pk, "measure": measure.pk, "reason": ""},
    )
    assert empty.status_code == 400
    response = client.post(
        url("unit-plan-acknowledge", world),
        {"rule": world.warn_cost.pk, "measure": measure.pk, "reason": "Agreed with the MT."},
    )
    assert response.status_code == 302
    acknowledgement = WarningAcknowledgement.objects.get()
    assert (acknowledgement.measure, acknowledgement.reason) == (measure, "Agreed with the MT.")
    assert "Agreed with the MT." in client.get(url("unit-plan", world)).content.decode()


def test_a_rule_of_another_process_cannot_be_acknowledged(world, client):
    measure = world.measure(amount="25000.00")
    other = World()
    response = as_user(client, world.member_a).post(
        url("unit-plan-acknowledge", world),
        {"rule": other.warn_cost.pk, "measure": measure.pk, "reason": "Because."},
    )
    assert response.status_code == 400
    assert not WarningAcknowledgement.objects.exists()


def test_comments_are_added_and_shown_with_their_author(world, client):
    measure = world.measure()
    response = as_user(client, world.member_a).post(
        url("measure-comment", world, measure.pk), {"text": "Can we start in May?"}
    )
    assert response.status_code == 302
    comment = MeasureComment.objects.get()
    assert comment.author == world.member_a
    html = client.get(url("unit-plan", world)).content.decode()
    assert "Can we start in May?" in html
    assert escape(comment.author_name) in html
    assert client.post(url("measure-comment", world, measure.pk), {"text": " "}).status_code == 400


def test_the_history_lists_who_changed_what(world, client):
    as_user(client, world.member_a)
    fixed = {"category": "extra_staff", "cost_type": "fixed", "first_year": "2026"}
    client.post(
        url("measure-create", world),
        {**fixed, "title": "Extra lessons", "amount": "5000", "last_year": "2026"},
    )
    measure = Measure.objects.get()
    client.post(
        url("measure-update", world, measure.pk),
        {**fixed, "title": "Extra lessons in year 1", "amount": "6000", "last_year": "2027"},
    )
    html = client.get(url("unit-plan-history", world)).content.decode()
    changes = html.split('data-testid="change"')
    assert len(changes) == 1 + 3  # the plan created, the measure added, the measure changed
    changed = changes[1]  # newest first
    assert escape(str(world.member_a)) in changed
    assert "<del>Extra lessons</del> → Extra lessons in year 1" in changed
    assert f"<del>{euro('5000.00')}</del> → {euro('6000.00')}" in changed
    assert "<del>2026-2027</del> → 2027-2028" in changed


# --- closing step 8 together after the deadline ---------------------------------------------


def announce(world, deadline):
    for unit in (world.unit_a, world.unit_b):
        UnitAnnouncement.objects.create(
            process=world.process,
            unit=unit,
            amount=unit.amount,
            deadline=deadline,
            requirements="A plan.",
            announced_at=timezone.now(),
        )


def test_director_and_pmr_close_step_8_after_the_deadline(world, client):
    announce(world, timezone.localdate() - datetime.timedelta(days=1))
    world.submit()
    page = as_user(client, world.director).get(url("unit-plan-overview", world)).content.decode()
    assert 'data-testid="close-step"' in page
    assert "Without a submitted plan: Unit B" in page
    assert client.post(url("unit-plan-close", world), {"grounds": ""}).status_code == 302
    assert SignOff.objects.filter(step__process=world.process, step__number=8).count() == 1
    page = client.get(url("unit-plan-overview", world)).content.decode()
    assert 'data-testid="close-step"' not in page  # the director has confirmed
    as_user(client, world.pmr).post(url("unit-plan-close", world), {"grounds": "Deadline"})
    assert world.process.steps.get(number=8).state == ProcessStep.State.DONE
    assert Decision.objects.filter(process=world.process, step_number=8).exists()


def test_step_8_cannot_be_closed_before_the_deadline(world, client):
    announce(world, timezone.localdate() + datetime.timedelta(days=3))
    as_user(client, world.director)
    page = client.get(url("unit-plan-overview", world)).content.decode()
    assert 'data-testid="close-step"' not in page
    assert "once the deadline" in page
    response = client.post(url("unit-plan-close", world))
    assert response.status_code == 400
    assert not SignOff.objects.filter(step__process=world.process, step__number=8).exists()


# --- query counts ---------------------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


def add_measures(world, count):
    causes = list(WorkloadCause.objects.order_by("order")[:2])
    for number in range(count):
        measure = world.measure(title=f"Measure {number}", amount="100.00", causes=causes)
        services.measure_comment_add(measure=measure, actor=world.member_a, text="Fine")


def test_the_plan_page_costs_the_same_queries_for_5_and_50_measures(world, client):
    as_user(client, world.member_a)
    add_measures(world, 5)
    client.get(url("unit-plan", world))  # warm up the session
    few = count_queries(client, url("unit-plan", world))
    add_measures(world, 45)
    many = count_queries(client, url("unit-plan", world))
    assert few == many
    assert world.plan().measures.count() == 50


def test_the_overview_and_the_history_cost_the_same_queries_with_more_data(world, client):
    as_user(client, world.director)
    world.submit()
    few_overview = count_queries(client, url("unit-plan-overview", world))
    few_history = count_queries(client, url("unit-plan-history", world))
    for number in range(3):
        extra = OrganisationalUnit.objects.create(process=world.process, name=f"Unit {number}")
        services.plan_for_unit(unit=extra)
    decisions.plan_return(plan=world.plan(), actor=world.director, reason="More")
    add_measures(world, 10)
    assert count_queries(client, url("unit-plan-overview", world)) == few_overview
    world.submit()
    assert count_queries(client, url("unit-plan-history", world)) == few_history
