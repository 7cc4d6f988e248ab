"""Invitations to a role: create, send, re-send, withdraw, accept.

The token is only in the e-mail (and, for the board's first administrator, printed once by
``board_create``); the database keeps its SHA-256 (``Invitation.token_digest``). Accepting
signs the person in under the address the invitation went to: the link reaching that address
is the proof, so the account for it is found or made with that address verified.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.selectors import email_owner
from accounts.services import users_get_or_create_by_address
from processes.mail import board_mail
from processes.models import BoardAdministrator, GmrMember, SchoolRole
from processes.services import require_perm
from werkdruk.exceptions import DomainError

from ..models import Invitation, token_digest
from ..predicates import SCHOOL_TEAM_ROLES
from .common import role_decision_record

Role = Invitation.Role

# What taking up each role is called in the board's decisions.
ACCEPTED_SUMMARIES = {
    Role.BOARD_ADMIN: gettext_noop("%(name)s became board administrator (invited by %(by)s)."),
    Role.GMR: gettext_noop("%(name)s became a GMR member (invited by %(by)s)."),
    Role.DIRECTOR: gettext_noop("%(name)s became director of %(school)s (invited by %(by)s)."),
    Role.PMR: gettext_noop("%(name)s became a PMR member of %(school)s (invited by %(by)s)."),
    Role.STEERING: gettext_noop(
        "%(name)s became a steering group member of %(school)s (invited by %(by)s)."
    ),
}
ROLE_LABELS = {
    Role.BOARD_ADMIN: gettext_noop("board administrator"),
    Role.GMR: gettext_noop("GMR member"),
    Role.DIRECTOR: gettext_noop("director"),
    Role.PMR: gettext_noop("PMR member"),
    Role.STEERING: gettext_noop("steering group member"),
}


# cause_id: the school (its people page) or, for a board role, the board (its manage page)
SCHOOL_CAUSE = "organisation.invitation.school"
BOARD_CAUSE = "organisation.invitation.board"


def new_token() -> str:
    """32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def expiry_from(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def acceptance_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("organisation:invitation-accept", args=[token])


def require_may_invite(actor, *, board, school, role) -> None:
    """PermissionDenied unless ``actor`` may invite someone to ``role`` (see rules.py)."""
    if role in SCHOOL_TEAM_ROLES:
        require_perm(actor, "organisation.invite_school_team", school)
    elif role == Role.DIRECTOR:
        require_perm(actor, "organisation.invite_board_role", school)
    else:
        require_perm(actor, "organisation.invite_board_role", board)


def holds_role(user, *, board, school, role) -> bool:
    if role == Role.BOARD_ADMIN:
        return BoardAdministrator.objects.filter(user=user, board=board).exists()
    if role == Role.GMR:
        return GmrMember.objects.filter(user=user, board=board).exists()
    return SchoolRole.objects.filter(user=user, school=school, role=role).exists()


def invitation_send(*, invitation, token) -> None:
    """E-mail ``token``'s link to the invited address, in the school's language (the site's
    for a board role), in the board's name. Raises what the mail server raises."""
    school = invitation.school
    language = school.language if school is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "name": invitation.name,
            "role": _(ROLE_LABELS[invitation.role]),
            "board": invitation.board.name,
            "school": school.name if school is not None else "",
            "by": str(invitation.invited_by) if invitation.invited_by else "",
            "url": acceptance_url(token),
            "expires": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
        }
        subject = render_to_string("organisation/email/invitation_subject.txt", context)
        body = render_to_string("organisation/email/invitation_body.txt", context)
    board_mail(
        invitation.board,
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body,
        [invitation.email],
        cause=SCHOOL_CAUSE if invitation.school_id else BOARD_CAUSE,
        cause_id=invitation.school_id or invitation.board_id,
    )


