"""Step 0: the board divides its funds over its schools (units.services.allocation, its pages)."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processes import services as process_services
from processes.models import BoardProcess, Decision, SchoolRole, SchoolYear
from tests.factories import (
    BoardAdministratorFactory,
    BoardFactory,
    PupilCountFactory,
    SchoolFactory,
    SchoolRoleFactory,
    SchoolYearFactory,
    StaffMemberFactory,
    UserFactory,
)
from tests.fixtures.gmr import fix_and_consent
from units.models import BoardAllocation, BudgetLine, SchoolAllocation
from units.services import allocation as allocation_services
from units.services import budget as services
from werkdruk.exceptions import DomainError
from werkdruk.numbers import parse_number

PUPILS = {"Alpha College": 1000, "Beta Lyceum": 500, "Gamma School": 250}


@pytest.fixture
def school_year(db):
    return SchoolYearFactory(start_year=2026)


@pytest.fixture
def board(db):
    return BoardFactory(name="Stichting Voorbeeld")


def _school(board, school_year, name, pupils, staff=5):
    school = SchoolFactory(board=board, name=name)
    if pupils is not None:
        PupilCountFactory(school=school, school_year=school_year, pupil_count=pupils)
    StaffMemberFactory.create_batch(staff, school=school, fte=Decimal("1.0000"))
    return school


@pytest.fixture
def schools(board, school_year):
    """Three schools with 1000, 500 and 250 pupils and 5 fte of active staff each (15 in all)."""
    return [_school(board, school_year, name, pupils) for name, pupils in PUPILS.items()]


@pytest.fixture
def board_admin(board):
    return BoardAdministratorFactory(board=board).user


@pytest.fixture
def director(schools):
    return SchoolRoleFactory(school=schools[0], role=SchoolRole.Role.DIRECTOR).user


@pytest.fixture
def pmr(schools):
    return SchoolRoleFactory(school=schools[0], role=SchoolRole.Role.PMR).user


@pytest.fixture
def steering(schools):
    return SchoolRoleFactory(school=schools[0], role=SchoolRole.Role.STEERING).user


@pytest.fixture
def staff_user(schools):
    user = UserFactory()
    StaffMemberFactory(school=schools[0], user=user, email=user.email)
    return user


@pytest.fixture
def other_board_admin(db):
    return BoardAdministratorFactory(board=SchoolFactory().board).user


def _fix(board, school_year, actor, total="100000.00", fte="0"):
    return fix_and_consent(
        board=board,
        school_year=school_year,
        total=Decimal(total),
        board_office_fte=Decimal(fte),
        actor=actor,
    )


def _amounts(result) -> dict[str, Decimal]:
    return {row.school.name: row.amount for row in result.rows}


def snapshot() -> dict:
    """Everything step 0 and the school budget may write."""
    return {
        "allocations": list(BoardAllocation.objects.order_by("pk").values()),
        "shares": list(SchoolAllocation.objects.order_by("pk").values()),
        "board_processes": list(BoardProcess.objects.order_by("pk").values()),
        "lines": list(BudgetLine.objects.order_by("pk").values()),
        "decisions": list(Decision.objects.order_by("pk").values_list("pk", "action")),
    }


# --- the split itself: properties (hypothesis) ---------------------------------------------

amounts = st.integers(min_value=0, max_value=10**12).map(lambda cents: Decimal(cents) / 100)
fte = st.decimals(min_value=0, max_value=500, places=4)
staff_fte = st.decimals(min_value=Decimal("0.0001"), max_value=5000, places=4)
pupil_counts = st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=15).filter(
    lambda counts: sum(counts) > 0
)


@given(total=amounts, office=fte, staff=staff_fte, counts=pupil_counts)
def test_board_split_adds_up_to_the_total_exactly_when_input_is_valid(total, office, staff, counts):
    reservation, shares = allocation_services.board_split(
        total=total,
        board_office_fte=office,
        staff_fte=staff,
        pupil_counts=dict(enumerate(counts)),
    )
    assert reservation + sum(shares.values()) == total
    assert all(amount == amount.quantize(Decimal("0.01")) for amount in shares.values())


@given(total=amounts, office=fte, staff=staff_fte, counts=pupil_counts)
def test_board_split_is_never_negative_when_input_is_valid(total, office, staff, counts):
    reservation, shares = allocation_services.board_split(
        total=total, board_office_fte=office, staff_fte=staff, pupil_counts=dict(enumerate(counts))
    )
    assert reservation >= 0
    assert all(amount >= 0 for amount in shares.values())


@given(total=amounts, office=fte, staff=staff_fte, counts=pupil_counts)
def test_board_split_is_the_same_when_run_twice(total, office, staff, counts):
    def run():
        return allocation_services.board_split(
            total=total,
            board_office_fte=office,
            staff_fte=staff,
            pupil_counts=dict(enumerate(counts)),
        )

    assert run() == run()


@given(total=amounts, office=fte, staff=staff_fte, counts=pupil_counts)
def test_board_split_stays_within_a_cent_of_the_exact_shares_when_input_is_valid(
    total, office, staff, counts
):
    reservation, shares = allocation_services.board_split(
        total=total, board_office_fte=office, staff_fte=staff, pupil_counts=dict(enumerate(counts))
    )
    cents = Fraction(total) * 100
    exact_reservation = cents * Fraction(office) / (Fraction(office) + Fraction(staff))
    assert abs(Fraction(reservation) * 100 - exact_reservation) <= Fraction(1, 2)
    rest = cents - Fraction(reservation) * 100
    for index, count in enumerate(counts):
        assert abs(Fraction(shares[index]) * 100 - rest * count / sum(counts)) < 1


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    total=st.integers(min_value=0, max_value=10**11).map(lambda cents: Decimal(cents) / 100),
    office=st.decimals(min_value=0, max_value=50, places=4),
)
def test_preview_adds_up_and_repeats_when_input_is_valid(
    board, schools, school_year, total, office
):
    def run():
        return allocation_services.allocation_preview(
            board=board, school_year=school_year, total=total, board_office_fte=office
        )

    first = run()
    assert first.board_office_amount + first.schools_total == total
    assert all(row.amount >= 0 for row in first.rows) and first.board_office_amount >= 0
    assert run() == first
    assert run().digest == first.digest


# --- examples --------------------------------------------------------------------------------


def test_split_goes_by_pupil_count_when_there_is_no_board_office(board, schools, school_year):
    preview = allocation_services.allocation_preview(
        board=board, school_year=school_year, total=Decimal("100000"), board_office_fte=None
    )
    # 1000 : 500 : 250 = 4 : 2 : 1; the two cents left over go to the largest remainders.
    assert _amounts(preview) == {
        "Alpha College": Decimal("57142.86"),
        "Beta Lyceum": Decimal("28571.43"),
        "Gamma School": Decimal("14285.71"),
    }
    assert preview.board_office_amount == Decimal("0.00")
    assert [row.share for row in preview.rows] == [
        Decimal("57.14"),
        Decimal("28.57"),
        Decimal("14.29"),
    ]


def test_board_office_keeps_its_share_of_all_fte_when_it_has_fte(board, schools, school_year):
    # 5 fte at the board office against 15 fte at the schools: a quarter of all fte.
    preview = allocation_services.allocation_preview(
        board=board, school_year=school_year, total=Decimal("100000"), board_office_fte=5
    )
    assert preview.board_office_amount == Decimal("25000.00")
    assert preview.board_office_share == Decimal("25.00")
    assert preview.staff_fte == Decimal("15")
    assert _amounts(preview) == {
        "Alpha College": Decimal("42857.14"),
        "Beta Lyceum": Decimal("21428.57"),
        "Gamma School": Decimal("10714.29"),
    }
    assert preview.board_office_amount + preview.schools_total == Decimal("100000.00")


def test_board_office_reservation_is_rounded_to_the_cent_when_the_share_repeats(
    board, schools, school_year
):
    # 1 fte against 15: 1/16 of 100.01 is 6.250625, rounded half up to 6.25.
    preview = allocation_services.allocation_preview(
        board=board, school_year=school_year, total=Decimal("100.01"), board_office_fte=1
    )
    assert preview.board_office_amount == Decimal("6.25")
    assert preview.schools_total == Decimal("93.76")


def test_inactive_staff_do_not_count_when_sizing_the_board_office(board, schools, school_year):
    StaffMemberFactory.create_batch(5, school=schools[0], fte=Decimal("1.0"), active=False)
    preview = allocation_services.allocation_preview(
        board=board, school_year=school_year, total=Decimal("100000"), board_office_fte=5
    )
    assert preview.staff_fte == Decimal("15")


def test_schools_of_other_boards_do_not_count_when_splitting(board, schools, school_year):
    _school(BoardFactory(), school_year, "Elsewhere", 5000, staff=50)
    preview = allocation_services.allocation_preview(
        board=board, school_year=school_year, total=Decimal("700"), board_office_fte=5
    )
    assert set(_amounts(preview)) == set(PUPILS)
    assert preview.staff_fte == Decimal("15")


# --- fixing ------------------------------------------------------------------------------------


def test_fix_stores_exactly_the_preview_when_it_is_fixed(board, schools, school_year, board_admin):
    preview = allocation_services.allocation_preview(
        board=board, school_year=school_year, total=Decimal("100000"), board_office_fte=5
    )
    allocation = fix_and_consent(
        board=board,
        school_year=school_year,
        total=Decimal("100000"),
        board_office_fte=Decimal("5"),
        actor=board_admin,
        expected_digest=preview.digest,
    )
    allocation.refresh_from_db()
    assert allocation.total == Decimal("100000.00")
    assert allocation.board_office_fte == Decimal("5.0000")
    assert allocation.board_office_amount == preview.board_office_amount
    assert allocation.fixed_by == board_admin and allocation.fixed_at is not None
    stored = {s.school.name: (s.pupil_count, s.amount) for s in allocation.shares.all()}
    assert stored == {row.school.name: (row.pupil_count, row.amount) for row in preview.rows}


def test_fix_records_a_board_decision_when_it_succeeds(board, schools, school_year, board_admin):
    _fix(board, school_year, board_admin, fte="5")
    decision = Decision.objects.get(action="units.allocation.submitted")
    assert decision.board == board and decision.step_number == 0
    assert decision.process is None and decision.actor == board_admin
    assert "2026-2027" in decision.summary
    assert "100,000.00" in decision.summary and "25,000.00" in decision.summary
    assert decision.content["total"] == "100000.00"
    assert decision.content["board_office_amount"] == "25000.00"
    assert decision.content["school_year"] == "2026-2027"
    assert [share["amount"] for share in decision.content["shares"]] == [
        "42857.14",
        "21428.57",
        "10714.29",
    ]


def test_fix_completes_step_0_when_there_was_no_board_process(
    board, schools, school_year, board_admin
):
    _fix(board, school_year, board_admin)
    board_process = BoardProcess.objects.get(board=board, school_year=school_year)
    assert board_process.state == BoardProcess.State.DONE
    assert board_process.completed_at is not None


def test_fix_completes_the_existing_board_process_when_one_was_planned(
    board, schools, school_year, board_admin
):
    planned = BoardProcess.objects.create(
        board=board, school_year=school_year, planned_date=datetime.date(2026, 6, 1)
    )
    _fix(board, school_year, board_admin)
    planned.refresh_from_db()
    assert planned.state == BoardProcess.State.DONE
    assert planned.planned_date == datetime.date(2026, 6, 1)
    assert BoardProcess.objects.filter(board=board).count() == 1


def _earlier_state(board, board_admin):
    """Something stored already, so 'unchanged' means more than 'still empty'."""
    earlier = SchoolYearFactory(start_year=2025)
    for school in board.schools.all():
        PupilCountFactory(school=school, school_year=earlier, pupil_count=100)
    _fix(board, earlier, board_admin, total="5000")


@pytest.mark.parametrize(
    "total,fte,message",
    [
        ("-0.01", "0", "The board's total cannot be negative."),
        ("100.005", "0", "The board's total must be in euros and whole cents."),
        ("100", "-1", "The fte of the board office cannot be negative."),
        ("100", "1.00001", "The fte of the board office has at most four decimals."),
        ("10000000000", "0", "The amount is too large."),
    ],
)
def test_fix_refuses_and_changes_nothing_when_the_input_is_invalid(
    board, schools, school_year, board_admin, total, fte, message
):
    _earlier_state(board, board_admin)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        _fix(board, school_year, board_admin, total=total, fte=fte)
    assert error.value.message == message
    assert snapshot() == before


def test_fix_refuses_when_the_board_has_no_schools(school_year, board_admin, board):
    before = snapshot()
    with pytest.raises(DomainError) as error:
        _fix(board, school_year, board_admin)
    assert error.value.message == "Stichting Voorbeeld has no schools to divide the funds over."
    assert snapshot() == before


def test_fix_names_the_school_when_a_pupil_count_is_missing(
    board, schools, school_year, board_admin
):
    _earlier_state(board, board_admin)
    _school(board, school_year, "Delta Mavo", None)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        _fix(board, school_year, board_admin)
    assert error.value.message.startswith("Delta Mavo has no pupil count for 2026-2027.")
    assert error.value.details == ["Delta Mavo"]
    assert snapshot() == before


def test_fix_names_every_school_when_several_pupil_counts_are_missing(
    board, schools, school_year, board_admin
):
    _school(board, school_year, "Delta Mavo", None)
    _school(board, school_year, "Epsilon Havo", None)
    with pytest.raises(DomainError) as error:
        _fix(board, school_year, board_admin)
    assert "These schools have no pupil count for 2026-2027: Delta Mavo, Epsilon Havo." in (
        error.value.message
    )


def test_fix_refuses_when_the_pupil_counts_add_up_to_zero(board, school_year, board_admin):
    _school(board, school_year, "Empty School", 0)
    before = snapshot()
    with pytest.raises(DomainError, match="add up to zero"):
        _fix(board, school_year, board_admin)
    assert snapshot() == before


def test_fix_refuses_a_board_office_when_the_schools_have_no_active_staff(
    board, school_year, board_admin
):
    _school(board, school_year, "New School", 100, staff=0)
    before = snapshot()
    with pytest.raises(DomainError, match="have no active staff"):
        _fix(board, school_year, board_admin, fte="2")
    assert snapshot() == before
    _fix(board, school_year, board_admin, fte="0")  # without a board office it works


def test_fix_refuses_and_changes_nothing_when_already_fixed(
    board, schools, school_year, board_admin
):
    _fix(board, school_year, board_admin)
    before = snapshot()
    with pytest.raises(DomainError, match="has already been fixed"):
        _fix(board, school_year, board_admin, total="200000")
    assert snapshot() == before


def test_fix_refuses_when_the_figures_changed_since_the_preview(
    board, schools, school_year, board_admin
):
    preview = allocation_services.allocation_preview(
        board=board, school_year=school_year, total=Decimal("100000"), board_office_fte=0
    )
    schools[0].pupil_counts.update(pupil_count=1200)
    before = snapshot()
    with pytest.raises(DomainError, match="The figures have changed"):
        fix_and_consent(
            board=board,
            school_year=school_year,
            total=Decimal("100000"),
            board_office_fte=Decimal("0"),
            actor=board_admin,
            expected_digest=preview.digest,
        )
    assert snapshot() == before


@pytest.mark.parametrize("role", ["director", "other_board_admin", "staff_user"])
def test_fix_is_denied_when_the_actor_is_no_administrator_of_the_board(
    request, board, schools, school_year, role
):
    actor = request.getfixturevalue(role)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        _fix(board, school_year, actor)
    assert snapshot() == before


# --- reopening -----------------------------------------------------------------------------


def test_reopen_lets_the_board_fix_again_when_grounds_are_given(
    board, schools, school_year, board_admin
):
    _fix(board, school_year, board_admin)
    allocation_services.allocation_reopen(
        board=board, school_year=school_year, actor=board_admin, grounds="Pupil count corrected"
    )
    allocation = BoardAllocation.objects.get(board=board, school_year=school_year)
    assert allocation.fixed_at is None and allocation.fixed_by is None
    board_process = BoardProcess.objects.get(board=board, school_year=school_year)
    assert board_process.state == BoardProcess.State.OPEN and board_process.completed_at is None
    decision = Decision.objects.get(action="units.allocation.reopened")
    assert decision.grounds == "Pupil count corrected" and decision.step_number == 0
    assert decision.content["previous"]["total"] == "100000.00"

    _fix(board, school_year, board_admin, total="70000")
    allocation.refresh_from_db()
    assert allocation.total == Decimal("70000.00") and allocation.fixed_at is not None
    assert sorted(s.amount for s in allocation.shares.all()) == [
        Decimal("10000.00"),
        Decimal("20000.00"),
        Decimal("40000.00"),
    ]
    assert Decision.objects.filter(action="units.allocation.submitted").count() == 2
    assert BoardProcess.objects.get(pk=board_process.pk).state == BoardProcess.State.DONE


def test_reopen_is_refused_when_no_grounds_are_given(board, schools, school_year, board_admin):
    _fix(board, school_year, board_admin)
    before = snapshot()
    with pytest.raises(DomainError, match="Give the grounds"):
        allocation_services.allocation_reopen(
            board=board, school_year=school_year, actor=board_admin, grounds=" "
        )
    assert snapshot() == before


def test_reopen_is_refused_when_nothing_is_fixed(board, schools, school_year, board_admin):
    with pytest.raises(DomainError, match="no fixed distribution"):
        allocation_services.allocation_reopen(
            board=board, school_year=school_year, actor=board_admin, grounds="x"
        )


def test_reopen_is_refused_when_a_school_took_its_share_over(
    board, schools, school_year, board_admin, director
):
    _fix(board, school_year, board_admin)
    process = process_services.process_create(
        school=schools[0], school_year=school_year, actor=director
    )
    services.budget_line_from_allocation(process=process, actor=director)
    before = snapshot()
    with pytest.raises(DomainError) as error:
        allocation_services.allocation_reopen(
            board=board, school_year=school_year, actor=board_admin, grounds="x"
        )
    assert "Alpha College has already taken its share" in error.value.message
    assert snapshot() == before


def test_reopen_is_denied_when_the_actor_is_no_administrator_of_the_board(
    board, schools, school_year, board_admin, other_board_admin
):
    _fix(board, school_year, board_admin)
    with pytest.raises(PermissionDenied):
        allocation_services.allocation_reopen(
            board=board, school_year=school_year, actor=other_board_admin, grounds="x"
        )


# --- typing numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language,typed,expected",
    [
        ("nl", "€ 12.345,67", "12345.67"),
        ("nl", "12345,67", "12345.67"),
        ("nl", "12.345", "12345"),
        ("nl", "1.234.567,8", "1234567.8"),
        ("nl", "12.5", "12.5"),
        ("en", "12,345.67", "12345.67"),
        ("en", "12.345", "12345"),  # the same number in either language
        ("en", "12.34", "12.34"),
        ("en", "12,5", "12.5"),
    ],
)
def test_amounts_are_read_as_typed_when_written_the_dutch_or_english_way(language, typed, expected):
    with translation.override(language):
        assert parse_number(typed) == Decimal(expected)


def test_fte_is_read_as_a_fraction_when_its_range_rules_thousands_out():
    # An fte field takes at most 1,2: "1,000" and "1.000" can only be one.
    assert parse_number("1.000", max_value=Decimal("1.2")) == Decimal("1")
    assert parse_number("1,000", max_value=Decimal("1.2")) == Decimal("1")
    assert parse_number("2,5") == Decimal("2.5")


# --- pages -------------------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "staff_user",
    "director",
    "pmr",
    "steering",
    "board_admin",
    "other_board_admin",
]


def _login(client, request, role):
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def _url(name, board, school_year=None):
    if school_year is None:
        return reverse(f"units:{name}", args=[board.pk])
    return reverse(f"units:{name}", args=[board.pk, school_year.start_year])


@pytest.mark.parametrize(
    "role,expected", list(zip(ROLES, [302, 404, 404, 404, 404, 200, 404], strict=True))
)
def test_allocation_page_is_for_the_boards_administrators_only_when_requested(
    client, request, board, schools, school_year, role, expected
):
    _login(client, request, role)
    response = client.get(_url("allocation", board, school_year))
    assert response.status_code == expected
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


# (endpoint, data, status for the board's administrator)
POSTS = {
    "allocation-preview": ({"total": "1000"}, 200),
    "allocation-fix": ({"total": "1000", "preview": "x"}, 400),
    "allocation-reopen": ({"grounds": "x"}, 400),
}


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("role", ROLES)
def test_allocation_posts_are_for_the_boards_administrators_only_when_posted(
    client, request, board, schools, school_year, name, role
):
    _login(client, request, role)
    data, allowed = POSTS[name]
    before = snapshot()
    response = client.post(_url(name, board, school_year), data)
    expected = {"anonymous": 302, "board_admin": allowed}.get(role, 404)
    assert response.status_code == expected, (name, role)
    assert snapshot() == before


def test_allocation_page_is_not_found_when_the_school_year_does_not_exist(
    client, board, board_admin
):
    client.force_login(board_admin)
    assert client.get(reverse("units:allocation", args=[board.pk, 1999])).status_code == 404


@pytest.mark.parametrize("which,offset", [("current", 0), ("next", 1)])
def test_allocation_link_leads_to_the_right_year_when_followed(
    client, board, board_admin, which, offset
):
    client.force_login(board_admin)
    response = client.get(reverse("units:allocation-for", args=[board.pk, which]))
    year = SchoolYear.objects.current().start_year + offset
    assert response.status_code == 302
    assert response.url == reverse("units:allocation", args=[board.pk, year])


def test_allocation_link_is_not_found_when_the_user_is_no_administrator_or_the_year_unknown(
    client, board, board_admin, other_board_admin
):
    client.force_login(other_board_admin)
    assert (
        client.get(reverse("units:allocation-for", args=[board.pk, "current"])).status_code == 404
    )
    client.force_login(board_admin)
    assert client.get(reverse("units:allocation-for", args=[board.pk, "later"])).status_code == 404


def test_board_page_links_to_the_allocation_when_shown(client, board, schools, board_admin):
    client.force_login(board_admin)
    content = client.get(reverse("processes:board-detail", args=[board.pk])).content.decode()
    assert reverse("units:allocation-for", args=[board.pk, "current"]) in content
    assert reverse("units:allocation-for", args=[board.pk, "next"]) in content


def test_allocation_page_recalculates_with_htmx_when_typing(
    client, board, schools, school_year, board_admin
):
    client.force_login(board_admin)
    page = client.get(_url("allocation", board, school_year)).content.decode()
    assert 'hx-post="{}"'.format(_url("allocation-preview", board, school_year)) in page
    assert 'hx-trigger="input changed delay:300ms"' in page
    assert "Show split" in page

    response = client.post(
        _url("allocation-preview", board, school_year),
        {"total": "100000", "board_office_fte": "5"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert [t.name for t in response.templates][0] == "units/includes/_allocation_preview.html"
    assert "€\xa042,857.14" in content and "€\xa025,000.00" in content
    assert response.context["preview"].digest in content
    assert _url("allocation-fix", board, school_year) in content


def test_preview_partial_shows_the_error_when_a_pupil_count_is_missing(
    client, board, schools, school_year, board_admin
):
    _school(board, school_year, "Delta Mavo", None)
    client.force_login(board_admin)
    response = client.post(
        _url("allocation-preview", board, school_year), {"total": "100"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Delta Mavo has no pupil count" in content
    assert "Fix this distribution" not in content


def test_preview_partial_shows_form_errors_when_the_input_is_no_number(
    client, board, schools, school_year, board_admin
):
    client.force_login(board_admin)
    response = client.post(
        _url("allocation-preview", board, school_year),
        {"total": "lots", "board_office_fte": "-1"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert "Enter a number." in content
    assert "Fix this distribution" not in content


def test_preview_renders_the_whole_page_when_javascript_is_off(
    client, board, schools, school_year, board_admin
):
    client.force_login(board_admin)
    response = client.post(_url("allocation-preview", board, school_year), {"total": "100000"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content
    assert "€\xa057,142.86" in content
    assert "Fix this distribution" in content


def test_fix_through_the_page_stores_what_was_shown_when_confirmed(
    client, board, schools, school_year, board_admin
):
    client.force_login(board_admin)
    data = {"total": "100000", "board_office_fte": "5"}
    shown = client.post(_url("allocation-preview", board, school_year), data).context["preview"]
    response = client.post(
        _url("allocation-fix", board, school_year), {**data, "preview": shown.digest}
    )
    assert response.status_code == 302
    assert response.url == _url("allocation", board, school_year)
    allocation = BoardAllocation.objects.get(board=board, school_year=school_year)
    assert {s.school.name: s.amount for s in allocation.shares.all()} == _amounts(shown)
    assert allocation.board_office_amount == shown.board_office_amount

    assert allocation.fixed_at is None and allocation.submitted_by == board_admin
    assert allocation.gmr_kind == BoardAllocation.GmrKind.CONSENT

    page = client.get(response.url).content.decode()
    assert 'data-testid="allocation-submitted"' in page  # final only after the GMR's decision
    assert str(board_admin) in page
    assert _url("allocation-reopen", board, school_year) in page
    assert "Fix this distribution" not in page


def test_fix_through_the_page_is_refused_when_the_figures_changed_meanwhile(
    client, board, schools, school_year, board_admin
):
    client.force_login(board_admin)
    data = {"total": "100000", "board_office_fte": "0"}
    shown = client.post(_url("allocation-preview", board, school_year), data).context["preview"]
    response = client.post(
        _url("allocation-fix", board, school_year),
        {**data, "total": "100001", "preview": shown.digest},
    )
    assert response.status_code == 400
    assert "The figures have changed" in response.content.decode()
    assert "€\xa057,143.43" in response.content.decode()  # the new split is shown
    assert not BoardAllocation.objects.exists()


def test_fix_through_the_page_asks_for_the_split_when_none_was_shown(
    client, board, schools, school_year, board_admin
):
    client.force_login(board_admin)
    response = client.post(_url("allocation-fix", board, school_year), {"total": "100"})
    assert response.status_code == 400
    assert "Show the split before you fix it." in response.content.decode()
    assert not BoardAllocation.objects.exists()


def test_reopen_through_the_page_needs_grounds_when_posted(
    client, board, schools, school_year, board_admin
):
    _fix(board, school_year, board_admin)
    client.force_login(board_admin)
    url = _url("allocation-reopen", board, school_year)
    assert client.post(url, {"grounds": ""}).status_code == 400
    response = client.post(url, {"grounds": "Wrong total"})
    assert response.status_code == 302
    page = client.get(_url("allocation", board, school_year))
    content = page.content.decode()
    assert "has been reopened" in content
    assert page.context["form"].initial["total"] == Decimal("100000.00")
    assert "Fix this distribution" in content  # the reopened figures are shown again


def test_allocation_page_shows_why_it_cannot_be_reopened_when_a_school_took_it_over(
    client, board, schools, school_year, board_admin, director
):
    _fix(board, school_year, board_admin)
    process = process_services.process_create(
        school=schools[0], school_year=school_year, actor=director
    )
    services.budget_line_from_allocation(process=process, actor=director)
    client.force_login(board_admin)
    content = client.get(_url("allocation", board, school_year)).content.decode()
    assert 'data-testid="reopen-blocked"' in content and "Alpha College" in content
    assert _url("allocation-reopen", board, school_year) not in content


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("state", ["fixed", "reopened"])
def test_allocation_page_query_count_is_constant_when_schools_grow(
    client, board, schools, school_year, board_admin, state
):
    def prepare():
        BoardAllocation.objects.filter(board=board).update(fixed_at=None)
        SchoolAllocation.objects.all().delete()
        BoardAllocation.objects.all().delete()
        _fix(board, school_year, board_admin, fte="3")
        if state == "reopened":
            allocation_services.allocation_reopen(
                board=board, school_year=school_year, actor=board_admin, grounds="x"
            )

    client.force_login(board_admin)
    url = _url("allocation", board, school_year)
    prepare()
    client.get(url)  # warm up the session
    small = _count(client, url)
    for index in range(30):
        _school(board, school_year, f"Extra School {index:02d}", 300 + index, staff=2)
    prepare()
    large = _count(client, url)
    assert large == small
    assert len(client.get(url).context["allocation"].shares.all()) == 33


def test_fix_through_the_page_explains_the_refusal_when_already_fixed(
    client, board, schools, school_year, board_admin
):
    _fix(board, school_year, board_admin)
    before = snapshot()
    client.force_login(board_admin)
    response = client.post(
        _url("allocation-fix", board, school_year), {"total": "5", "preview": "stale"}
    )
    assert response.status_code == 400
    assert "has already been fixed" in response.content.decode()
    assert snapshot() == before
