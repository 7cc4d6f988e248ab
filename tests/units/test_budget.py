"""The school budget: budget lines of a process, their total, and the take-over of step 0."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from processes import services as process_services
from processes.models import Decision, ProcessStep, SchoolRole
from tests.factories import (
    PupilCountFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
)
from tests.fixtures.gmr import fix_and_consent
from units.models import BoardAllocation, BudgetLine, SchoolAllocation
from units.selectors.budget import school_budget
from units.services import allocation as allocation_services
from units.services import budget as services
from werkdruk.exceptions import DomainError

ALLOCATION = BudgetLine.Kind.ALLOCATION
CARRY_OVER = BudgetLine.Kind.CARRY_OVER
EXTRA = BudgetLine.Kind.EXTRA_TRANCHE


@pytest.fixture
def school(school_year):
    # Overrides the shared school (tests/fixtures/people.py): a name and 900 pupils.
    school = SchoolFactory(name="Het Voorbeeld College")
    StaffMemberFactory.create_batch(3, school=school)
    PupilCountFactory(school=school, school_year=school_year, pupil_count=900)
    return school


@pytest.fixture
def fixed(school, school_year, board_admin):
    """The board fixed its split for the year: one other school, 900 and 300 pupils."""
    other = SchoolFactory(board=school.board, name="Zuid Lyceum")
    PupilCountFactory(school=other, school_year=school_year, pupil_count=300)
    return fix_and_consent(
        board=school.board,
        school_year=school_year,
        total=Decimal("120000.00"),
        board_office_fte=Decimal("0"),
        actor=board_admin,
    )


def _add(process, actor, kind=CARRY_OVER, description="Unspent 2025-2026", amount="1234.56"):
    return services.budget_line_add(
        process=process, actor=actor, kind=kind, description=description, amount=Decimal(amount)
    )


def snapshot() -> dict:
    return {
        "lines": list(BudgetLine.objects.order_by("pk").values()),
        "steps": list(ProcessStep.objects.order_by("pk").values()),
        "allocations": list(BoardAllocation.objects.order_by("pk").values()),
        "shares": list(SchoolAllocation.objects.order_by("pk").values()),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "action")),
    }


@pytest.fixture
def without_blockers(monkeypatch):
    """Steps 1 and 2 signed without units or a split: their blockers belong to other tests."""
    from processes import registry

    monkeypatch.setattr(registry, "_blockers", {})


def _step(process, number):
    return process.steps.get(number=number)


def _sign_both(process, number, director, pmr):
    process_services.step_sign_off(step=_step(process, number), actor=director)
    process_services.step_sign_off(step=_step(process, number), actor=pmr)


# --- lines and their total -----------------------------------------------------------------


def test_school_total_is_the_sum_of_the_lines_when_lines_are_added(process, director, pmr):
    _add(process, director, ALLOCATION, "This year's allocation", "90000.00")
    _add(process, pmr, CARRY_OVER, "Unspent 2025-2026", "12345.67")
    _add(process, director, EXTRA, "Extra tranche 2026", "0.33")
    budget = school_budget(process=process)
    assert budget.total == Decimal("102346.00")
    assert [line.kind for line in budget.lines] == [ALLOCATION, CARRY_OVER, EXTRA]


def test_school_budget_is_read_in_one_query_when_lines_exist(
    process, director, fixed, django_assert_num_queries
):
    services.budget_line_from_allocation(process=process, actor=director)
    _add(process, director)
    with django_assert_num_queries(1):
        budget = school_budget(process=process)
        assert [line.source.allocation.total for line in budget.lines if line.source] == [
            Decimal("120000.00")
        ]
    assert budget.total == Decimal("91234.56")


def test_school_total_is_zero_when_there_are_no_lines(process):
    assert school_budget(process=process).total == Decimal("0.00")


def test_adding_a_line_records_a_decision_when_it_succeeds(process, director):
    line = _add(process, director)
    decision = Decision.objects.get(action="units.budget_line.added")
    assert decision.process == process and decision.step_number == 2
    assert decision.summary == (
        "Budget line added: carry-over from earlier years, Unspent 2025-2026, €\xa01,234.56."
    )
    assert decision.content["amount"] == "1234.56" and decision.content["line"] == line.pk


def test_update_changes_the_line_and_records_before_and_after_when_it_changes(process, director):
    line = _add(process, director)
    services.budget_line_update(
        line=line, actor=director, kind=EXTRA, description="Extra tranche", amount=Decimal("500")
    )
    line.refresh_from_db()
    assert (line.kind, line.description, line.amount) == (EXTRA, "Extra tranche", Decimal("500"))
    decision = Decision.objects.get(action="units.budget_line.changed")
    assert decision.content["before"]["amount"] == "1234.56"
    assert decision.content["after"]["amount"] == "500.00"


def test_update_records_nothing_when_nothing_changes(process, director):
    line = _add(process, director)
    before = snapshot()
    services.budget_line_update(
        line=line,
        actor=director,
        kind=line.kind,
        description=line.description,
        amount=line.amount,
    )
    assert snapshot() == before


def test_remove_deletes_the_line_and_records_it_when_removed(process, director):
    line = _add(process, director)
    services.budget_line_remove(line=line, actor=director)
    assert not BudgetLine.objects.exists()
    decision = Decision.objects.get(action="units.budget_line.removed")
    assert decision.content["description"] == "Unspent 2025-2026"


@pytest.mark.parametrize(
    "amount,message",
    [
        ("-0.01", "An amount cannot be negative."),
        ("10.005", "An amount must be in euros and whole cents."),
        ("0.001", "An amount must be in euros and whole cents."),
        ("NaN", "An amount must be in euros and whole cents."),
        ("10000000000.00", "The amount is too large."),
    ],
)
def test_amount_is_refused_and_nothing_changes_when_it_is_negative_or_not_whole_cents(
    process, director, amount, message
):
    line = _add(process, director)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        _add(process, director, amount=amount)
    assert error.value.message == message
    with pytest.raises(DomainError) as error:
        services.budget_line_update(
            line=line,
            actor=director,
            kind=CARRY_OVER,
            description="x",
            amount=Decimal(amount),
        )
    assert error.value.message == message
    assert snapshot() == before


def test_amount_with_trailing_zeros_is_accepted_when_it_is_whole_cents(process, director):
    assert _add(process, director, amount="10.5000").amount == Decimal("10.50")


@pytest.mark.parametrize(
    "kind,description,message",
    [
        ("bonus", "x", "Choose the kind of budget line."),
        (CARRY_OVER, "  ", "Describe the budget line."),
        (CARRY_OVER, "x" * 201, "The description is too long (at most 200 characters)."),
    ],
)
def test_line_is_refused_and_nothing_changes_when_kind_or_description_is_wrong(
    process, director, kind, description, message
):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        _add(process, director, kind=kind, description=description)
    assert error.value.message == message
    assert snapshot() == before


def test_second_allocation_line_is_refused_when_one_exists(process, director):
    _add(process, director, ALLOCATION, "Allocation typed in", "1000")
    carry = _add(process, director)
    before = snapshot()
    with pytest.raises(DomainError, match="already in the budget"):
        _add(process, director, ALLOCATION, "Again", "1000")
    with pytest.raises(DomainError, match="already in the budget"):
        services.budget_line_update(
            line=carry, actor=director, kind=ALLOCATION, description="x", amount=Decimal("1")
        )
    assert snapshot() == before


@pytest.mark.parametrize("role", ["steering", "staff_user", "board_admin", "other_director"])
def test_budget_changes_are_denied_when_the_actor_is_not_director_or_pmr(
    request, process, director, fixed, role
):
    actor = request.getfixturevalue(role)
    line = _add(process, director)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        _add(process, actor)
    with pytest.raises(PermissionDenied):
        services.budget_line_update(
            line=line, actor=actor, kind=EXTRA, description="x", amount=Decimal("1")
        )
    with pytest.raises(PermissionDenied):
        services.budget_line_remove(line=line, actor=actor)
    with pytest.raises(PermissionDenied):
        services.budget_line_from_allocation(process=process, actor=actor)
    assert snapshot() == before


# --- taking over the board's allocation ------------------------------------------------------


def test_take_over_creates_the_allocation_line_from_the_fixed_split_when_fixed(
    process, director, fixed
):
    line = services.budget_line_from_allocation(process=process, actor=director)
    share = fixed.shares.get(school=process.school)
    assert line.kind == ALLOCATION and line.source == share
    assert line.amount == share.amount == Decimal("90000.00")
    assert line.description == f"Allocation from {process.school.board} for 2026-2027"
    decision = Decision.objects.get(action="units.budget_line.taken_over")
    assert decision.summary == "The board's allocation of €\xa090,000.00 has been taken over."
    assert decision.content["allocation"] == fixed.pk


def test_take_over_is_refused_when_the_board_has_not_fixed_its_split(
    process, director, school, school_year, board_admin
):
    before = snapshot()
    with pytest.raises(DomainError, match="has not fixed its distribution for 2026-2027"):
        services.budget_line_from_allocation(process=process, actor=director)
    assert snapshot() == before


def test_take_over_is_refused_when_the_split_was_reopened(process, director, fixed, board_admin):
    allocation_services.allocation_reopen(
        board=fixed.board, school_year=fixed.school_year, actor=board_admin, grounds="Typo"
    )
    with pytest.raises(DomainError, match="has not fixed its distribution"):
        services.budget_line_from_allocation(process=process, actor=director)


def test_take_over_is_refused_when_the_school_has_no_share(board_admin, school):
    later = SchoolYearFactory(start_year=2027)
    PupilCountFactory(school=school, school_year=later, pupil_count=100)
    fix_and_consent(
        board=school.board,
        school_year=later,
        total=Decimal("1000"),
        board_office_fte=Decimal("0"),
        actor=board_admin,
    )
    newcomer = SchoolFactory(board=school.board, name="Nieuw College")  # joined afterwards
    newcomer_director = SchoolRoleFactory(school=newcomer, role=SchoolRole.Role.DIRECTOR).user
    process = process_services.process_create(
        school=newcomer, school_year=later, actor=newcomer_director
    )
    with pytest.raises(DomainError, match="has no share for Nieuw College"):
        services.budget_line_from_allocation(process=process, actor=newcomer_director)


def test_take_over_is_refused_when_already_taken_over(process, director, fixed):
    services.budget_line_from_allocation(process=process, actor=director)
    before = snapshot()
    with pytest.raises(DomainError, match="already in the budget"):
        services.budget_line_from_allocation(process=process, actor=director)
    assert snapshot() == before


def test_take_over_is_refused_when_the_allocation_was_typed_by_hand(process, director, fixed):
    BudgetLine.objects.create(
        process=process, kind=ALLOCATION, description="Typed before the board fixed", amount=1
    )
    before = snapshot()
    with pytest.raises(DomainError, match="typed in by hand"):
        services.budget_line_from_allocation(process=process, actor=director)
    assert snapshot() == before


def test_typing_the_allocation_is_refused_when_the_board_fixed_it(process, director, fixed):
    before = snapshot()
    with pytest.raises(DomainError, match="take it over instead of typing it"):
        _add(process, director, ALLOCATION, "Our allocation", "90000")
    assert snapshot() == before


def test_typed_allocation_can_still_be_corrected_when_the_board_fixed_afterwards(
    process, director, school, school_year, board_admin
):
    line = _add(process, director, ALLOCATION, "Allocation typed in", "1000")
    fix_and_consent(
        board=school.board,
        school_year=school_year,
        total=Decimal("5000"),
        board_office_fte=Decimal("0"),
        actor=board_admin,
    )
    services.budget_line_update(
        line=line, actor=director, kind=ALLOCATION, description="Typed", amount=Decimal("5000")
    )
    line.refresh_from_db()
    assert line.amount == Decimal("5000.00")
    carry = _add(process, director)
    with pytest.raises(DomainError, match="already in the budget"):
        services.budget_line_update(
            line=carry, actor=director, kind=ALLOCATION, description="x", amount=Decimal("1")
        )


def test_typing_the_allocation_works_when_the_board_does_not_use_the_product(process, director):
    line = _add(process, director, ALLOCATION, "Allocation according to the board", "80000")
    assert line.source is None and school_budget(process=process).total == Decimal("80000.00")


def test_taken_over_line_keeps_its_amount_when_changed(process, director, fixed):
    line = services.budget_line_from_allocation(process=process, actor=director)
    before = snapshot()
    with pytest.raises(DomainError, match="only its description can be changed"):
        services.budget_line_update(
            line=line, actor=director, kind=ALLOCATION, description="x", amount=Decimal("1")
        )
    with pytest.raises(DomainError, match="only its description can be changed"):
        services.budget_line_update(
            line=line, actor=director, kind=EXTRA, description="x", amount=line.amount
        )
    assert snapshot() == before
    services.budget_line_update(
        line=line, actor=director, kind=ALLOCATION, description="Board money", amount=line.amount
    )
    line.refresh_from_db()
    assert line.description == "Board money" and line.source_id is not None


def test_take_over_works_again_when_the_taken_over_line_was_removed(process, director, fixed):
    line = services.budget_line_from_allocation(process=process, actor=director)
    services.budget_line_remove(line=line, actor=director)
    again = services.budget_line_from_allocation(process=process, actor=director)
    assert again.amount == Decimal("90000.00")


# --- step 2 follows the budget -----------------------------------------------------------------


def test_step_2_is_reopened_with_a_decision_when_a_line_changes_after_sign_off(
    without_blockers, process, director, pmr
):
    line = _add(process, director)
    _sign_both(process, 1, director, pmr)
    _sign_both(process, 2, director, pmr)
    assert _step(process, 2).state == ProcessStep.State.DONE
    assert _step(process, 3).state == ProcessStep.State.OPEN

    services.budget_line_update(
        line=line, actor=pmr, kind=CARRY_OVER, description=line.description, amount=Decimal("1")
    )

    step2 = _step(process, 2)
    assert step2.state == ProcessStep.State.OPEN and step2.revision == 2
    assert _step(process, 3).state == ProcessStep.State.LOCKED
    reopened = Decision.objects.get(action="processes.step.reopened")
    assert reopened.step_number == 2 and reopened.actor == pmr
    assert reopened.grounds == (
        "Changed after sign-off: the school budget (line changed: Unspent 2025-2026)"
    )
    changed = Decision.objects.get(action="units.budget_line.changed")
    assert changed.pk > reopened.pk


@pytest.mark.parametrize("change", ["add", "remove", "take_over"])
def test_step_2_is_reopened_when_the_budget_changes_after_one_side_signed(
    without_blockers, process, director, pmr, fixed, change
):
    line = _add(process, director)
    _sign_both(process, 1, director, pmr)
    process_services.step_sign_off(step=_step(process, 2), actor=director)
    if change == "add":
        _add(process, director, EXTRA, "Extra", "10")
    elif change == "remove":
        services.budget_line_remove(line=line, actor=director)
    else:
        services.budget_line_from_allocation(process=process, actor=director)
    step2 = _step(process, 2)
    assert step2.revision == 2 and step2.state == ProcessStep.State.OPEN
    assert not step2.sign_offs.filter(revision=2).exists()
    assert Decision.objects.filter(action="processes.step.reopened", step_number=2).count() == 1


def test_step_2_is_not_reopened_when_nobody_signed_it(process, director):
    _add(process, director)
    assert not Decision.objects.filter(action="processes.step.reopened").exists()
    assert _step(process, 2).revision == 1


def test_a_refused_change_leaves_step_2_signed_when_it_fails(
    without_blockers, process, director, pmr
):
    _add(process, director)
    _sign_both(process, 1, director, pmr)
    _sign_both(process, 2, director, pmr)
    before = snapshot()
    with pytest.raises(DomainError):
        _add(process, director, amount="-5")
    assert snapshot() == before
    assert _step(process, 2).state == ProcessStep.State.DONE


# --- pages -------------------------------------------------------------------------------------

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
VIEW = [302, 200, 200, 200, 200, 200, 404, 404]
CHANGE = [302, 403, 302, 302, 403, 403, 404, 404]


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role,expected", list(zip(ROLES, VIEW, strict=True)))
def test_budget_page_is_visible_to_the_school_when_requested(
    client, request, process, director, role, expected
):
    _add(process, director)
    _login(client, request, role)
    response = client.get(reverse("units:budget", args=[process.pk]))
    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    if expected == 200:
        assert "€\xa01,234.56" in response.content.decode()


def _post(client, name, process, line):
    if name == "budget-line-add":
        url = reverse("units:budget-line-add", args=[process.pk])
        return client.post(url, {"kind": EXTRA, "description": "Extra", "amount": "10"})
    if name == "budget-take-over":
        return client.post(reverse("units:budget-take-over", args=[process.pk]))
    if name == "budget-line-edit":
        url = reverse("units:budget-line-edit", args=[process.pk, line.pk])
        return client.post(url, {"kind": EXTRA, "description": "Changed", "amount": "5"})
    url = reverse("units:budget-line-remove", args=[process.pk, line.pk])
    return client.post(url)


@pytest.mark.parametrize(
    "name", ["budget-line-add", "budget-line-edit", "budget-line-remove", "budget-take-over"]
)
@pytest.mark.parametrize("role,expected", list(zip(ROLES, CHANGE, strict=True)))
def test_budget_changes_are_for_director_and_pmr_only_when_posted(
    client, request, process, director, fixed, name, role, expected
):
    line = _add(process, director)
    _login(client, request, role)
    before = snapshot()
    response = _post(client, name, process, line)
    assert response.status_code == expected, (name, role)
    if expected == 302 and role != "anonymous":
        assert response.url == reverse("units:budget", args=[process.pk])
        assert snapshot() != before
    else:
        assert snapshot() == before


@pytest.mark.parametrize("role,expected", list(zip(ROLES, CHANGE, strict=True)))
def test_edit_page_is_for_director_and_pmr_only_when_requested(
    client, request, process, director, role, expected
):
    line = _add(process, director)
    _login(client, request, role)
    response = client.get(reverse("units:budget-line-edit", args=[process.pk, line.pk]))
    assert response.status_code == (200 if expected == 302 and role != "anonymous" else expected)


def test_line_of_another_process_is_not_found_when_addressed_through_this_one(
    client, process, director, other_director, other_school, school_year
):
    other = process_services.process_create(
        school=other_school, school_year=school_year, actor=other_director
    )
    foreign = _add(other, other_director)
    client.force_login(director)
    url = reverse("units:budget-line-edit", args=[process.pk, foreign.pk])
    assert client.get(url).status_code == 404
    remove = reverse("units:budget-line-remove", args=[process.pk, foreign.pk])
    assert client.post(remove).status_code == 404
    assert BudgetLine.objects.filter(pk=foreign.pk).exists()


def test_budget_page_shows_the_lines_and_total_when_opened(client, process, director, fixed):
    services.budget_line_from_allocation(process=process, actor=director)
    _add(process, director)
    client.force_login(director)
    response = client.get(reverse("units:budget", args=[process.pk]))
    content = response.content.decode()
    assert content.count('data-testid="budget-line"') == 2
    assert "carry-over from earlier years" in content and "Unspent 2025-2026" in content
    assert "€\xa091,234.56" in content  # the total
    assert "from the board's distribution, fixed on" in content
    assert reverse("units:budget-line-add", args=[process.pk]) in content


def test_budget_page_shows_amounts_in_dutch_when_the_language_is_dutch(
    client, process, director, settings
):
    settings.LANGUAGE_CODE = "nl"
    _add(process, director, amount="12345.67")
    client.force_login(director)
    content = client.get(reverse("units:budget", args=[process.pk])).content.decode()
    assert "€\xa012.345,67" in content


def test_budget_page_hides_the_forms_when_the_user_may_only_view(client, process, staff_user):
    client.force_login(staff_user)
    content = client.get(reverse("units:budget", args=[process.pk])).content.decode()
    assert reverse("units:budget-line-add", args=[process.pk]) not in content
    assert 'data-testid="take-over"' not in content


def test_take_over_button_is_shown_when_a_fixed_allocation_is_not_yet_taken_over(
    client, process, director, fixed
):
    client.force_login(director)
    url = reverse("units:budget", args=[process.pk])
    content = client.get(url).content.decode()
    assert 'data-testid="take-over"' in content and "€\xa090,000.00" in content
    response = client.post(reverse("units:budget-take-over", args=[process.pk]))
    assert response.status_code == 302
    assert 'data-testid="take-over"' not in client.get(url).content.decode()
    assert BudgetLine.objects.get().source is not None


def test_take_over_button_is_absent_when_the_board_has_not_fixed(client, process, director):
    client.force_login(director)
    content = client.get(reverse("units:budget", args=[process.pk])).content.decode()
    assert 'data-testid="take-over"' not in content


def test_take_over_through_the_page_reports_the_refusal_when_nothing_is_fixed(
    client, process, director
):
    client.force_login(director)
    response = client.post(reverse("units:budget-take-over", args=[process.pk]), follow=True)
    assert "has not fixed its distribution" in response.content.decode()
    assert not BudgetLine.objects.exists()


def test_adding_through_the_page_reads_dutch_amounts_when_the_language_is_dutch(
    client, process, director, settings
):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(director)
    response = client.post(
        reverse("units:budget-line-add", args=[process.pk]),
        {"kind": CARRY_OVER, "description": "Niet besteed", "amount": "€ 12.345,67"},
    )
    assert response.status_code == 302
    assert BudgetLine.objects.get().amount == Decimal("12345.67")


# "1,0055": more than two decimals; "1,005" could be 1005 or 1,005 (issue 15, item 5).
@pytest.mark.parametrize("amount", ["-5", "1,0055", "1,005", "many", ""])
def test_adding_through_the_page_is_refused_when_the_amount_is_wrong(
    client, process, director, amount
):
    client.force_login(director)
    response = client.post(
        reverse("units:budget-line-add", args=[process.pk]),
        {"kind": CARRY_OVER, "description": "x", "amount": amount},
    )
    assert response.status_code == 400
    assert not BudgetLine.objects.exists()


def test_adding_through_the_page_shows_the_refusal_when_the_service_refuses(
    client, process, director, fixed
):
    client.force_login(director)
    response = client.post(
        reverse("units:budget-line-add", args=[process.pk]),
        {"kind": ALLOCATION, "description": "Ours", "amount": "1"},
    )
    assert response.status_code == 400
    assert "take it over instead of typing it" in response.content.decode()


def test_edit_page_changes_the_line_when_posted(client, process, director):
    line = _add(process, director)
    client.force_login(director)
    url = reverse("units:budget-line-edit", args=[process.pk, line.pk])
    assert 'value="1234.56"' in client.get(url).content.decode()
    response = client.post(url, {"kind": EXTRA, "description": "Extra", "amount": "99.99"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.kind, line.amount) == (EXTRA, Decimal("99.99"))


def test_edit_page_keeps_the_boards_amount_when_the_line_was_taken_over(
    client, process, director, fixed
):
    line = services.budget_line_from_allocation(process=process, actor=director)
    client.force_login(director)
    url = reverse("units:budget-line-edit", args=[process.pk, line.pk])
    response = client.post(url, {"kind": EXTRA, "description": "Board money", "amount": "1"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.kind, line.description, line.amount) == (
        ALLOCATION,
        "Board money",
        Decimal("90000.00"),
    )


def test_page_warns_that_step_2_was_reopened_when_a_change_reopens_it(
    without_blockers, client, process, director, pmr
):
    _add(process, director)
    _sign_both(process, 1, director, pmr)
    _sign_both(process, 2, director, pmr)
    client.force_login(director)
    url = reverse("units:budget", args=[process.pk])
    assert 'data-testid="reopen-warning"' in client.get(url).content.decode()
    response = client.post(
        reverse("units:budget-line-add", args=[process.pk]),
        {"kind": EXTRA, "description": "Extra", "amount": "10"},
        follow=True,
    )
    assert "so it has been reopened" in response.content.decode()
    assert _step(process, 2).state == ProcessStep.State.OPEN


def test_step_2_page_links_to_the_budget_when_shown(client, process, director):
    client.force_login(director)
    content = client.get(reverse("processes:step-detail", args=[process.pk, 2])).content.decode()
    assert reverse("units:budget", args=[process.pk]) in content
    assert "School budget" in content


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_budget_page_query_count_is_constant_when_lines_grow(client, process, director, fixed):
    services.budget_line_from_allocation(process=process, actor=director)
    _add(process, director)
    client.force_login(director)
    url = reverse("units:budget", args=[process.pk])
    client.get(url)  # warm up the session
    small = _count(client, url)
    for index in range(40):
        _add(process, director, EXTRA, f"Tranche {index}", "100")
    large = _count(client, url)
    assert large == small
