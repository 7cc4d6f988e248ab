"""The export holds every field of the register; the removal leaves no trace of the person while
every counted total stays the same."""

import hashlib
import json

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import translation
from weasyprint.formatting_structure import boxes

from privacy.selectors.export import person_export
from privacy.services.removal import placeholder_name, staff_member_remove
from processes.models import Decision, SchoolRole
from tests.factories import SchoolRoleFactory, StaffMemberFactory
from tests.pdf_layout import capture_documents, layout_problems
from tests.privacy.builders import EMAIL, NAME, person_with_everything, totals, traces
from tests.privacy.register_table import personal_fields
from units.models import StaffMember
from voting.models import Vote
from werkdruk.exceptions import DomainError

# The fields the builder fills for the person (the others are exported as empty sections).
FILLED = {
    "units.StaffMember.name",
    "units.StaffMember.email",
    "units.HistoricalStaffMember.name",
    "accounts.User.email",
    "account.EmailAddress.email",
    "axes.AccessAttempt.ip_address",
    "axes.AccessLog.username",
    "axes.AccessFailureLog.user_agent",
    "sessions.Session.session_data",
    "organisation.Invitation.email",
    "organisation.Invitation.accepted_by",
    "processes.Decision.actor",
    "processes.SignOff.user",
    "units.UnitMembership.staff_member",
    "units.KickoffSignUp.staff_member",
    "units.KickoffAttendance.staff_member",
    "units.KickoffInvitation.staff_member",
    "units.KickoffSession.held_recorded_by",
    "units.WorkingMethod.leader",
    "voting.Voter.staff_member",
    "voting.VoterToken.voter",
    "voting.VoterMessage.voter",
    "voting.Participation.voter",
    "surveys.Invitee.staff_member",
    "surveys.SurveyToken.invitee",
    "surveys.SurveyReminder.invitee",
    "surveys.SurveyParticipation.invitee",
    "surveys.Questionnaire.changed_by",
    "surveys.SurveyRound.sent_by",
    "plans.UnitPlan.submitted_by",
    "plans.Measure.created_by",
    "plans.MeasureComment.author",
    "plans.MeasureComment.author_name",
}


@pytest.fixture
def person(process, director):
    return person_with_everything(process=process, director=director)


def test_export_holds_every_field_listed_in_the_register(person):
    data = person_export(member=person.member)
    listed = personal_fields()
    assert set(listed) >= FILLED
    for key in listed:
        label, name = key.rsplit(".", 1)
        assert label in data["records"], key
        section = data["records"][label]
        if label != "sessions.Session":
            assert name in section["fields"], key
        if key in FILLED:
            assert section["rows"], f"{key}: nothing exported"
    staff = data["records"]["units.StaffMember"]["rows"]
    assert [row["name"] for row in staff] == [NAME]
    assert {row["email"] for row in data["records"]["account.EmailAddress"]["rows"]} == {EMAIL}
    assert data["records"]["voting.Participation"]["rows"][0]["voter"] == NAME


def test_export_shows_no_ballot_no_answer_and_no_code(person):
    data = person_export(member=person.member)
    text = json.dumps(data)
    assert "voting.Ballot" not in data["records"]
    assert "surveys.SurveyResponse" not in data["records"]
    for secret in ("vote-code", "survey-code", "invitation"):
        assert hashlib.sha256(secret.encode()).hexdigest() not in text
    assert person.session_key not in text
    assert person.user.password not in text
    token = data["records"]["voting.VoterToken"]["rows"][0]
    assert "issued" in token["token_hash"] or "uitgegeven" in token["token_hash"]


def test_export_pdf_and_json_downloads(client, person, director):
    client.force_login(director)
    school = person.member.school
    response = client.get(f"/privacy/school/{school.pk}/staff/{person.member.pk}/export.json")
    assert response.status_code == 200
    assert response.json()["person"]["email"] == EMAIL
    assert "attachment" in response["Content-Disposition"]
    with capture_documents() as captured:
        response = client.get(f"/privacy/school/{school.pk}/staff/{person.member.pk}/export.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    [(template, document)] = captured
    assert not layout_problems(document, template)
    text = " ".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.TextBox)
    )
    assert NAME in text and EMAIL in text
    assert hashlib.sha256(b"vote-code").hexdigest() not in text


