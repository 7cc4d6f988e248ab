"""Yearly costs per function (plans.FunctionCost): reference data per school year, seeded with
labelled example values, editable in the admin."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.models import FunctionCost
from processes.models import SchoolYear
from tests.factories import SchoolYearFactory, UserFactory
from tests.signin import sign_in_admin

seed_migration = importlib.import_module("plans.migrations.0004_function_costs_seed")

D = Decimal
EXAMPLE_SOURCE = "example values, replace with your own"
FUNCTIONS = {
    "docent LB",
    "docent LC",
    "onderwijsassistent",
    "conciërge",
    "administratief medewerker",
    "teamleider",
}


@pytest.fixture
def admin_client(db, client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    sign_in_admin(client, admin)
    return client


# The seed


def test_migration_seeded_labelled_examples_for_the_current_and_next_school_year(db):
    current = SchoolYear.objects.current()
    for year in (current, current.next()):
        rows = FunctionCost.objects.filter(school_year=year)
        assert {row.function for row in rows} == FUNCTIONS
        assert all(row.is_example and row.source == EXAMPLE_SOURCE for row in rows)
        assert all(row.yearly_cost > 0 for row in rows)


def test_next_years_examples_are_indexed(db):
    current = SchoolYear.objects.current()
    now = FunctionCost.objects.yearly_costs("onderwijsassistent")
    assert now[current.start_year] == D("60000.00")
    assert now[current.start_year + 1] == D("61800.00")


def test_seed_on_an_earlier_date_fills_those_years_and_never_overwrites(db):
    year = SchoolYearFactory(start_year=2030)
    own = FunctionCost.objects.create(
        school_year=year, function="teamleider", yearly_cost=D("123456.78"), source="own figures"
    )

    seed_migration.seed(apps, None, today=datetime.date(2031, 7, 31))  # still 2030-2031
    seed_migration.seed(apps, None, today=datetime.date(2031, 7, 31))  # idempotent

    assert FunctionCost.objects.filter(school_year=year).count() == len(FUNCTIONS)
    assert FunctionCost.objects.filter(school_year__start_year=2031).count() == len(FUNCTIONS)
    own.refresh_from_db()
    assert own.yearly_cost == D("123456.78")
    assert not own.is_example


def test_unseed_removes_only_the_examples(db):
    own = FunctionCost.objects.create(
        school_year=SchoolYearFactory(start_year=2030), function="docent LB", yearly_cost=D("1")
    )
    seed_migration.unseed(apps, None)
    assert list(FunctionCost.objects.all()) == [own]


# The model


def test_one_row_per_function_per_school_year(db):
    year = SchoolYearFactory(start_year=2030)
    FunctionCost.objects.create(school_year=year, function="coach", yearly_cost=D("70000"))
    FunctionCost.objects.create(
        school_year=SchoolYearFactory(start_year=2031), function="coach", yearly_cost=D("72000")
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FunctionCost.objects.create(school_year=year, function="coach", yearly_cost=D("1"))


def test_hourly_cost_is_derived_from_the_norm_year_unless_given(db):
    year = SchoolYearFactory(start_year=2030)
    derived = FunctionCost.objects.create(school_year=year, function="a", yearly_cost=D("60000"))
    given = FunctionCost.objects.create(
        school_year=year, function="b", yearly_cost=D("60000"), hourly_cost=D("40.00")
    )
    assert derived.hourly_cost is None
    assert derived.effective_hourly_cost == D("36.17")  # 60000 / 1659, half up
    assert given.effective_hourly_cost == D("40.00")
    assert FunctionCost.objects.hourly_costs("a") == {2030: D("36.17")}


def test_negative_costs_do_not_validate(db):
    row = FunctionCost(
        school_year=SchoolYearFactory(start_year=2030),
        function="x",
        yearly_cost=D("-1"),
        hourly_cost=D("-1"),
    )
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert set(error.value.message_dict) == {"yearly_cost", "hourly_cost"}


def test_changes_are_kept_in_history(db):
    row = FunctionCost.objects.create(
        school_year=SchoolYearFactory(start_year=2030), function="x", yearly_cost=D("1")
    )
    row.yearly_cost = D("2")
    row.save()
    assert [h.yearly_cost for h in row.history.order_by("history_id")] == [D("1"), D("2")]


# The admin


def test_admin_list_shows_the_examples_flag(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("admin:plans_functioncost_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "column-is_example" in content
    assert "conciërge" in content
    assert EXAMPLE_SOURCE in content


def test_admin_can_replace_an_example_value(admin_client):
    row = FunctionCost.objects.get(
        school_year=SchoolYear.objects.current(), function="onderwijsassistent"
    )
    url = reverse("admin:plans_functioncost_change", args=[row.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "school_year": row.school_year_id,
            "function": row.function,
            "yearly_cost": "58250.00",
            "hourly_cost": "",
            "source": "begroting 2026",
            "order": "2",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.yearly_cost == D("58250.00")
    assert not row.is_example
    assert row.source == "begroting 2026"


def test_admin_refuses_a_negative_yearly_cost(admin_client):
    response = admin_client.post(
        reverse("admin:plans_functioncost_add"),
        {
            "school_year": SchoolYearFactory(start_year=2030).pk,
            "function": "coach",
            "yearly_cost": "-5",
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert not FunctionCost.objects.filter(function="coach").exists()


def test_non_staff_cannot_reach_the_admin_list(db, client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:plans_functioncost_changelist"))
    assert response.status_code == 302
