"""Issue 14, item 9: the creating forms of units, budget and staff, sent twice (a double click),
do their work once; the second goes to the same page with "This was already saved."
(tests/submissions.py)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from processes import services as process_services
from tests.factories import (
    BoardAdministratorFactory,
    BoardFactory,
    PupilCountFactory,
    SchoolFactory,
    SchoolYearFactory,
)
from tests.fixtures.gmr import fix_and_consent
from tests.submissions import already_saved, send_twice
from tests.units import test_allocation as allocation_tests
from tests.units.test_staff_import import dutch_csv, upload
from units.models import BoardAllocation, BudgetLine, ConversationGroup, OrganisationalUnit
from units.services import units as services
from units.views import staff as staff_views
from werkdruk.submissions import TOKEN_FIELD

pytestmark = pytest.mark.django_db


def test_item9_a_unit_added_twice_is_one_unit(client, process, director):  # noqa: F811
    client.force_login(director)
    send_twice(
        client,
        page=reverse("units:unit-list", args=[process.pk]),
        action=reverse("units:unit-create", args=[process.pk]),
        data={"name": "MT", "kind": "theme"},
    )
    assert list(OrganisationalUnit.objects.filter(process=process).values_list("name")) == [("MT",)]


def test_item9_last_years_units_copied_twice_are_copied_once(
    client,
    school,  # noqa: F811
    process,  # noqa: F811
    director,  # noqa: F811
):
    old = process_services.process_create(
        school=school, school_year=SchoolYearFactory(start_year=2025), actor=director
    )
    services.unit_create(process=old, actor=director, name="OP")
    client.force_login(director)
    send_twice(
        client,
        page=reverse("units:unit-list", args=[process.pk]),
        action=reverse("units:unit-copy", args=[process.pk]),
        data={},
    )
    assert OrganisationalUnit.objects.filter(process=process).count() == 1


def test_item9_a_conversation_group_added_twice_is_one_group(client, process, director):  # noqa: F811
    unit = services.unit_create(process=process, actor=director, name="OP")
    client.force_login(director)
    send_twice(
        client,
        page=reverse("units:unit-detail", args=[process.pk, unit.pk]),
        action=reverse("units:group-create", args=[process.pk, unit.pk]),
        data={"group-name": "H"},
    )
    assert ConversationGroup.objects.filter(unit=unit).count() == 1


def test_item9_a_budget_line_added_twice_is_one_line(client, process, director):  # noqa: F811
    client.force_login(director)
    send_twice(
        client,
        page=reverse("units:budget", args=[process.pk]),
        action=reverse("units:budget-line-add", args=[process.pk]),
        data={"kind": BudgetLine.Kind.EXTRA_TRANCHE, "description": "Extra", "amount": "10"},
    )
    assert BudgetLine.objects.filter(process=process).count() == 1


def test_item9_the_allocation_taken_over_twice_is_taken_over_once(
    client,
    school,  # noqa: F811
    school_year,  # noqa: F811
    process,  # noqa: F811
    director,  # noqa: F811
    board_admin,  # noqa: F811
):
    PupilCountFactory(school=school, school_year=school_year, pupil_count=900)
    other = SchoolFactory(board=school.board)
    PupilCountFactory(school=other, school_year=school_year, pupil_count=300)
    fix_and_consent(
        board=school.board,
        school_year=school_year,
        total=Decimal("120000.00"),
        board_office_fte=Decimal("0"),
        actor=board_admin,
    )
    client.force_login(director)
    send_twice(
        client,
        page=reverse("units:budget", args=[process.pk]),
        action=reverse("units:budget-take-over", args=[process.pk]),
        data={},
    )
    assert BudgetLine.objects.filter(process=process).count() == 1


def test_item9_a_staff_list_imported_twice_is_imported_once(
    client,
    school,  # noqa: F811
    director,  # noqa: F811
    monkeypatch,
):
    imports = []

    def counted(**kwargs):
        imports.append(kwargs["file"].name)
        return staff_import(**kwargs)

    staff_import = staff_views.staff_import
    monkeypatch.setattr(staff_views, "staff_import", counted)
    client.force_login(director)
    page = reverse("units:staff-import", kwargs={"school_id": school.pk})
    content = dutch_csv("Jan de Vries;jan@school.nl;OP;docent;Frans;0,8")
    send_twice(client, page=page, action=page, data={}, files=lambda: {"file": upload(content)})
    assert imports == ["personeel.csv"]


def test_item9_the_boards_distribution_fixed_twice_is_fixed_once(client, school_year):  # noqa: F811
    board = BoardFactory()
    for name, pupils in (("Noord", 900), ("Zuid", 300)):
        allocation_tests._school(board, school_year, name, pupils)
    admin = BoardAdministratorFactory(board=board).user
    client.force_login(admin)
    args = [board.pk, school_year.start_year]
    data = {"total": "100000", "board_office_fte": "0"}
    # The split as shown (htmx), with the fix button and its token.
    shown = client.post(
        reverse("units:allocation-preview", args=args), data, HTTP_HX_REQUEST="true"
    )
    token = re.search(rf'name="{TOKEN_FIELD}" value="([\w-]+)"', shown.content.decode()).group(1)
    fix = {**data, "preview": shown.context["preview"].digest, TOKEN_FIELD: token}

    first, second = (client.post(reverse("units:allocation-fix", args=args), fix) for _ in "12")

    assert (first.status_code, second.status_code) == (302, 302)
    assert first.url == second.url == reverse("units:allocation", args=args)
    assert already_saved(second) and not already_saved(first)
    assert BoardAllocation.objects.filter(board=board, school_year=school_year).count() == 1