def test_removal_leaves_no_trace_and_keeps_thetotals(person, director):
    assert traces([NAME, EMAIL]), "the builder should have put the person everywhere"
    before = totals(person)

    member = staff_member_remove(
        member=person.member, actor=director, reason=f"{NAME} left in 2026"
    )

    assert traces([NAME, EMAIL]) == []
    # Every listed field of the register, specifically (the scan above covers text fields).
    for key in personal_fields():
        label, name = key.rsplit(".", 1)
        model = apps.get_model(label)
        field = model._meta.get_field(name)
        if field.is_relation:
            continue
        for value in model._default_manager.values_list(name, flat=True):
            assert NAME.lower() not in str(value).lower(), key
            assert EMAIL not in str(value).lower(), key
    assert totals(person) == before

    member.refresh_from_db()
    assert member.name == placeholder_name(member)
    assert member.email.endswith("@verwijderd.invalid")
    assert (member.function, member.department, member.active) == ("", "", False)
    assert member.pseudonymised_at is not None
    assert member.email_unusable  # no mail goes to the placeholder
    assert set(member.history.values_list("name", flat=True)) == {member.name}

    user = person.user
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.name == member.name
    assert not Session.objects.filter(session_key=person.session_key).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.exists()

    decision = Decision.objects.get(action="privacy.staff_removed")
    assert member.name in decision.summary
    assert decision.actor == director
    assert "left in 2026" in decision.grounds


def test_the_placeholder_is_stable_for_the_row(person, director):
    expected = placeholder_name(person.member)
    member = staff_member_remove(member=person.member, actor=director, reason="left")
    assert member.name == expected == placeholder_name(member)
    other = StaffMemberFactory(school=member.school)
    assert placeholder_name(other) != expected


def test_a_person_on_the_staff_list_cannot_be_removed(school, director):
    member = StaffMemberFactory(school=school, active=True)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        staff_member_remove(member=member, actor=director, reason="left")
    assert "staff list" in " ".join(str(detail) for detail in refused.value.details)
    member.refresh_from_db()
    assert member.pseudonymised_at is None


def test_refused_while_holding_a_role_or_on_an_open_vote(person, director):
    SchoolRoleFactory(user=person.user, school=person.member.school, role=SchoolRole.Role.PMR)
    Vote.objects.filter(pk=person.vote.pk).update(state=Vote.State.OPEN)
    with pytest.raises(DomainError) as refused:
        staff_member_remove(member=person.member, actor=director, reason="left")
    assert len(refused.value.details) == 2


def test_removing_twice_is_refused(person, director):
    staff_member_remove(member=person.member, actor=director, reason="left")
    with pytest.raises(DomainError):
        staff_member_remove(member=person.member, actor=director, reason="again")


def test_an_account_used_at_another_school_keeps_its_identity(person, director, other_school):
    StaffMemberFactory(school=other_school, user=person.user, email=EMAIL, name=NAME)
    member = staff_member_remove(member=person.member, actor=director, reason="left")
    person.user.refresh_from_db()
    assert person.user.is_active and person.user.email == EMAIL
    assert member.user is None
    assert StaffMember.objects.filter(school=other_school, name=NAME).exists()
    # Their identity elsewhere stays: the decisions they took, their verified address.
    assert Decision.objects.filter(actor=person.user, actor_name=NAME).exists()
    assert EmailAddress.objects.filter(user=person.user, email=EMAIL).exists()
    assert member.name not in Decision.objects.get(action="test.something").actor_name


def test_the_reason_is_required(person, director):
    with pytest.raises(DomainError):
        staff_member_remove(member=person.member, actor=director, reason="  ")


def test_the_person_loses_access_at_once(client, person, director):
    theirs = Client()
    theirs.force_login(person.user)
    assert theirs.get("/").status_code == 200
    client.force_login(director)
    url = f"/privacy/school/{person.member.school_id}/staff/{person.member.pk}/remove/"
    assert client.post(url, {"reason": "left", "confirm": "on"}).status_code == 302
    response = theirs.get("/")
    assert response.status_code == 302 and "login" in response["Location"]
