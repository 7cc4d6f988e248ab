"""Step 3, the frameworks: services, the standard set, reopening after sign-off, the copy hook,
the agreement section, the pages and who may use them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from plans.checks import MeasureFacts, PlanFacts, RuleFacts, run_checks
from plans.models import FrameworkRule, MeasureCategory
from plans.selectors import frameworks as selectors
from plans.services import frameworks as services
from processes import agreement, registry
from processes import services as process_services
from processes.models import Decision, ProcessStep
from tests.factories import SchoolYearFactory
from tests.processes.conftest import sign_both, step
from werkdruk.exceptions import DomainError

D = Decimal
EUR = "€\u00a0"


def make_rule(process, actor, **kwargs) -> FrameworkRule:
    data = {
        "text": "A measure costs at most 25,000 euros.",
        "kind": "financial",
        "severity": "warning",
        "machine_check": "max_cost_per_measure",
        "max_amount": D("25000.00"),
    }
    data.update(kwargs)
    return services.framework_rule_create(process=process, actor=actor, **data)


@pytest.fixture
def rule(process, director):
    return make_rule(process, director)


def decisions(process, action=None):
    queryset = Decision.objects.filter(process=process).order_by("created_at", "id")
    return queryset.filter(action=action) if action else queryset


def state(process, number):
    return step(process, number).state


# --- creating ----------------------------------------------------------------------------


def test_create_stores_the_rule_with_its_check_and_records_a_decision(process, pmr):
    rule = make_rule(process, pmr, severity="must")
    rule.refresh_from_db()
    assert (rule.kind, rule.severity, rule.machine_check) == (
        "financial",
        "must",
        "max_cost_per_measure",
    )
    assert rule.max_amount == D("25000.00")
    decision = decisions(process, "plans.framework_rule.created").get()
    assert decision.step_number == 3
    assert decision.actor == pmr
    assert decision.summary == "Framework rule added: A measure costs at most 25,000 euros."
    assert decision.content["check"]["parameters"] == {"max_amount": "25000.00"}
    assert rule.history.first().history_user == pmr


def test_new_rules_go_last(process, director):
    first = make_rule(process, director)
    second = make_rule(process, director, text="Second")
    assert (first.order, second.order) == (0, 1)


def test_rules_may_be_prepared_while_step_3_still_waits(process, director):
    assert state(process, 3) == ProcessStep.State.LOCKED
    make_rule(process, director)
    assert state(process, 3) == ProcessStep.State.LOCKED
    assert not decisions(process, "processes.step.reopened").exists()


def test_create_keeps_only_the_parameter_of_the_chosen_check(process, director):
    rule = make_rule(
        process,
        director,
        machine_check="max_structural_share",
        max_amount=D("100.00"),
        max_percentage=D("40"),
        deadline=datetime.date(2027, 7, 31),
        categories=["extra_staff"],
    )
    rule.refresh_from_db()
    assert rule.max_percentage == D("40.00")
    assert rule.max_amount is None
    assert rule.deadline is None
    assert not rule.categories.exists()


def test_a_rule_without_a_machine_check_has_no_parameters(process, director):
    rule = make_rule(process, director, machine_check="", text="Mind the building.")
    rule.refresh_from_db()
    assert (rule.machine_check, rule.max_amount) == ("", None)


@pytest.mark.parametrize(
    "check,message",
    [
        ("max_cost_per_measure", "Give the maximum amount."),
        ("max_structural_share", "Give the maximum percentage."),
        ("spend_by_date", "Give the date."),
        ("categories_not_allowed", "Choose at least one category that is not allowed."),
    ],
)
def test_create_refuses_a_check_without_its_parameter_and_saves_nothing(
    process, director, check, message
):
    with pytest.raises(DomainError) as error:
        make_rule(process, director, machine_check=check, max_amount=None)
    assert error.value.message == message
    assert not FrameworkRule.objects.exists()
    assert decisions(process).count() == 1  # only the process's creation


def test_create_refuses_a_percentage_above_100_and_saves_nothing(process, director):
    with pytest.raises(DomainError) as error:
        make_rule(
            process, director, machine_check="max_structural_share", max_percentage=D("100.01")
        )
    assert "100" in error.value.message
    assert not FrameworkRule.objects.exists()


def test_a_percentage_of_exactly_100_is_allowed(process, director):
    rule = make_rule(process, director, machine_check="max_structural_share", max_percentage=100)
    assert rule.max_percentage == 100


def test_create_refuses_a_negative_amount(process, director):
    with pytest.raises(DomainError, match="cannot be negative"):
        make_rule(process, director, max_amount=D("-1.00"))
    assert not FrameworkRule.objects.exists()


def test_create_refuses_an_amount_with_fractions_of_a_cent(process, director):
    with pytest.raises(DomainError):
        make_rule(process, director, max_amount=D("100.001"))
    assert not FrameworkRule.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n "])
def test_create_refuses_an_empty_text(process, director, text):
    with pytest.raises(DomainError, match="Write the text"):
        make_rule(process, director, text=text)
    assert not FrameworkRule.objects.exists()


def test_create_refuses_an_unknown_kind(process, director):
    with pytest.raises(DomainError):
        make_rule(process, director, kind="financal")
    assert not FrameworkRule.objects.exists()


def test_categories_come_from_the_seeded_measure_categories(process, director):
    assert MeasureCategory.objects.filter(code__in=["materials_ict", "wellbeing"]).count() == 2
    rule = make_rule(
        process,
        director,
        machine_check="categories_not_allowed",
        categories=["wellbeing", MeasureCategory.objects.get(code="materials_ict")],
    )
    assert sorted(rule.categories.values_list("code", flat=True)) == ["materials_ict", "wellbeing"]


def test_an_unknown_category_is_refused_and_nothing_saved(process, director):
    with pytest.raises(DomainError, match="Unknown measure category: laptops"):
        make_rule(
            process,
            director,
            machine_check="categories_not_allowed",
            categories=["materials_ict", "laptops"],
        )
    assert not FrameworkRule.objects.exists()
    assert decisions(process).count() == 1


@pytest.mark.parametrize("who", ["staff_user", "steering", "board_admin", "other_director"])
def test_only_director_and_pmr_change_rules(request, process, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        make_rule(process, user)
    assert not FrameworkRule.objects.exists()


# --- changing, removing, reordering ------------------------------------------------------


def _update(rule, actor, **kwargs):
    data = {
        "text": rule.text,
        "kind": rule.kind,
        "severity": rule.severity,
        "machine_check": rule.machine_check,
        "max_amount": rule.max_amount,
        "max_percentage": rule.max_percentage,
        "deadline": rule.deadline,
        "categories": list(rule.categories.values_list("code", flat=True)),
    }
    data.update(kwargs)
    return services.framework_rule_update(rule=rule, actor=actor, **data)


def test_update_changes_the_rule_and_records_before_and_after(process, rule, pmr):
    _update(rule, pmr, severity="must", max_amount=D("30000"))
    rule.refresh_from_db()
    assert (rule.severity, rule.max_amount) == ("must", D("30000.00"))
    decision = decisions(process, "plans.framework_rule.updated").get()
    assert decision.content["before"]["severity"]["code"] == "warning"
    assert decision.content["after"]["check"]["parameters"] == {"max_amount": "30000.00"}


def test_update_to_another_check_clears_the_old_parameter(process, rule, director):
    _update(rule, director, machine_check="majority_benefit")
    rule.refresh_from_db()
    assert (rule.machine_check, rule.max_amount) == ("majority_benefit", None)


def test_saving_a_rule_unchanged_records_nothing(process, rule, director):
    _update(rule, director, max_amount=D("25000"))  # the same amount, written differently
    assert not decisions(process, "plans.framework_rule.updated").exists()


def test_a_failed_update_leaves_the_rule_as_it_was(process, rule, director):
    with pytest.raises(DomainError):
        _update(rule, director, text="Changed", machine_check="spend_by_date", deadline=None)
    rule.refresh_from_db()
    assert rule.text == "A measure costs at most 25,000 euros."
    assert rule.max_amount == D("25000.00")


def test_delete_removes_the_rule_and_records_its_content(process, rule, director):
    services.framework_rule_delete(rule=rule, actor=director)
    assert not FrameworkRule.objects.exists()
    decision = decisions(process, "plans.framework_rule.deleted").get()
    assert decision.content["text"] == "A measure costs at most 25,000 euros."


def test_staff_cannot_delete_a_rule(process, rule, staff_user):
    with pytest.raises(PermissionDenied):
        services.framework_rule_delete(rule=rule, actor=staff_user)
    assert FrameworkRule.objects.count() == 1


def test_reorder_puts_the_rules_in_the_given_order(process, director):
    a, b, c = (make_rule(process, director, text=t) for t in "abc")
    services.framework_rules_reorder(process=process, actor=director, rule_ids=[c.pk, a.pk, b.pk])
    assert [r.text for r in selectors.framework_rule_list(process=process)] == ["c", "a", "b"]
    assert decisions(process, "plans.framework_rules.reordered").get().content["order"] == [
        c.pk,
        a.pk,
        b.pk,
    ]


def test_reorder_to_the_same_order_records_nothing(process, director):
    a, b = (make_rule(process, director, text=t) for t in "ab")
    services.framework_rules_reorder(process=process, actor=director, rule_ids=[a.pk, b.pk])
    assert not decisions(process, "plans.framework_rules.reordered").exists()


@pytest.mark.parametrize("ids", ["missing", "duplicate", "foreign"])
def test_reorder_needs_every_rule_exactly_once(process, director, other_director, ids):
    a, b = (make_rule(process, director, text=t) for t in "ab")
    other = process_services.process_create(
        school=other_director.school_roles.get().school,
        school_year=process.school_year,
        actor=other_director,
    )
    foreign = make_rule(other, other_director)
    rule_ids = {"missing": [a.pk], "duplicate": [a.pk, a.pk, b.pk], "foreign": [a.pk, foreign.pk]}
    with pytest.raises(DomainError):
        services.framework_rules_reorder(process=process, actor=director, rule_ids=rule_ids[ids])
    assert [r.pk for r in selectors.framework_rule_list(process=process)] == [a.pk, b.pk]


def test_rules_are_listed_by_kind_then_order(process, director):
    make_rule(process, director, text="procedural", kind="procedural", machine_check="")
    make_rule(process, director, text="financial 1")
    make_rule(process, director, text="pedagogical", kind="pedagogical", machine_check="")
    make_rule(process, director, text="financial 2")
    assert [r.text for r in selectors.framework_rule_list(process=process)] == [
        "financial 1",
        "financial 2",
        "pedagogical",
        "procedural",
    ]


def test_move_swaps_with_the_neighbour_of_the_same_kind(process, director):
    f1 = make_rule(process, director, text="f1")
    make_rule(process, director, text="p1", kind="pedagogical", machine_check="")
    f2 = make_rule(process, director, text="f2")
    assert services.framework_rule_move(rule=f2, actor=director, direction="up")
    assert [r.text for r in selectors.framework_rule_list(process=process)] == ["f2", "f1", "p1"]
    assert not services.framework_rule_move(rule=f1, actor=director, direction="down")
    assert not services.framework_rule_move(rule=f2, actor=director, direction="up")
    assert decisions(process, "plans.framework_rules.reordered").count() == 1


# --- the standard set --------------------------------------------------------------------


def test_standard_set_adds_rules_for_the_dutch_situation(process, director):
    rules = services.framework_standard_set_add(process=process, actor=director)
    assert len(rules) == len(services.STANDARD_SET) == 8
    stored = selectors.framework_rule_list(process=process)
    assert {r.kind for r in stored} == {"financial", "organisational", "pedagogical", "procedural"}
    checks = {r.machine_check: r for r in stored if r.machine_check}
    assert set(checks) == {"max_structural_share", "majority_benefit", "within_unit_budget"}
    assert checks["within_unit_budget"].severity == "must"
    assert checks["max_structural_share"].max_percentage == D("50.00")
    texts = " ".join(r.text for r in stored)
    for words in ("building is full", "Vacancies", "pedagogical", "policy", "One-off money"):
        assert words in texts
    decision = decisions(process, "plans.framework_rules.standard_set_added").get()
    assert decision.summary == "Standard set of 8 framework rules added."


def test_standard_set_only_when_there_are_no_rules_yet(process, rule, director):
    with pytest.raises(DomainError, match="no rules yet"):
        services.framework_standard_set_add(process=process, actor=director)
    assert FrameworkRule.objects.count() == 1


def test_standard_set_needs_director_or_pmr(process, staff_user):
    with pytest.raises(PermissionDenied):
        services.framework_standard_set_add(process=process, actor=staff_user)
    assert not FrameworkRule.objects.exists()


def test_standard_set_is_stored_in_the_school_language_whoever_adds_it(process, director, settings):
    settings.LANGUAGE_CODE = "nl"
    with translation.override("en"):  # the director browses in English
        services.framework_standard_set_add(process=process, actor=director)
    with translation.override("nl"):
        expected = [translation.gettext(item["text"]) for item in services.STANDARD_SET]
    stored = [r.text for r in FrameworkRule.objects.order_by("order")]
    assert stored == expected


def test_standard_set_is_dutch_in_a_dutch_school(process, director, settings):
    settings.LANGUAGE_CODE = "nl"
    services.framework_standard_set_add(process=process, actor=director)
    for item, rule in zip(
        services.STANDARD_SET, FrameworkRule.objects.order_by("order"), strict=True
    ):
        assert rule.text != item["text"]


# --- changes after sign-off --------------------------------------------------------------


def _sign_step_3(process, director, pmr):
    sign_both(process, 3, director, pmr)
    assert state(process, 3) == ProcessStep.State.DONE
    assert state(process, 4) == ProcessStep.State.OPEN


CHANGES = {
    "create": lambda process, rule, actor: make_rule(process, actor, text="New rule"),
    "update": lambda process, rule, actor: _update(rule, actor, severity="must"),
    "delete": lambda process, rule, actor: services.framework_rule_delete(rule=rule, actor=actor),
    "move": lambda process, rule, actor: services.framework_rule_move(
        rule=rule, actor=actor, direction="up"
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_after_sign_off_reopens_step_3_as_a_recorded_decision(
    step3_open, director, pmr, change
):
    process = step3_open
    make_rule(process, director, text="First")
    rule = make_rule(process, director, text="Second")
    _sign_step_3(process, director, pmr)
    revision = step(process, 3).revision
    CHANGES[change](process, rule, pmr)
    step3 = step(process, 3)
    assert step3.state == ProcessStep.State.OPEN
    assert step3.revision == revision + 1
    assert state(process, 4) == ProcessStep.State.LOCKED
    reopened = decisions(process, "processes.step.reopened").get()
    assert reopened.step_number == 3
    assert reopened.actor == pmr
    assert reopened.grounds.startswith("Changed after sign-off: ")
    # The reopening comes before the change it makes room for.
    actions = list(decisions(process).values_list("action", flat=True))
    assert actions.index("processes.step.reopened") < len(actions) - 1


def test_the_grounds_name_the_changed_rule(step3_open, director, pmr):
    rule = make_rule(step3_open, director)
    _sign_step_3(step3_open, director, pmr)
    _update(rule, director, text="At most 20,000 euros per measure.")
    reopened = decisions(step3_open, "processes.step.reopened").get()
    assert reopened.grounds == (
        "Changed after sign-off: framework rule changed: At most 20,000 euros per measure."
    )


def test_one_sign_off_is_enough_to_reopen(step3_open, director):
    make_rule(step3_open, director)
    revision = step(step3_open, 3).revision
    process_services.step_sign_off(step=step(step3_open, 3), actor=director)
    make_rule(step3_open, director, text="Another")
    step3 = step(step3_open, 3)
    assert step3.revision == revision + 1
    assert not step3.sign_offs.filter(revision=step3.revision).exists()


def test_a_refused_change_after_sign_off_does_not_reopen(step3_open, director, pmr):
    make_rule(step3_open, director)
    _sign_step_3(step3_open, director, pmr)
    with pytest.raises(DomainError):
        make_rule(step3_open, director, machine_check="spend_by_date")
    assert state(step3_open, 3) == ProcessStep.State.DONE
    assert not decisions(step3_open, "processes.step.reopened").exists()


def test_an_unchanged_save_after_sign_off_does_not_reopen(step3_open, director, pmr):
    rule = make_rule(step3_open, director)
    _sign_step_3(step3_open, director, pmr)
    _update(rule, director)
    assert state(step3_open, 3) == ProcessStep.State.DONE


def test_standard_set_on_an_open_step_3_does_not_reopen(step3_open, director):
    revision = step(step3_open, 3).revision
    services.framework_standard_set_add(process=step3_open, actor=director)
    assert state(step3_open, 3) == ProcessStep.State.OPEN
    assert step(step3_open, 3).revision == revision


# --- a new process from last year's ------------------------------------------------------


def test_a_process_copied_from_last_year_gets_last_years_rules(
    school, director, pmr, process, school_year
):
    make_rule(process, director, text="At most", severity="must")
    make_rule(
        process,
        director,
        text="No laptops",
        kind="organisational",
        machine_check="categories_not_allowed",
        categories=["materials_ict", "wellbeing"],
    )
    make_rule(
        process,
        director,
        text="Spend by July",
        machine_check="spend_by_date",
        deadline=datetime.date(2027, 7, 31),
    )
    make_rule(process, director, text="Words only", kind="pedagogical", machine_check="")
    next_year = SchoolYearFactory(start_year=school_year.start_year + 1)
    new = process_services.process_create(
        school=school, school_year=next_year, actor=pmr, copy_from=process
    )
    old_rules = selectors.framework_rule_list(process=process)
    new_rules = selectors.framework_rule_list(process=new)
    assert [r.pk for r in new_rules] != [r.pk for r in old_rules]

    def shape(rule):
        return (
            rule.text,
            rule.kind,
            rule.severity,
            rule.machine_check,
            rule.max_amount,
            rule.max_percentage,
            rule.order,
            sorted(c.code for c in rule.categories.all()),
        )

    assert [shape(r) for r in new_rules] == [shape(r) for r in old_rules]
    deadlines = {r.text: r.deadline for r in new_rules if r.deadline}
    assert deadlines == {"Spend by July": datetime.date(2028, 7, 31)}  # one year on
    assert FrameworkRule.objects.filter(process=process).count() == 4  # last year's kept


def test_a_process_not_copied_starts_without_rules(school, director, process, school_year):
    make_rule(process, director)
    next_year = SchoolYearFactory(start_year=school_year.start_year + 1)
    new = process_services.process_create(school=school, school_year=next_year, actor=director)
    assert not FrameworkRule.objects.filter(process=new).exists()


def test_the_copy_hook_is_registered():
    assert services.framework_rules_copy in registry.copy_hooks()


# --- the frozen agreement ----------------------------------------------------------------


def test_the_agreement_section_lists_the_rules_in_order(process, director):
    make_rule(process, director, text="Words", kind="procedural", machine_check="")
    make_rule(process, director, text="Max", severity="must")
    make_rule(
        process,
        director,
        text="No ICT",
        machine_check="categories_not_allowed",
        categories=["materials_ict"],
    )
    section = agreement.agreement_content(process)["sections"]["frameworks"]
    assert [r["text"] for r in section] == ["Max", "No ICT", "Words"]
    assert section[0] == {
        "text": "Max",
        "kind": {"code": "financial", "label": "financial"},
        "severity": {"code": "must", "label": "must"},
        "check": {
            "code": "max_cost_per_measure",
            "label": "maximum cost per measure",
            "description": f"at most {EUR}25,000.00 per measure",
            "parameters": {"max_amount": "25000.00"},
            "categories": [],
        },
    }
    assert section[1]["check"]["categories"] == [
        {"code": "materials_ict", "name": "Materials and ICT"}
    ]
    assert section[2]["check"] == {
        "code": "",
        "label": "no machine check",
        "description": "",
        "parameters": {},
        "categories": [],
    }


def test_the_agreement_section_is_in_the_school_language_whoever_looks(process, director, settings):
    make_rule(process, director, text="Max")
    make_rule(
        process, director, text="ICT", machine_check="categories_not_allowed", categories=["other"]
    )
    settings.LANGUAGE_CODE = "nl"
    with translation.override("en"):
        english_viewer = agreement.agreement_content(process)
    with translation.override("nl"):
        dutch_viewer = agreement.agreement_content(process)
    assert agreement.content_hash(english_viewer) == agreement.content_hash(dutch_viewer)
    section = dutch_viewer["sections"]["frameworks"]
    assert section[0]["severity"]["label"] == "waarschuwing"
    assert section[0]["check"]["label"] == "maximale kosten per maatregel"
    assert f"{EUR}25.000,00" in section[0]["check"]["description"]
    assert section[1]["check"]["categories"] == [{"code": "other", "name": "Overig"}]


def test_the_frozen_agreement_contains_the_frameworks(step3_open, director, pmr):
    make_rule(step3_open, director, text="Max")
    _sign_step_3(step3_open, director, pmr)
    version = agreement.agreement_freeze(process=step3_open, actor=director)
    assert [r["text"] for r in version.content["sections"]["frameworks"]] == ["Max"]


def test_the_agreement_template_prints_every_rule(process, director, settings):
    make_rule(process, director, text="At most a lot", severity="must")
    make_rule(process, director, text="Mind the building", kind="organisational", machine_check="")
    settings.LANGUAGE_CODE = "nl"
    with translation.override("nl"):
        section = selectors.framework_agreement_section(process)
        html = render_to_string("plans/includes/_agreement_frameworks.html", {"section": section})
    assert "At most a lot" in html
    assert "Mind the building" in html
    assert f"{EUR}25.000,00" in html
    assert ">Verplicht<" in html  # the severity "must"
    assert 'data-severity="must"' in html


def test_the_frameworks_section_is_registered():
    section = next(s for s in agreement.sections() if s.key == "frameworks")
    assert section.order == 30
    assert section.template == "plans/includes/_agreement_frameworks.html"


# --- facts for the plans' checks ---------------------------------------------------------


def test_rule_facts_are_the_rules_as_plain_data_in_order(process, director):
    words = make_rule(process, director, text="Words", kind="procedural", machine_check="")
    max_cost = make_rule(process, director, severity="must")
    no_ict = make_rule(
        process,
        director,
        text="No ICT",
        machine_check="categories_not_allowed",
        categories=["materials_ict", "wellbeing"],
    )
    facts = selectors.framework_rule_facts(process=process)
    assert facts == [
        RuleFacts(key=str(max_cost.pk), severity="must", check="max_cost_per_measure",
                  max_amount=D("25000.00")),
        RuleFacts(key=str(no_ict.pk), severity="warning", check="categories_not_allowed",
                  categories=frozenset({"materials_ict", "wellbeing"})),
        RuleFacts(key=str(words.pk), severity="warning", check=""),
    ]  # fmt: skip
    plan = PlanFacts(
        unit_budget=D("50000.00"),
        measures=(MeasureFacts("m", "Laptops", "materials_ict", D("30000.00")),),
    )
    verdicts = run_checks(facts, plan)
    assert [(v.rule_key, v.ok, v.blocks_submission) for v in verdicts] == [
        (str(max_cost.pk), False, True),
        (str(no_ict.pk), False, False),
    ]


def test_rule_facts_take_two_queries_whatever_the_number_of_rules(process, director):
    for n in range(10):
        make_rule(
            process,
            director,
            text=str(n),
            machine_check="categories_not_allowed",
            categories=["other"],
        )
    with CaptureQueriesContext(connection) as ctx:
        selectors.framework_rule_facts(process=process)
    assert len(ctx.captured_queries) == 2


# --- pages -------------------------------------------------------------------------------


def test_step_3_links_to_the_frameworks_page(client, director, process):
    client.force_login(director)
    response = client.get(reverse("processes:step-detail", args=[process.pk, 3]))
    assert reverse("plans:framework-list", args=[process.pk]) in response.content.decode()


def test_the_page_groups_rules_by_kind_with_badges_and_checks(client, director, process):
    make_rule(process, director, text="Max per measure", severity="must")
    make_rule(process, director, text="Mind the building", kind="organisational", machine_check="")
    make_rule(
        process,
        director,
        text="Structural",
        machine_check="max_structural_share",
        max_percentage=D("40"),
    )
    client.force_login(director)
    content = client.get(reverse("plans:framework-list", args=[process.pk])).content.decode()
    assert content.index("Max per measure") < content.index("Structural")
    assert content.index("Structural") < content.index("Mind the building")
    assert 'id="kind-financial"' in content
    assert 'id="kind-organisational"' in content
    assert 'id="kind-pedagogical"' not in content
    assert 'class="badge text-bg-danger" data-severity="must">Must<' in content
    assert f"Machine check: at most {EUR}25,000.00 per measure" in content
    assert "Machine check: structural commitments at most 40% of the plan&#x27;s cost" in content
    assert "Add the standard set" not in content


def test_the_page_shows_amounts_in_dutch_for_a_dutch_school(client, director, process, settings):
    make_rule(process, director)
    settings.LANGUAGE_CODE = "nl"
    client.force_login(director)
    content = client.get(reverse("plans:framework-list", args=[process.pk])).content.decode()
    assert f"{EUR}25.000,00" in content


def test_the_empty_page_offers_the_standard_set_to_director_and_pmr_only(
    client, director, staff_user, process
):
    url = reverse("plans:framework-list", args=[process.pk])
    client.force_login(director)
    assert "Add the standard set" in client.get(url).content.decode()
    client.force_login(staff_user)
    content = client.get(url).content.decode()
    assert "Add the standard set" not in content
    assert "No frameworks have been set yet." in content


def test_staff_see_the_rules_without_edit_buttons(client, director, staff_user, process):
    rule = make_rule(process, director)
    client.force_login(staff_user)
    content = client.get(reverse("plans:framework-list", args=[process.pk])).content.decode()
    assert rule.text in content
    assert reverse("plans:framework-update", args=[process.pk, rule.pk]) not in content


def test_the_standard_set_button_adds_the_set(client, pmr, process):
    client.force_login(pmr)
    response = client.post(reverse("plans:framework-standard-set", args=[process.pk]))
    assert response.status_code == 302
    assert FrameworkRule.objects.filter(process=process).count() == 8


def test_the_add_form_creates_a_rule(client, director, process):
    client.force_login(director)
    url = reverse("plans:framework-create", args=[process.pk])
    response = client.post(
        url,
        {
            "text": "No laptops from this money.",
            "kind": "financial",
            "severity": "warning",
            "machine_check": "categories_not_allowed",
            "categories": ["materials_ict"],
            "max_amount": "999",  # next to another check: ignored
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("plans:framework-list", args=[process.pk])
    rule = FrameworkRule.objects.get()
    assert list(rule.categories.values_list("code", flat=True)) == ["materials_ict"]
    assert rule.max_amount is None


def test_the_add_form_shows_each_parameter_next_to_its_check(client, director, process):
    client.force_login(director)
    content = client.get(reverse("plans:framework-create", args=[process.pk])).content.decode()
    for check, field in [
        ("max_cost_per_measure", 'name="max_amount"'),
        ("max_structural_share", 'name="max_percentage"'),
        ("spend_by_date", 'name="deadline"'),
        ("categories_not_allowed", 'name="categories"'),
    ]:
        assert content.index(f'value="{check}"') < content.index(field)
    assert content.count('name="categories"') == MeasureCategory.objects.count()
    assert "<script" not in content.split("</head>")[1]


@pytest.mark.parametrize(
    "typed,amount",
    [("25.000", "25000.00"), ("25.000,50", "25000.50"), ("€ 1.250", "1250.00"), ("99,5", "99.50")],
)
def test_amounts_are_read_in_dutch(client, director, process, settings, typed, amount):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(director)
    response = client.post(
        reverse("plans:framework-create", args=[process.pk]),
        {
            "text": "Max",
            "kind": "financial",
            "severity": "must",
            "machine_check": "max_cost_per_measure",
            "max_amount": typed,
        },
    )
    assert response.status_code == 302
    assert FrameworkRule.objects.get().max_amount == D(amount)


@pytest.mark.parametrize(
    "data,field",
    [
        ({"machine_check": "max_cost_per_measure"}, "max_amount"),
        ({"machine_check": "max_structural_share", "max_percentage": "150"}, "max_percentage"),
        ({"machine_check": "spend_by_date"}, "deadline"),
        ({"machine_check": "categories_not_allowed"}, "categories"),
        ({"machine_check": "max_cost_per_measure", "max_amount": "-5"}, "max_amount"),
        ({"text": ""}, "text"),
    ],
)
def test_the_add_form_shows_errors_and_saves_nothing(client, director, process, data, field):
    client.force_login(director)
    post = {"text": "Rule", "kind": "financial", "severity": "warning", **data}
    response = client.post(reverse("plans:framework-create", args=[process.pk]), post)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not FrameworkRule.objects.exists()


def test_the_edit_form_is_filled_in_and_saves(client, director, process):
    rule = make_rule(
        process, director, machine_check="categories_not_allowed", categories=["other"]
    )
    client.force_login(director)
    url = reverse("plans:framework-update", args=[process.pk, rule.pk])
    form = client.get(url).context["form"]
    assert form.initial["categories"] == ["other"]
    assert form.initial["machine_check"] == "categories_not_allowed"
    response = client.post(
        url,
        {
            "text": "Changed",
            "kind": "pedagogical",
            "severity": "information",
            "machine_check": "",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.text, rule.kind, rule.machine_check) == ("Changed", "pedagogical", "")
    assert not rule.categories.exists()


def test_editing_after_sign_off_warns_and_reopens(client, step3_open, director, pmr):
    rule = make_rule(step3_open, director)
    _sign_step_3(step3_open, director, pmr)
    client.force_login(director)
    url = reverse("plans:framework-update", args=[step3_open.pk, rule.pk])
    assert "Changing the rules reopens it" in client.get(url).content.decode()
    response = client.post(
        url,
        {"text": "Changed", "kind": "financial", "severity": "warning", "machine_check": ""},
        follow=True,
    )
    assert "it has been reopened" in response.content.decode()
    assert state(step3_open, 3) == ProcessStep.State.OPEN


def test_the_delete_page_asks_first(client, director, process, rule):
    client.force_login(director)
    url = reverse("plans:framework-delete", args=[process.pk, rule.pk])
    assert rule.text in client.get(url).content.decode()
    assert FrameworkRule.objects.exists()
    assert client.post(url).status_code == 302
    assert not FrameworkRule.objects.exists()


def test_the_move_buttons_change_the_order(client, director, process):
    first = make_rule(process, director, text="first")
    second = make_rule(process, director, text="second")
    client.force_login(director)
    response = client.post(
        reverse("plans:framework-move", args=[process.pk, second.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert [r.pk for r in selectors.framework_rule_list(process=process)] == [second.pk, first.pk]


def test_a_rule_of_another_process_is_not_found(client, director, process, other_director):
    other = process_services.process_create(
        school=other_director.school_roles.get().school,
        school_year=process.school_year,
        actor=other_director,
    )
    foreign = make_rule(other, other_director)
    client.force_login(director)
    url = reverse("plans:framework-update", args=[process.pk, foreign.pk])
    assert client.get(url).status_code == 404
    delete_url = reverse("plans:framework-delete", args=[process.pk, foreign.pk])
    assert client.post(delete_url).status_code == 404
    assert FrameworkRule.objects.filter(pk=foreign.pk).exists()


# --- who may do what ---------------------------------------------------------------------

ROLES = [
    "anonymous",
    "staff_user",
    "director",
    "pmr",
    "steering",
    "board_admin",
    "other_director",
    "other_board_admin",
]

GET_MATRIX = {
    "framework-list": [302, 200, 200, 200, 200, 200, 404, 404],
    "framework-create": [302, 403, 200, 200, 403, 403, 404, 404],
    "framework-update": [302, 403, 200, 200, 403, 403, 404, 404],
    "framework-delete": [302, 403, 200, 200, 403, 403, 404, 404],
}

VALID_RULE = {"text": "Rule", "kind": "financial", "severity": "warning", "machine_check": ""}

# name: (needs a rule, data, expected); 302 = done.
POST_MATRIX = {
    "framework-create": (False, VALID_RULE, [302, 403, 302, 302, 403, 403, 404, 404]),
    "framework-standard-set": (False, {}, [302, 403, 302, 302, 403, 403, 404, 404]),
    "framework-update": (True, VALID_RULE, [302, 403, 302, 302, 403, 403, 404, 404]),
    "framework-delete": (True, {}, [302, 403, 302, 302, 403, 403, 404, 404]),
    "framework-move": (True, {"direction": "up"}, [302, 403, 302, 302, 403, 403, 404, 404]),
}


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def _url(name, process, rule):
    args = [process.pk] if rule is None else [process.pk, rule.pk]
    return reverse(f"plans:{name}", args=args)


@pytest.mark.parametrize("name", GET_MATRIX)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_get_permission_matrix(client, request, process, director, name, index, role):
    rule = (
        make_rule(process, director) if name in ("framework-update", "framework-delete") else None
    )
    _login(client, request, role)
    response = client.get(_url(name, process, rule))
    assert response.status_code == GET_MATRIX[name][index], (name, role)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", POST_MATRIX)
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_post_permission_matrix(client, request, process, director, name, index, role):
    needs_rule, data, expected = POST_MATRIX[name]
    rule = make_rule(process, director) if needs_rule else None
    before = (FrameworkRule.objects.count(), decisions(process).count())
    user = _login(client, request, role)
    response = client.post(_url(name, process, rule), data)
    assert response.status_code == expected[index], (name, role)
    if expected[index] != 302 or user is None:
        assert (FrameworkRule.objects.count(), decisions(process).count()) == before
    elif rule is not None and name != "framework-move":
        assert decisions(process).count() == before[1] + 1


@pytest.mark.parametrize("name", ["framework-standard-set", "framework-move"])
def test_post_only_endpoints_refuse_get(client, director, process, name):
    rule = make_rule(process, director) if name == "framework-move" else None
    client.force_login(director)
    assert client.get(_url(name, process, rule)).status_code == 405


# --- query counts ------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_rules(process, actor, n):
    for i in range(n):
        make_rule(
            process,
            actor,
            text=f"Rule {i}",
            kind=FrameworkRule.Kind.values[i % 4],
            machine_check="categories_not_allowed",
            categories=["materials_ict", "wellbeing"],
        )


@pytest.mark.parametrize("role", ["director", "staff_user"])
def test_framework_page_query_count_does_not_grow_with_rules(
    client, request, process, director, role
):
    client.force_login(request.getfixturevalue(role))
    url = reverse("plans:framework-list", args=[process.pk])
    client.get(url)  # warm up session and caches
    _add_rules(process, director, 2)
    small = _count(client, url)
    _add_rules(process, director, 30)
    large = _count(client, url)
    assert small == large == 8  # 10 before issue 20: the reader's roles in one query
