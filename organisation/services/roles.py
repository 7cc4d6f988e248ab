"""The school's roles: the director appoints, removes and replaces PMR members, steering group
members and a second director (deputy), from the school's active staff with an account.

Every change locks the school's row first, so two requests at the same moment are handled one
after the other (nobody removes the last director, whatever the order), and writes a Decision:
on the school's open process (its decision list shows it from then on), or on the school alone
when it has none (the roles page lists those as its history).
"""

import contextlib

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.models import Decision, School, SchoolRole
from processes.services import decision_record, in_school_language, require_perm
from werkdruk.exceptions import DomainError

from ..selectors.roles import open_process_of, role_candidates

CHANGE = "organisation.change_school_roles"
APPOINTED = "organisation.school_role.appointed"
REMOVED = "organisation.school_role.removed"
REPLACED = "organisation.school_role.replaced"


def _lock_school(school) -> School:
    return School.objects.select_for_update().get(pk=school.pk)  # the school row only


def _record(*, school, actor, action, summary, params, content) -> Decision:
    """A decision on the school's open process, or on the school alone when it has none."""
    process = open_process_of(school)
    if process is not None:
        return decision_record(
            process=process,
            action=action,
            summary=summary,
            params=params,
            actor=actor,
            content=content,
        )
    roles = SchoolRole.objects.filter(user=actor, school=school).order_by("role")
    with translation.override(settings.LANGUAGE_CODE):
        role = ", ".join(str(r.get_role_display()) for r in roles)
    role = role or in_school_language(gettext_noop("board administrator"))
    return Decision.objects.create(
        board_id=school.board_id,
        school=school,
        action=action,
        summary=in_school_language(summary, params),
        content=content,
        actor=actor,
        actor_name=str(actor),
        actor_role=role,
    )


def _forget_roles(actor) -> None:
    """The actor's roles are read again on their next permission check (they may have just
    removed their own)."""
    with contextlib.suppress(AttributeError):
        del actor._werkdruk_roles


def _role_label(role) -> str:
    return SchoolRole.Role(role).label


def _check_candidate(school, user):
    if not role_candidates(school).filter(pk=user.pk).exists():
        raise DomainError(
            _(
                "Only an active staff member of %(school)s with an account can be given a role "
                "there."
            )
            % {"school": school}
        )


def _appoint(*, school, actor, user, role) -> SchoolRole:
    if role not in SchoolRole.Role.values:
        raise DomainError(_("Choose a role."))
    _check_candidate(school, user)
    if SchoolRole.objects.filter(school=school, user=user, role=role).exists():
        raise DomainError(
            _("%(name)s already is %(role)s.") % {"name": user, "role": _role_label(role)}
        )
    return SchoolRole.objects.create(school=school, user=user, role=role)


def _remove(*, school, school_role) -> None:
    if school_role.role == SchoolRole.Role.DIRECTOR:
        directors = SchoolRole.objects.filter(school=school, role=SchoolRole.Role.DIRECTOR)
        if directors.count() <= 1:
            raise DomainError(
                _(
                    "The last director of a school cannot be removed: appoint another director "
                    "first."
                )
            )
    school_role.delete()


def _role_of(school, school_role) -> SchoolRole:
    """The role row read again under the school's lock; refused when it is gone or of another
    school."""
    pk = getattr(school_role, "pk", school_role)
    found = SchoolRole.objects.select_related("user").filter(pk=pk, school=school).first()
    if found is None:
        raise DomainError(_("This person no longer holds this role."))
    return found


def _content(school_role_or_role, user) -> dict:
    role = getattr(school_role_or_role, "role", school_role_or_role)
    return {"role": str(role), "user_id": user.pk, "name": str(user)}


@transaction.atomic
def school_role_appoint(*, school, actor, user, role) -> SchoolRole:
    """Give ``user`` (an active staff member of ``school`` with an account) ``role`` there."""
    require_perm(actor, CHANGE, school)
    school = _lock_school(school)
    school_role = _appoint(school=school, actor=actor, user=user, role=role)
    _record(
        school=school,
        actor=actor,
        action=APPOINTED,
        summary=gettext_noop("%(name)s appointed as %(role)s of %(school)s."),
        params={"name": user, "role": _role_label(role), "school": school},
        content=_content(role, user),
    )
    return school_role


@transaction.atomic
def school_role_remove(*, school, actor, school_role) -> None:
    """Take a role away; never the school's last director (also not from themselves)."""
    require_perm(actor, CHANGE, school)
    school = _lock_school(school)
    school_role = _role_of(school, school_role)
    user, role = school_role.user, school_role.role
    _remove(school=school, school_role=school_role)
    _forget_roles(actor)
    _record(
        school=school,
        actor=actor,
        action=REMOVED,
        summary=gettext_noop("%(name)s is no longer %(role)s of %(school)s."),
        params={"name": user, "role": _role_label(role), "school": school},
        content=_content(role, user),
    )


@transaction.atomic
def school_role_replace(*, school, actor, school_role, user) -> SchoolRole:
    """``user`` takes over ``school_role`` from its holder, in one transaction: the new holder
    is appointed first, so a school's only director can be replaced."""
    require_perm(actor, CHANGE, school)
    school = _lock_school(school)
    school_role = _role_of(school, school_role)
    previous, role = school_role.user, school_role.role
    if previous.pk == user.pk:
        raise DomainError(_("Choose someone else than the present holder."))
    new_role = _appoint(school=school, actor=actor, user=user, role=role)
    _remove(school=school, school_role=school_role)
    _forget_roles(actor)
    _record(
        school=school,
        actor=actor,
        action=REPLACED,
        summary=gettext_noop("%(name)s replaces %(previous)s as %(role)s of %(school)s."),
        params={"name": user, "previous": previous, "role": _role_label(role), "school": school},
        content={
            **_content(role, user),
            "previous_user_id": previous.pk,
            "previous": str(previous),
        },
    )
    return new_role
