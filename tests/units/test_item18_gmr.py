"""Issue 18, item 2: the board's distribution (step 0) goes to the GMR, which records consent
or advice; the distribution is final only after that."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from processes import services as process_services
from processes.models import BoardProcess, Decision, GmrMember, SchoolRole
from reporting.selectors.figures_process import amount_section, school_share
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
from units.models import BoardAllocation
from units.services import allocation as services
from units.services import budget as budget_services
from werkdruk.exceptions import DomainError

CONSENT = BoardAllocation.GmrDecision.CONSENT
REFUSED = BoardAllocation.GmrDecision.REFUSED
ADVICE = BoardAllocation.GmrDecision.ADVICE


@pytest.fixture
def school_year(db):
    return SchoolYearFactory(start_year=2026)


@pytest.fixture
def board(db):
    return BoardFactory(name="Stichting Voorbeeld")


@pytest.fixture
def schools(board, school_year):
    made = []
    for name, pupils in (("Alpha College", 900), ("Beta Lyceum", 300)):
        school = SchoolFactory(board=board, name=name)
        PupilCountFactory(school=school, school_year=school_year, pupil_count=pupils)
        StaffMemberFactory.create_batch(2, school=school, fte=Decimal("1.0000"))
        made.append(school)
    return made


@pytest.fixture
def board_admin(board):
    return BoardAdministratorFactory(board=board).user


@pytest.fixture
def gmr(board):
    user = UserFactory()
    GmrMember.objects.create(user=user, board=board)
    return user


@pytest.fixture
def other_gmr(db):
    user = UserFactory()
    GmrMember.objects.create(user=user, board=BoardFactory())
    return user


@pytest.fixture
def other_board_admin(db):
    return BoardAdministratorFactory(board=SchoolFactory().board).user


@pytest.fixture
def director(schools):
    return SchoolRoleFactory(school=schools[0], role=SchoolRole.Role.DIRECTOR).user


@pytest.fixture
def staff_user(schools):
    user = UserFactory()
    StaffMemberFactory(school=schools[0], user=user, email=user.email)
    return user


@pytest.fixture
def site_staff(db):
    return UserFactory(is_staff=True)


def _submit(board, school_year, actor, kind=BoardAllocation.GmrKind.CONSENT):
    return services.allocation_fix(
        board=board,
        school_year=school_year,
        total=Decimal("120000.00"),
        board_office_fte=Decimal("0"),
        actor=actor,
        gmr_kind=kind,
    )


def _record(board, school_year, actor, decision=CONSENT, days_ago=3, reasons=""):
    return services.allocation_gmr_record(
        board=board,
        school_year=school_year,
        actor=actor,
        decision=decision,
        meeting_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        reasons=reasons,
    )


def _state(board, school_year):
    return BoardProcess.objects.filter(board=board, school_year=school_year).first()


# --- the rules --------------------------------------------------------------------------------


def test_submitted_distribution_is_not_final_when_the_gmr_has_not_decided(
    board, schools, school_year, board_admin
):
    allocation = _submit(board, school_year, board_admin)
    assert allocation.fixed_at is None and allocation.awaiting_gmr
    assert _state(board, school_year).state == BoardProcess.State.OPEN
    director = SchoolRoleFactory(school=schools[0], role=SchoolRole.Role.DIRECTOR).user
    process = process_services.process_create(
        school=schools[0], school_year=school_year, actor=director
    )
    with pytest.raises(DomainError):
        budget_services.budget_line_from_allocation(process=process, actor=director)
    assert school_share(school=schools[0], school_year=school_year) is None
    decision = Decision.objects.get(action="units.allocation.submitted")
    assert decision.content["gmr_kind"] == "consent" and decision.actor == board_admin


def test_consent_makes_the_distribution_final_when_recorded_by_a_gmr_member(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    allocation = _record(board, school_year, gmr, reasons="Navolgbaar.")
    allocation.refresh_from_db()
    assert allocation.fixed_at is not None and allocation.fixed_by == board_admin
    assert allocation.gmr_decision == CONSENT and allocation.gmr_recorded_by == gmr
    assert _state(board, school_year).state == BoardProcess.State.DONE
    decision = Decision.objects.get(action="units.allocation.gmr_consent")
    assert decision.actor == gmr and decision.board == board and decision.step_number == 0
    assert decision.actor_role == "GMR member"
    assert decision.content["decision"] == "consent"
    assert decision.content["meeting_date"] == allocation.gmr_meeting_date.isoformat()
    director = SchoolRoleFactory(school=schools[0], role=SchoolRole.Role.DIRECTOR).user
    process = process_services.process_create(
        school=schools[0], school_year=school_year, actor=director
    )
    line = budget_services.budget_line_from_allocation(process=process, actor=director)
    assert line.amount == Decimal("90000.00")


def test_section_a_shows_the_gmr_decision_when_consent_is_recorded(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    allocation = _record(board, school_year, gmr, days_ago=10)
    share = school_share(school=schools[0], school_year=school_year)
    section = amount_section(share=share, process=None)
    assert section.gmr_decision == "consent"
    assert section.gmr_meeting_date == allocation.gmr_meeting_date
    assert section.gmr_decision_label == "consent given"


def test_refusal_sends_the_distribution_back_when_reasons_are_given(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    allocation = _record(board, school_year, gmr, decision=REFUSED, reasons="Te weinig uitleg.")
    allocation.refresh_from_db()
    assert allocation.fixed_at is None and allocation.submitted_at is None
    assert allocation.refused and allocation.gmr_reasons == "Te weinig uitleg."
    assert _state(board, school_year).state == BoardProcess.State.OPEN
    decision = Decision.objects.get(action="units.allocation.gmr_refused")
    assert decision.grounds == "Te weinig uitleg." and decision.actor == gmr
    # the board administrator changes it and submits again; the GMR then consents
    again = _submit(board, school_year, board_admin)
    assert again.awaiting_gmr and again.gmr_decision == ""
    _record(board, school_year, gmr)
    assert BoardAllocation.objects.get(board=board).fixed_at is not None


def test_refusal_is_refused_when_no_reasons_are_given(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    with pytest.raises(DomainError, match="reasons"):
        _record(board, school_year, gmr, decision=REFUSED, reasons="  ")
    assert BoardAllocation.objects.get(board=board).awaiting_gmr


def test_record_is_refused_when_the_meeting_date_is_in_the_future(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    with pytest.raises(DomainError, match="future"):
        _record(board, school_year, gmr, days_ago=-1)
    with pytest.raises(DomainError):
        services.allocation_gmr_record(
            board=board, school_year=school_year, actor=gmr, decision=CONSENT, meeting_date=None
        )
    assert BoardAllocation.objects.get(board=board).awaiting_gmr
    assert not Decision.objects.filter(action__startswith="units.allocation.gmr").exists()


def test_record_accepts_today_as_meeting_date_when_the_meeting_was_today(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    _record(board, school_year, gmr, days_ago=0)
    assert BoardAllocation.objects.get(board=board).fixed_at is not None


@pytest.mark.parametrize("role", ["board_admin", "other_gmr", "director", "staff_user"])
def test_record_is_denied_when_the_actor_is_no_gmr_member_of_the_board(
    request, board, schools, school_year, board_admin, role
):
    _submit(board, school_year, board_admin)
    with pytest.raises(PermissionDenied):
        _record(board, school_year, request.getfixturevalue(role))
    assert BoardAllocation.objects.get(board=board).awaiting_gmr


def test_record_is_refused_when_nothing_was_submitted(board, schools, school_year, gmr):
    with pytest.raises(DomainError, match="waiting"):
        _record(board, school_year, gmr)


def test_record_is_refused_when_the_distribution_is_already_final(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    _record(board, school_year, gmr)
    with pytest.raises(DomainError, match="waiting"):
        _record(board, school_year, gmr, decision=REFUSED, reasons="Toch niet.")


def test_advice_makes_the_distribution_final_when_the_advice_is_written_down(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin, kind=BoardAllocation.GmrKind.ADVICE)
    with pytest.raises(DomainError):  # asked for advice: no consent to give or refuse
        _record(board, school_year, gmr, decision=CONSENT)
    with pytest.raises(DomainError, match="advice"):
        _record(board, school_year, gmr, decision=ADVICE, reasons="")
    _record(board, school_year, gmr, decision=ADVICE, reasons="Let op het bestuursbureau.")
    allocation = BoardAllocation.objects.get(board=board)
    assert allocation.fixed_at is not None and allocation.gmr_decision == ADVICE
    assert Decision.objects.filter(action="units.allocation.gmr_advice").count() == 1


def test_consent_kind_refuses_advice_when_the_board_asked_for_consent(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    with pytest.raises(DomainError, match="consent"):
        _record(board, school_year, gmr, decision=ADVICE, reasons="x")


def test_fix_is_refused_while_the_gmr_has_not_decided(board, schools, school_year, board_admin):
    _submit(board, school_year, board_admin)
    with pytest.raises(DomainError, match="GMR"):
        _submit(board, school_year, board_admin)


def test_board_can_withdraw_a_submission_when_grounds_are_given(
    board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    services.allocation_reopen(
        board=board, school_year=school_year, actor=board_admin, grounds="Telling klopte niet."
    )
    allocation = BoardAllocation.objects.get(board=board)
    assert not allocation.awaiting_gmr and allocation.fixed_at is None
    with pytest.raises(DomainError):
        _record(board, school_year, gmr)


def test_fix_refuses_an_unknown_kind_when_asked(board, schools, school_year, board_admin):
    with pytest.raises(DomainError):
        _submit(board, school_year, board_admin, kind="vote")
    assert not BoardAllocation.objects.exists()


# --- the pages --------------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "site_staff",
    "staff_user",
    "director",
    "other_board_admin",
    "other_gmr",
    "board_admin",
    "gmr",
]


def _url(name, board, school_year):
    return reverse(f"units:{name}", args=[board.pk, school_year.start_year])


def _consent_data():
    return {
        "decision": "consent",
        "meeting_date": (timezone.localdate() - datetime.timedelta(days=2)).strftime("%d-%m-%Y"),
        "reasons": "",
    }


@pytest.mark.parametrize(
    "role,expected",
    list(zip(ROLES, [302, 404, 404, 404, 404, 404, 403, 302], strict=True)),
)
def test_gmr_post_is_for_the_boards_gmr_members_only_when_posted(
    client, request, board, schools, school_year, board_admin, role, expected
):
    _submit(board, school_year, board_admin)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.post(_url("allocation-gmr", board, school_year), _consent_data())
    assert response.status_code == expected, role
    final = BoardAllocation.objects.get(board=board).fixed_at is not None
    assert final == (role == "gmr")
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def test_gmr_post_is_not_allowed_when_sent_as_get(client, board, schools, school_year, gmr):
    client.force_login(gmr)
    assert client.get(_url("allocation-gmr", board, school_year)).status_code == 405


def test_gmr_member_sees_the_form_when_the_distribution_awaits_the_gmr(
    client, board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    client.force_login(gmr)
    content = client.get(_url("allocation", board, school_year)).content.decode()
    assert 'data-testid="allocation-submitted"' in content
    assert 'data-testid="gmr-form"' in content
    assert _url("allocation-reopen", board, school_year) not in content
    client.force_login(board_admin)
    content = client.get(_url("allocation", board, school_year)).content.decode()
    assert 'data-testid="gmr-form"' not in content
    assert _url("allocation-reopen", board, school_year) in content  # withdraw


def test_gmr_page_shows_the_errors_when_the_input_is_refused(
    client, board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    client.force_login(gmr)
    data = {**_consent_data(), "decision": "refused"}
    response = client.post(_url("allocation-gmr", board, school_year), data)
    assert response.status_code == 400
    assert "reasons" in response.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d-%m-%Y")
    response = client.post(
        _url("allocation-gmr", board, school_year), {**_consent_data(), "meeting_date": future}
    )
    assert response.status_code == 400
    assert "future" in response.content.decode()
    assert BoardAllocation.objects.get(board=board).awaiting_gmr


def test_board_admin_sees_the_refusal_when_the_gmr_refused(
    client, board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    _record(board, school_year, gmr, decision=REFUSED, reasons="Onvoldoende onderbouwd.")
    client.force_login(board_admin)
    content = client.get(_url("allocation", board, school_year)).content.decode()
    assert 'data-testid="gmr-refused"' in content
    assert "Onvoldoende onderbouwd." in content
    assert 'data-testid="allocation-form"' in content


def test_fixed_page_shows_the_gmr_consent_when_final(
    client, board, schools, school_year, board_admin, gmr
):
    _submit(board, school_year, board_admin)
    _record(board, school_year, gmr)
    client.force_login(gmr)
    content = client.get(_url("allocation", board, school_year)).content.decode()
    assert 'data-testid="allocation-fixed"' in content
    assert 'data-testid="gmr-decision"' in content and "gave its consent" in content
    assert 'data-testid="gmr-form"' not in content


def test_fix_through_the_page_asks_for_advice_when_chosen(
    client, board, schools, school_year, board_admin
):
    client.force_login(board_admin)
    data = {"total": "1000", "board_office_fte": "0"}
    shown = client.post(_url("allocation-preview", board, school_year), data).context["preview"]
    response = client.post(
        _url("allocation-fix", board, school_year),
        {**data, "preview": shown.digest, "gmr_kind": "advice"},
    )
    assert response.status_code == 302
    assert BoardAllocation.objects.get(board=board).gmr_kind == "advice"


def test_board_todo_waits_for_the_gmr_when_submitted_and_returns_when_refused(
    board, schools, board_admin, gmr
):
    from processes.models import PupilCount, SchoolYear
    from units.steps.allocation import allocation_todos

    year = SchoolYear.objects.current()
    for school in schools:
        PupilCount.objects.get_or_create(
            school=school, school_year=year, defaults={"pupil_count": 100}
        )
    assert board.pk in allocation_todos(board_admin, [board])
    _submit(board, year, board_admin)
    assert board.pk not in allocation_todos(board_admin, [board])
    _record(board, year, gmr, decision=REFUSED, reasons="Nog niet.")
    assert board.pk in allocation_todos(board_admin, [board])


def test_report_documents_name_the_gmr_decision_when_section_a_is_written(
    board, schools, school_year, board_admin, gmr
):
    from django.template.loader import render_to_string
    from django.utils import translation

    from reporting.docx.parts import _gmr_decision

    _submit(board, school_year, board_admin)
    _record(board, school_year, gmr, decision=CONSENT)
    share = school_share(school=schools[0], school_year=school_year)
    with translation.override("en"):
        section = amount_section(share=share, process=None)
        text = _gmr_decision(section)
        assert text.startswith("consent given, meeting of ")
        html = render_to_string(
            "reporting/includes/_section_a.html",
            {"report": type("Report", (), {"amounts": section, "school_name": "Alpha College"})},
        )
    assert 'data-testid="report-gmr"' in html and "consent given" in html


# --- the GMR member's dashboard -----------------------------------------------------------------


def _gmr_todos(user):
    from processes.selectors import dashboard_for_user

    return [
        todo.text
        for entry in dashboard_for_user(user=user)["gmr_boards"]
        for todo in entry["todos"]
    ]


def test_a_submitted_distribution_is_a_todo_for_the_gmr_until_it_decides(
    board, schools, school_year, board_admin, gmr, other_gmr
):
    waiting = f"Record the GMR's decision on the board's distribution for {school_year}"
    assert _gmr_todos(gmr) == []
    _submit(board, school_year, board_admin)
    assert _gmr_todos(gmr) == [waiting]
    assert _gmr_todos(other_gmr) == []  # another board's GMR
    _record(board, school_year, gmr, decision=REFUSED, reasons="Te weinig voor de scholen")
    assert _gmr_todos(gmr) == []  # back with the board administrator
    _submit(board, school_year, board_admin)
    _record(board, school_year, gmr)
    assert _gmr_todos(gmr) == []
