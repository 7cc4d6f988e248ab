"""Issue 18, item 2: a member of the board's GMR signs in and records the GMR's consent on the
board's distribution (step 0); the distribution is then final."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_email_vouch
from processes.models import BoardProcess, GmrMember
from tests.factories import (
    BoardAdministratorFactory,
    BoardFactory,
    PupilCountFactory,
    SchoolFactory,
    SchoolYearFactory,
    UserFactory,
)
from units.models import BoardAllocation
from units.services import allocation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "gmr-e2e-wachtwoord"  # noqa: S105 - a test account


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('input[name="password"]').press("Enter")
    page.wait_for_url("**/")


def test_gmr_member_records_consent_on_step_0_when_signed_in(page):
    year = SchoolYearFactory(start_year=2026)
    board = BoardFactory(name="Stichting Voorbeeld")
    for name, pupils in (("Alpha College", 900), ("Beta Lyceum", 300)):
        PupilCountFactory(
            school=SchoolFactory(board=board, name=name), school_year=year, pupil_count=pupils
        )
    admin = BoardAdministratorFactory(board=board).user
    allocation.allocation_fix(
        board=board,
        school_year=year,
        total=Decimal("120000.00"),
        board_office_fte=Decimal("0"),
        actor=admin,
    )
    member = UserFactory(email="gmr@example.org")
    member.set_password(PASSWORD)
    member.save()
    user_email_vouch(user=member)
    GmrMember.objects.create(user=member, board=board)

    sign_in(page, member.email)
    page.goto(reverse("units:allocation", args=[board.pk, 2026]))
    assert page.locator('[data-testid="allocation-submitted"]').is_visible()
    form = page.locator('[data-testid="gmr-form"]')
    form.locator('input[name="decision"][value="consent"]').check()
    meeting = timezone.localdate() - datetime.timedelta(days=2)
    form.locator('input[name="meeting_date"]').fill(meeting.strftime("%d-%m-%Y"))
    form.locator('textarea[name="reasons"]').fill("De GMR stemt in met de verdeling.")
    form.locator('[data-testid="gmr-submit"]').click()
    page.wait_for_selector('[data-testid="allocation-fixed"]')

    assert page.locator('[data-testid="gmr-decision"]').is_visible()
    assert page.locator('[data-testid="gmr-form"]').count() == 0
    stored = BoardAllocation.objects.get(board=board, school_year=year)
    assert stored.fixed_at is not None and stored.gmr_decision == "consent"
    assert stored.gmr_meeting_date == meeting and stored.gmr_recorded_by == member
    assert BoardProcess.objects.get(board=board, school_year=year).state == "done"
