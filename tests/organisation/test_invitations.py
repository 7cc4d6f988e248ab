"""Invitations to a role: expiry, re-send, withdraw, acceptance (issue 17, item 1)."""

import datetime
import logging

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from organisation.models import Invitation, token_digest
from organisation.services import invitations as services
from processes.models import BoardAdministrator, Decision, GmrMember, SchoolRole
from tests.factories import UserFactory
from werkdruk.exceptions import DomainError

from .conftest import token_in

User = get_user_model()


def accept_url(token):
    return reverse("organisation:invitation-accept", args=[token])


@pytest.fixture
def director_invitation(school, board_admin):
    invitation, token = services.invitation_create(
        actor=board_admin,
        board=school.board,
        school=school,
        role=Invitation.Role.DIRECTOR,
        email="Nieuwe.Directeur@School.example.org",
        name="Nieuwe Directeur",
    )
    return invitation, token


def test_invitation_is_emailed_with_a_link_and_only_its_digest_is_stored_when_created(
    director_invitation, school
):
    invitation, token = director_invitation
    assert len(token) >= 43
    assert invitation.token_digest == token_digest(token)
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    message = mail.outbox[-1]
    assert message.to == ["nieuwe.directeur@school.example.org"]
    assert token_in(message.body) == token
    assert school.name in message.subject
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=14)


def test_invitation_expiry_follows_the_setting_when_it_is_changed(settings, school, board_admin):
    settings.INVITATION_EXPIRY_DAYS = 3
    invitation, _token = services.invitation_create(
        actor=board_admin, board=school.board, role=Invitation.Role.GMR, email="g@x.example.org"
    )
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=3)


def test_invitation_email_carries_the_boards_sender_name_and_reply_to_when_set(
    settings, school, board_admin
):
    settings.DEFAULT_FROM_EMAIL = "Werkdruk <noreply@werkdruk.example.nl>"
    school.board.sender_name = "Stichting Het Plein"
    school.board.reply_to = "hr@plein.example.nl"
    school.board.save()
    services.invitation_create(
        actor=board_admin, board=school.board, role=Invitation.Role.GMR, email="g@x.example.org"
    )
    assert mail.outbox[-1].from_email == "Stichting Het Plein <noreply@werkdruk.example.nl>"
    assert mail.outbox[-1].reply_to == ["hr@plein.example.nl"]


def test_invitation_is_refused_when_the_address_is_invited_already(
    director_invitation, school, board_admin
):
    with pytest.raises(DomainError, match="invited already"):
        services.invitation_create(
            actor=board_admin,
            board=school.board,
            school=school,
            role=Invitation.Role.DIRECTOR,
            email="nieuwe.directeur@school.example.org",
        )


def test_invitation_is_refused_when_the_person_holds_the_role_already(
    school, board_admin, director
):
    with pytest.raises(DomainError, match="already has this role"):
        services.invitation_create(
            actor=board_admin,
            board=school.board,
            school=school,
            role=Invitation.Role.DIRECTOR,
            email=director.email,
        )


@pytest.mark.parametrize(
    "inviter,role",
    [
        ("director", Invitation.Role.DIRECTOR),
        ("director", Invitation.Role.BOARD_ADMIN),
        ("pmr", Invitation.Role.PMR),
        ("board_admin", Invitation.Role.PMR),
        ("other_board_admin", Invitation.Role.DIRECTOR),
        ("other_director", Invitation.Role.PMR),
        ("staff_user", Invitation.Role.STEERING),
        ("gmr", Invitation.Role.GMR),
    ],
)
def test_invitation_is_refused_when_the_inviter_may_not_invite_to_the_role(
    request, school, inviter, role
):
    actor = request.getfixturevalue(inviter)
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=actor, board=school.board, school=school, role=role, email="p@x.example.org"
        )
    assert not Invitation.objects.exists()


def test_director_may_invite_the_pmr_and_the_steering_group_when_asked(school, director):
    for role in (Invitation.Role.PMR, Invitation.Role.STEERING):
        invitation, _token = services.invitation_create(
            actor=director, board=school.board, school=school, role=role, email="p@x.example.org"
        )
        assert invitation.role == role


def test_resend_gives_a_new_link_and_kills_the_old_one_when_asked(
    client, director_invitation, board_admin
):
    invitation, old = director_invitation
    invitation.expires_at = timezone.now() - datetime.timedelta(days=1)  # expired: still resendable
    invitation.save()
    services.invitation_resend(invitation=invitation, actor=board_admin)
    new = token_in(mail.outbox[-1].body)
    assert new != old
    invitation.refresh_from_db()
    assert invitation.send_count == 2 and invitation.is_open
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    response = client.get(accept_url(old))
    assert response.status_code == 410
    assert client.get(accept_url(new)).status_code == 200


