"""A board sets itself up: its schools and their pupil counts, its administrators and GMR
members, and its settings. Every change of a role is a recorded decision of the board."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import Board, BoardAdministrator, GmrMember, PupilCount, School
from processes.services import require_perm
from werkdruk.exceptions import DomainError

from ..models import Invitation
from .common import role_decision_record
from .invitations import invitation_create

MANAGE = "organisation.manage_board"


@transaction.atomic
def board_create(*, name, admin_email, admin_name="") -> tuple[Board, Invitation, str]:
    """The operator's start of a board: the board and an e-mailed invitation for its first
    administrator. Returns (board, invitation, token); the token is shown once, never kept."""
    name = name.strip()
    if not name:
        raise DomainError(_("A board needs a name."))
    if Board.objects.filter(name__iexact=name).exists():
        raise DomainError(_("A board named %(name)s exists already.") % {"name": name})
    board = Board.objects.create(name=name)
    invitation, token = invitation_create(
        actor=None,
        board=board,
        role=Invitation.Role.BOARD_ADMIN,
        email=admin_email,
        name=admin_name,
    )
    return board, invitation, token


def _check_brin(brin, school=None) -> str:
    brin = brin.strip().upper()
    taken = School.objects.filter(brin=brin)
    if school is not None:
        taken = taken.exclude(pk=school.pk)
    if taken.exists():
        raise DomainError(_("Another school has BRIN code %(brin)s.") % {"brin": brin})
    return brin


@transaction.atomic
def school_create(*, actor, board, name, brin, city="", language="nl", pupil_counts=None) -> School:
    """Add a school to ``board``; ``pupil_counts`` maps a SchoolYear to its count."""
    require_perm(actor, MANAGE, board)
    school = School(
        board=board, name=name.strip(), brin=_check_brin(brin), city=city, language=language
    )
    school.full_clean()
    try:
        with transaction.atomic():
            school.save()
    except IntegrityError:
        raise DomainError(_("Another school has BRIN code %(brin)s.") % {"brin": brin}) from None
    for school_year, count in (pupil_counts or {}).items():
        if count is not None:
            PupilCount.objects.create(school=school, school_year=school_year, pupil_count=count)
    return school


@transaction.atomic
def school_update(*, actor, school, name, brin, city="", language="nl") -> School:
    require_perm(actor, MANAGE, school)
    school = School.objects.select_for_update().get(pk=school.pk)
    school.name = name.strip()
    school.brin = _check_brin(brin, school)
    school.city = city
    school.language = language
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def pupil_count_set(*, actor, school, school_year, pupil_count) -> PupilCount | None:
    """Record (or correct) the school's pupil count of ``school_year``; None removes it."""
    require_perm(actor, MANAGE, school)
    if pupil_count is None:
        PupilCount.objects.filter(school=school, school_year=school_year).delete()
        return None
    count, _created = PupilCount.objects.update_or_create(
        school=school, school_year=school_year, defaults={"pupil_count": pupil_count}
    )
    return count


@transaction.atomic
def board_settings_update(*, actor, board, sender_name, reply_to, retention_years) -> Board:
    require_perm(actor, MANAGE, board)
    board = Board.objects.select_for_update().get(pk=board.pk)
    board.sender_name = sender_name.strip()
    board.reply_to = reply_to.strip()
    board.retention_years = retention_years
    board.full_clean(exclude=["name"])
    board.save(update_fields=["sender_name", "reply_to", "retention_years"])
    return board


@transaction.atomic
def board_admin_remove(*, actor, administrator) -> None:
    """Remove a board administrator (oneself too: stepping down). Never the last one: the
    board would have nobody to run it. The removed person loses access on the next request."""
    board = administrator.board
    require_perm(actor, MANAGE, board)
    admins = list(
        BoardAdministrator.objects.select_for_update()
        .filter(board=board)
        .select_related("user")
        .order_by("pk")
    )
    target = next((a for a in admins if a.pk == administrator.pk), None)
    if target is None:
        raise DomainError(_("This person is no longer a board administrator."))
    if len(admins) == 1:
        raise DomainError(
            _(
                "The last board administrator cannot be removed. Invite another administrator "
                "first; once they have accepted, you can step down."
            )
        )
    target.delete()
    role_decision_record(
        board=board,
        action="organisation.role.board_admin.removed",
        summary=gettext_noop("%(name)s is no longer a board administrator."),
        params={"name": str(target.user)},
        actor=actor,
        actor_role=gettext_noop("board administrator"),
        content={"user": target.user_id, "role": "board_admin"},
    )


@transaction.atomic
def gmr_member_remove(*, actor, member) -> None:
    board = member.board
    require_perm(actor, MANAGE, board)
    target = GmrMember.objects.select_for_update().filter(pk=member.pk).first()
    if target is None:
        raise DomainError(_("This person is no longer a GMR member."))
    user = target.user
    target.delete()
    role_decision_record(
        board=board,
        action="organisation.role.gmr.removed",
        summary=gettext_noop("%(name)s is no longer a GMR member."),
        params={"name": str(user)},
        actor=actor,
        actor_role=gettext_noop("board administrator"),
        content={"user": user.pk, "role": "gmr"},
    )