@transaction.atomic
def invitation_create(
    *, actor, board, role, email, name="", school=None, send=True
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``role`` at ``board`` (board roles) or ``school`` (the others) and
    e-mail the link; returns the invitation and its token (for the caller to show once, never
    to store). ``actor`` None is the operator (``board_create``), who needs no permission.

    Refuses an address that holds the role already or has an open invitation to it.
    """
    role = Role(role)
    if role in Invitation.BOARD_ROLES:
        school = None
    elif school is None:
        raise DomainError(_("Choose the school of this role."))
    if school is not None and school.board_id != board.pk:
        raise DomainError(_("This school is not one of the board's."))
    if actor is not None:
        require_may_invite(actor, board=board, school=school, role=role)
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid e-mail address.")) from None
    owner = email_owner(email)
    if owner is not None and holds_role(owner, board=board, school=school, role=role):
        raise DomainError(_("%(email)s already has this role.") % {"email": email})
    now = timezone.now()
    open_ones = Invitation.objects.filter(
        board=board,
        school=school,
        role=role,
        email__iexact=email,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=now,
    )
    if open_ones.exists():
        raise DomainError(
            _("%(email)s has been invited already: send that invitation again instead.")
            % {"email": email}
        )
    token = new_token()
    invitation = Invitation.objects.create(
        board=board,
        school=school,
        role=role,
        email=email,
        name=name.strip(),
        token_digest=token_digest(token),
        invited_by=actor,
        created_at=now,
        sent_at=now,
        expires_at=expiry_from(now),
    )
    if send:
        invitation_send(invitation=invitation, token=token)
    return invitation, token


def _lock_open(invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has been accepted already."))
    if invitation.withdrawn_at is not None:
        raise DomainError(_("This invitation has been withdrawn."))
    return invitation


@transaction.atomic
def invitation_resend(*, invitation, actor) -> Invitation:
    """Send the invitation again with a new link and a new expiry; the old link stops working.
    An expired invitation can be sent again; an accepted or withdrawn one cannot."""
    require_perm(actor, "organisation.manage_invitation", invitation)
    invitation = _lock_open(invitation)
    token = new_token()
    now = timezone.now()
    invitation.token_digest = token_digest(token)
    invitation.sent_at = now
    invitation.expires_at = expiry_from(now)
    invitation.send_count += 1
    invitation.save(update_fields=["token_digest", "sent_at", "expires_at", "send_count"])
    invitation_send(invitation=invitation, token=token)
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation, actor) -> Invitation:
    """Withdraw an invitation that was not accepted: its link stops working."""
    require_perm(actor, "organisation.manage_invitation", invitation)
    invitation = _lock_open(invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation whose link this is (open or not), or None."""
    if not token:
        return None
    return (
        Invitation.objects.select_related("board", "school", "invited_by")
        .filter(token_digest=token_digest(token))
        .first()
    )


def _give_role(user, invitation) -> None:
    role = invitation.role
    if role == Role.BOARD_ADMIN:
        BoardAdministrator.objects.get_or_create(user=user, board=invitation.board)
    elif role == Role.GMR:
        GmrMember.objects.get_or_create(user=user, board=invitation.board)
    else:
        SchoolRole.objects.get_or_create(user=user, school=invitation.school, role=role)


@transaction.atomic
def invitation_accept(*, token, user=None):
    """Accept the invitation of ``token``: the account of the invited address (made if there
    is none, the address verified: the link reached it) gets the role. ``user`` is whoever is
    signed in already; refused unless it is the invited address's account. Returns
    (invitation, account); the caller signs the account in.
    """
    found = invitation_for_token(token)
    if found is None:
        raise DomainError(_("This invitation link does not work."))
    invitation = _lock_open(found)
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("This invitation has expired. Ask for a new one."))
    signed_in = user is not None and user.is_authenticated
    if signed_in and user.email.lower() != invitation.email.lower():
        raise PermissionDenied
    accounts, _created = users_get_or_create_by_address(
        people=[(invitation.email, invitation.name)]
    )
    account = accounts[invitation.email.lower()]
    if signed_in and account.pk != user.pk:
        raise PermissionDenied
    if not account.is_active:
        raise DomainError(_("This account is blocked. Ask the one who invited you."))
    _give_role(account, invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = account
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    role_decision_record(
        board=invitation.board,
        school=invitation.school,
        action=f"organisation.role.{invitation.role}.added",
        summary=ACCEPTED_SUMMARIES[invitation.role],
        params={
            "name": str(account),
            "by": str(invitation.invited_by) if invitation.invited_by else "Werkdruk",
            "school": invitation.school.name if invitation.school else "",
        },
        actor=account,
        actor_role=ROLE_LABELS[invitation.role],
        content={"invitation": invitation.pk, "user": account.pk, "role": invitation.role},
    )
    return invitation, account
