"""A school's own function costs (plans.services.function_costs, its pages): who keeps them,
that one school's figures never change another's costing, and that a unit plan is costed with
its school's own figures."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.models import FunctionCost
from plans.services import function_costs as services
from plans.services.measure_costs import measure_costs
from processes.models import GmrMember, SchoolYear
from tests.factories import SchoolFactory, UserFactory
from tests.fixtures.step8 import add, step8_process, unit_of, user
from werkdruk.exceptions import DomainError

D = Decimal
ROLES = [
    "anonymous",
    "staff_user",
    "pmr",
    "steering",
    "director",
    "other_director",
    "board_admin",
    "other_board_admin",
    "gmr",
]
KEEPERS = ("director", "board_admin")


@pytest.fixture
def gmr(school):
    member = UserFactory()
    GmrMember.objects.create(user=member, board=school.board)
    return member


@pytest.fixture
def current():
    return SchoolYear.objects.current()


@pytest.fixture
def own(school, current, director):
    return services.function_cost_add(
        school=school,
        actor=director,
        start_year=current.start_year,
        function="onderwijsassistent",
        yearly_cost=D("50000.00"),
    )


def _login(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))


def _school_status(role, allowed):
    return {
        "anonymous": 302,
        "staff_user": 403,
        "pmr": 403,
        "steering": 403,
        "other_director": 404,
        "other_board_admin": 404,
        "gmr": 404,
    }.get(role, allowed)


def _snapshot():
    return sorted(
        FunctionCost.objects.values_list("pk", "school_id", "function", "yearly_cost", "source")
    )


def _form(current, **extra):
    return {
        "start_year": current.start_year,
        "function": "conciërge",
        "yearly_cost": "41000",
        "hourly_cost": "",
        "source": "payroll 2026",
        **extra,
    }


# --- the permission matrix -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_school_page_is_for_the_director_and_the_board_when_requested(
    client, request, school, own, role
):
    _login(client, request, role)
    response = client.get(reverse("plans:function-costs", args=[school.pk]))
    assert response.status_code == _school_status(role, 200), role
    if response.status_code == 200:
        page = response.content.decode()
        assert "50.000,00" in page or "50,000.00" in page
        assert 'data-testid="example"' in page  # the defaults are marked as examples


@pytest.mark.parametrize("role", ROLES)
def test_adding_is_for_the_director_and_the_board_when_posted(
    client, request, school, current, role
):
    _login(client, request, role)
    before = _snapshot()
    response = client.post(reverse("plans:function-cost-add", args=[school.pk]), _form(current))
    assert response.status_code == _school_status(role, 302), role
    added = FunctionCost.objects.filter(school=school, function="conciërge").exists()
    assert added == (role in KEEPERS)
    if not added:
        assert _snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_editing_is_for_the_director_and_the_board_when_posted(client, request, school, own, role):
    _login(client, request, role)
    url = reverse("plans:function-cost-edit", args=[school.pk, own.pk])
    assert client.get(url).status_code == _school_status(role, 200), role
    response = client.post(url, {"yearly_cost": "52000", "hourly_cost": "", "source": "x"})
    assert response.status_code == _school_status(role, 302), role
    own.refresh_from_db()
    assert (own.yearly_cost == D("52000.00")) == (role in KEEPERS)


@pytest.mark.parametrize("role", ROLES)
def test_deleting_is_for_the_director_and_the_board_when_posted(client, request, school, own, role):
    _login(client, request, role)
    response = client.post(reverse("plans:function-cost-delete", args=[school.pk, own.pk]))
    assert response.status_code == _school_status(role, 302), role
    assert FunctionCost.objects.filter(pk=own.pk).exists() == (role not in KEEPERS)


@pytest.mark.parametrize("role", ROLES)
def test_board_page_is_for_the_boards_administrators_only_when_requested(
    client, request, school, current, role
):
    _login(client, request, role)
    before = _snapshot()
    page = client.get(reverse("plans:board-function-costs", args=[school.board.pk]))
    posted = client.post(
        reverse("plans:board-function-cost-set", args=[school.board.pk]), _form(current)
    )
    expected = {"anonymous": 302, "board_admin": 200}.get(role, 404)
    assert page.status_code == expected, role
    assert posted.status_code == (302 if role == "board_admin" else expected), role
    if role != "board_admin":
        assert _snapshot() == before


def test_another_schools_row_is_not_found_when_edited_through_this_school(
    client, school, director, other_school, other_director, current
):
    theirs = services.function_cost_add(
        school=other_school,
        actor=other_director,
        start_year=current.start_year,
        function="teamleider",
        yearly_cost=D("90000"),
    )
    default = FunctionCost.objects.filter(school__isnull=True).first()
    client.force_login(director)
    for row in (theirs, default):
        url = reverse("plans:function-cost-edit", args=[school.pk, row.pk])
        assert client.post(url, {"yearly_cost": "1"}).status_code == 404
        delete = reverse("plans:function-cost-delete", args=[school.pk, row.pk])
        assert client.post(delete).status_code == 404
    theirs.refresh_from_db()
    assert theirs.yearly_cost == D("90000.00")
    assert FunctionCost.objects.filter(pk=default.pk).exists()


# --- the rules ----------------------------------------------------------------------------


def test_a_second_own_row_for_the_same_function_and_year_is_refused_when_added(
    school, director, own, current
):
    with pytest.raises(DomainError, match="already has its own cost"):
        services.function_cost_add(
            school=school,
            actor=director,
            start_year=current.start_year,
            function="Onderwijsassistent",
            yearly_cost=D("1"),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FunctionCost.objects.create(
            school=school, school_year=current, function="onderwijsassistent", yearly_cost=1
        )


def test_services_check_permission_when_called_directly(school, pmr, own, current):
    with pytest.raises(PermissionDenied):
        services.function_cost_add(
            school=school,
            actor=pmr,
            start_year=current.start_year,
            function="x",
            yearly_cost=D("1"),
        )
    with pytest.raises(PermissionDenied):
        services.function_cost_delete(school=school, actor=pmr, cost=own)
    with pytest.raises(PermissionDenied):
        services.function_cost_set_for_board(
            board=school.board,
            actor=pmr,
            start_year=current.start_year,
            function="x",
            yearly_cost=D("1"),
        )


def test_negative_or_missing_figures_are_refused_when_added(school, director, current):
    for yearly, hourly in ((D("-1"), None), (None, None), (D("1"), D("-1"))):
        with pytest.raises(DomainError):
            services.function_cost_add(
                school=school,
                actor=director,
                start_year=current.start_year,
                function="coach",
                yearly_cost=yearly,
                hourly_cost=hourly,
            )
    with pytest.raises(DomainError):
        services.function_cost_add(
            school=school,
            actor=director,
            start_year=current.start_year,
            function="  ",
            yearly_cost=D("1"),
        )


def test_for_all_schools_gives_every_school_of_the_board_its_own_row_when_set(
    school, board_admin, current, other_school
):
    sister = SchoolFactory(board=school.board)
    count = services.function_cost_set_for_board(
        board=school.board,
        actor=board_admin,
        start_year=current.start_year,
        function="teamleider",
        yearly_cost=D("95000"),
    )
    assert count == 2
    for each in (school, sister):
        assert FunctionCost.objects.yearly_costs("teamleider", each)[current.start_year] == D(
            "95000.00"
        )
    # another board's school keeps the default
    default = FunctionCost.objects.yearly_costs("teamleider")[current.start_year]
    assert FunctionCost.objects.yearly_costs("teamleider", other_school)[current.start_year] == (
        default
    )
    # set again: replaced, not doubled
    services.function_cost_set_for_board(
        board=school.board,
        actor=board_admin,
        start_year=current.start_year,
        function="teamleider",
        yearly_cost=D("96000"),
    )
    assert FunctionCost.objects.filter(school=school, function="teamleider").count() == 1


# --- the costing --------------------------------------------------------------------------


def test_school_a_figures_do_not_change_school_b_costing_when_kept(
    school, own, other_school, current
):
    year = current.start_year

    def cost_for(which, last=year + 1):
        return measure_costs(
            cost_type="fte",
            fte=D("0.5"),
            function="onderwijsassistent",
            first_year=year,
            last_year=last,
            structural=True,
            school=which,
        )

    mine, theirs, default = cost_for(school), cost_for(other_school), cost_for(None)
    assert mine.per_year[year] == D("25000.00")
    assert mine.rates["yearly_cost"][str(year)] == "50000.00"
    assert cost_for(school, last=year).rates["example"] is False
    assert theirs.per_year == default.per_year
    assert theirs.per_year[year] != D("25000.00")
    assert theirs.rates["example"] is True  # the shipped examples
    # the next year has no own row: the default of that year counts, also for the school
    assert mine.per_year[year + 1] == default.per_year[year + 1]


def test_removing_an_own_row_brings_the_default_back_when_deleted(school, director, own, current):
    services.function_cost_delete(school=school, actor=director, cost=own)
    assert FunctionCost.objects.yearly_costs("onderwijsassistent", school) == (
        FunctionCost.objects.yearly_costs("onderwijsassistent")
    )


def test_unit_plan_is_costed_with_its_schools_own_figures_when_a_measure_is_added(db):
    process = step8_process()
    director = user("directeur")
    year = process.school_year.start_year
    services.function_cost_add(
        school=process.school,
        actor=director,
        start_year=year,
        function="onderwijsassistent",
        yearly_cost=D("40000.00"),
    )
    teacher = user("docent")
    from plans.services.unit_plans import plan_for_unit

    plan = plan_for_unit(unit=unit_of(process, "docent"))
    measure = add(
        plan,
        teacher,
        year,
        cost_type="fte",
        fte=D("0.5"),
        function="onderwijsassistent",
        last_year=year,
        structural=True,
    )
    assert measure.cost_per_year == {str(year): "20000.00"}
    assert measure.rates["yearly_cost"] == {str(year): "40000.00"}
    assert measure.rates["example"] is False