def test_withdrawn_invitation_link_shows_a_clear_page_and_signs_nobody_in_when_opened(
    client, director_invitation, board_admin
):
    invitation, token = director_invitation
    services.invitation_withdraw(invitation=invitation, actor=board_admin)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        assert response.status_code == 410
        assert b"withdrawn" in response.content
    assert "_auth_user_id" not in client.session
    assert not SchoolRole.objects.filter(user__email=invitation.email).exists()
    with pytest.raises(DomainError):
        services.invitation_resend(invitation=invitation, actor=board_admin)


def test_expired_invitation_link_shows_a_clear_page_and_signs_nobody_in_when_opened(
    client, director_invitation
):
    invitation, token = director_invitation
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.post(accept_url(token))
    assert response.status_code == 410
    assert b"expired" in response.content
    assert "_auth_user_id" not in client.session
    with pytest.raises(DomainError, match="expired"):
        services.invitation_accept(token=token)


def test_unknown_link_shows_a_clear_page_when_opened(client, db):
    response = client.get(accept_url("x" * 43))
    assert response.status_code == 410
    assert b"does not work" in response.content


def test_accepting_makes_the_account_gives_exactly_that_role_and_signs_in_when_posted(
    client, director_invitation, school
):
    invitation, token = director_invitation
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert school.name.encode() in page.content
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response.url == reverse("organisation:start", args=["director"])
    user = User.objects.get(email="nieuwe.directeur@school.example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    assert list(SchoolRole.objects.filter(user=user).values_list("school", "role")) == [
        (school.pk, "director")
    ]
    assert not BoardAdministrator.objects.filter(user=user).exists()
    assert not GmrMember.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    decision = Decision.objects.get(action="organisation.role.director.added")
    assert decision.board == school.board and decision.school == school
    assert "Nieuwe Directeur" in decision.summary
    start = client.get(response.url)
    assert start.status_code == 200
    assert reverse("units:staff-list", args=[school.pk]).encode() in start.content
    # The link works once.
    again = client.post(accept_url(token))
    assert again.status_code == 410
    assert b"accepted already" in again.content


def test_accepting_uses_the_existing_account_of_the_address_when_there_is_one(
    client, school, board_admin
):
    existing = UserFactory(email="bestaand@example.org")
    _invitation, token = services.invitation_create(
        actor=board_admin,
        board=school.board,
        role=Invitation.Role.BOARD_ADMIN,
        email="Bestaand@Example.org",
    )
    client.post(accept_url(token))
    assert int(client.session["_auth_user_id"]) == existing.pk
    assert BoardAdministrator.objects.filter(user=existing, board=school.board).exists()
    assert User.objects.filter(email__iexact="bestaand@example.org").count() == 1


def test_accepting_is_refused_when_another_account_is_signed_in(
    client, director_invitation, staff_user
):
    invitation, token = director_invitation
    client.force_login(staff_user)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        assert response.status_code == 403
        assert b"someone else" in response.content
    assert int(client.session["_auth_user_id"]) == staff_user.pk
    assert not SchoolRole.objects.filter(role="director", user=staff_user).exists()
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.is_open
    with pytest.raises(PermissionDenied):
        services.invitation_accept(token=token, user=staff_user)


def test_accepting_while_signed_in_with_the_invited_address_gives_the_role_when_posted(
    client, school, board_admin
):
    user = UserFactory(email="pmr-later@example.org")
    _invitation, token = services.invitation_create(
        actor=board_admin, board=school.board, role=Invitation.Role.GMR, email=user.email
    )
    client.force_login(user)
    assert client.post(accept_url(token)).status_code == 302
    assert GmrMember.objects.filter(user=user, board=school.board).exists()


def test_no_token_reaches_the_logs_when_links_are_opened_and_sent(
    client, caplog, director_invitation, board_admin
):
    invitation, token = director_invitation
    with caplog.at_level(logging.DEBUG):
        services.invitation_resend(invitation=invitation, actor=board_admin)
        new = token_in(mail.outbox[-1].body)
        client.get(accept_url(token))  # the old link: 410, logged by django.request
        client.post(accept_url(new))
        client.get(accept_url(new))  # used: 410
    assert caplog.records  # the dead links were logged ...
    for record in caplog.records:
        text = record.getMessage()
        assert token not in text and new not in text  # ... without their tokens


def test_dead_links_are_logged_without_their_token_when_redacted():
    from werkdruk.logging import redact_codes

    assert redact_codes("Gone: /invitation/abcDEF_-123/") == "Gone: /invitation/…/"
