"""Writes of step 1: organisational units, their conversation groups, and who is in them.

Every service runs in one transaction, locks the process (so two people placing staff at the
same time cannot collide), checks that the actor may manage the process, validates, and only
then calls ``step_content_changed``: a step 1 that anyone signed off is reopened as a recorded
decision naming what changed. A refused change leaves everything as it was.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext as _

from processes.models import Process
from processes.services import (
    decision_record,
    in_school_language,
    process_lock,
    require_perm,
    step_content_changed,
)
from werkdruk.exceptions import DomainError

from ..models import ConversationGroup, OrganisationalUnit, StaffMember, UnitMembership
from ..selectors.units import NAMES_SHOWN

MANAGE = "processes.manage_process"
NAME_MAX = 100


# --- helpers --------------------------------------------------------------------------


def names_text(names, limit=NAMES_SHOWN) -> str:
    """``"A, B, C"``, or ``"A, B, ... and 5 more"`` beyond ``limit`` names."""
    names = list(names)
    shown = ", ".join(str(name) for name in names[:limit])
    rest = len(names) - limit
    if rest <= 0:
        return shown
    return ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", rest) % {
        "names": shown,
        "count": rest,
    }


def _locked_unit(unit, actor) -> OrganisationalUnit:
    """Lock the unit's process, check permission, and reload the unit (it may be gone)."""
    process = process_lock(unit.process_id)
    require_perm(actor, MANAGE, process)
    locked = OrganisationalUnit.objects.filter(pk=unit.pk, process=process).first()
    if locked is None:
        raise DomainError(_("This unit no longer exists."))
    locked.process = process
    return locked


def _locked_group(group, actor) -> ConversationGroup:
    unit = _locked_unit(group.unit, actor)
    locked = ConversationGroup.objects.filter(pk=group.pk, unit=unit).first()
    if locked is None:
        raise DomainError(_("This conversation group no longer exists."))
    locked.unit = unit
    return locked


def _clean_name(name, *, kind_of_thing) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(
            _("Give the unit a name.")
            if kind_of_thing == "unit"
            else _("Give the conversation group a name.")
        )
    if len(name) > NAME_MAX:
        raise DomainError(
            _("A name has at most %(max)s characters; this one has %(count)s.")
            % {"max": NAME_MAX, "count": len(name)}
        )
    return name


def _clean_kind(kind) -> str:
    if kind not in OrganisationalUnit.Kind.values:
        raise DomainError(_("Choose the kind of unit."))
    return kind


def _ensure_unique_unit_name(process, name, *, exclude_pk=None):
    others = OrganisationalUnit.objects.filter(process=process, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise DomainError(_("There is already a unit named %(name)s.") % {"name": name})


def _ensure_unique_group_name(unit, name, *, exclude_pk=None):
    others = ConversationGroup.objects.filter(unit=unit, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise DomainError(
            _("%(unit)s already has a conversation group named %(name)s.")
            % {"unit": unit.name, "name": name}
        )


def _full_clean(obj, *, exclude=()):
    """The model's own validation as a domain error (a safety net after our own checks)."""
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as error:
        raise DomainError(_("The data is not valid."), details=error.messages) from error


def _pks(staff_members) -> list[int]:
    pks = []
    for staff_member in staff_members or ():
        pk = getattr(staff_member, "pk", staff_member)
        if pk is not None and pk not in pks:
            pks.append(pk)
    if not pks:
        raise DomainError(_("Select at least one staff member."))
    return pks


def _placeable_staff(process, pks) -> list[StaffMember]:
    """The staff members with these pks; refused unless all are active staff of the school."""
    staff = list(StaffMember.objects.filter(pk__in=pks).order_by("name", "pk"))
    if len(staff) != len(pks) or any(s.school_id != process.school_id for s in staff):
        # Never name another school's staff.
        raise DomainError(
            _("Only staff of %(school)s can be placed in its units.")
            % {"school": process.school.name}
        )
    inactive = [s.name for s in staff if not s.active]
    if inactive:
        raise DomainError(
            ngettext(
                "%(names)s is no longer active and cannot be placed in a unit.",
                "%(names)s are no longer active and cannot be placed in a unit.",
                len(inactive),
            )
            % {"names": names_text(inactive)}
        )
    return staff


# --- units ----------------------------------------------------------------------------


@transaction.atomic
def unit_create(
    *, process, actor, name, description="", kind=OrganisationalUnit.Kind.FUNCTION_GROUP
) -> OrganisationalUnit:
    """Add an organisational unit to step 1 of ``process``."""
    process = process_lock(process.pk)
    require_perm(actor, MANAGE, process)
    name = _clean_name(name, kind_of_thing="unit")
    kind = _clean_kind(kind)
    _ensure_unique_unit_name(process, name)
    unit = OrganisationalUnit(
        process=process, name=name, description=(description or "").strip(), kind=kind
    )
    _full_clean(unit)
    step_content_changed(
        process=process,
        number=1,
        actor=actor,
        what=in_school_language(gettext_noop("unit %(name)s added"), {"name": name}),
    )
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit, actor, name, description, kind) -> OrganisationalUnit:
    """Change a unit's name, description or kind; no change, no reopening."""
    unit = _locked_unit(unit, actor)
    name = _clean_name(name, kind_of_thing="unit")
    kind = _clean_kind(kind)
    description = (description or "").strip()
    _ensure_unique_unit_name(unit.process, name, exclude_pk=unit.pk)
    if (unit.name, unit.description, unit.kind) == (name, description, kind):
        return unit
    old_name = unit.name
    unit.name, unit.description, unit.kind = name, description, kind
    _full_clean(unit)
    what = (
        in_school_language(
            gettext_noop("unit %(old)s renamed to %(name)s"), {"old": old_name, "name": name}
        )
        if old_name != name
        else in_school_language(
            gettext_noop("description or kind of unit %(name)s"), {"name": name}
        )
    )
    step_content_changed(process=unit.process, number=1, actor=actor, what=what)
    unit.save(update_fields=["name", "description", "kind"])
    return unit


@transaction.atomic
def unit_delete(*, unit, actor) -> int:
    """Delete a unit with its conversation groups; its members are left in no unit.

    Returns how many staff members were unassigned.
    """
    unit = _locked_unit(unit, actor)
    count = unit.memberships.count()
    with translation.override(settings.LANGUAGE_CODE):
        what = ngettext(
            "unit %(name)s deleted (%(count)s staff member left without a unit)",
            "unit %(name)s deleted (%(count)s staff members left without a unit)",
            count,
        ) % {"name": unit.name, "count": count}
    step_content_changed(process=unit.process, number=1, actor=actor, what=what)
    try:
        unit.delete()
    except ProtectedError:  # the unit's own votes (on its plan) are kept for the record
        raise DomainError(
            _(
                "%(name)s has held a vote of its own, which stays on record, so the unit "
                "cannot be deleted. Move its members to other units instead."
            )
            % {"name": unit.name}
        ) from None
    return count


# --- conversation groups --------------------------------------------------------------


@transaction.atomic
def group_create(*, unit, actor, name) -> ConversationGroup:
    """Add a conversation group to a unit."""
    unit = _locked_unit(unit, actor)
    name = _clean_name(name, kind_of_thing="group")
    _ensure_unique_group_name(unit, name)
    group = ConversationGroup(unit=unit, name=name)
    _full_clean(group)
    step_content_changed(
        process=unit.process,
        number=1,
        actor=actor,
        what=in_school_language(
            gettext_noop("conversation group %(group)s added to %(unit)s"),
            {"group": name, "unit": unit.name},
        ),
    )
    group.save()
    return group


@transaction.atomic
def group_rename(*, group, actor, name) -> ConversationGroup:
    """Rename a conversation group; the same name changes nothing."""
    group = _locked_group(group, actor)
    name = _clean_name(name, kind_of_thing="group")
    _ensure_unique_group_name(group.unit, name, exclude_pk=group.pk)
    if group.name == name:
        return group
    step_content_changed(
        process=group.unit.process,
        number=1,
        actor=actor,
        what=in_school_language(
            gettext_noop("conversation group %(old)s of %(unit)s renamed to %(name)s"),
            {"old": group.name, "unit": group.unit.name, "name": name},
        ),
    )
    group.name = name
    group.save(update_fields=["name"])
    return group


@transaction.atomic
def group_delete(*, group, actor) -> int:
    """Delete a conversation group; its members stay in the unit. Returns how many were in it."""
    group = _locked_group(group, actor)
    count = group.memberships.count()
    step_content_changed(
        process=group.unit.process,
        number=1,
        actor=actor,
        what=in_school_language(
            gettext_noop("conversation group %(group)s of %(unit)s deleted"),
            {"group": group.name, "unit": group.unit.name},
        ),
    )
    group.delete()  # memberships keep their unit; their group becomes empty (SET_NULL)
    return count


# --- placing staff --------------------------------------------------------------------


@dataclass(frozen=True)
class AssignResult:
    """What ``unit_members_assign`` did, by name."""

    added: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)  # (name, from unit)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.moved)


@transaction.atomic
def unit_members_assign(*, unit, actor, staff_members) -> AssignResult:
    """Place staff members in ``unit``. Someone already in another unit of the process is
    moved (their row changes unit and leaves its conversation group): nobody is ever in two.

    Only active staff of the process's school; one wrong person refuses the whole selection.
    """
    unit = _locked_unit(unit, actor)
    process = unit.process
    staff = _placeable_staff(process, _pks(staff_members))
    current = {
        m.staff_member_id: m
        for m in UnitMembership.objects.filter(
            process=process, staff_member__in=staff
        ).select_related("unit")
    }
    added, moved, unchanged, to_move = [], [], [], []
    for staff_member in staff:
        membership = current.get(staff_member.pk)
        if membership is None:
            added.append(staff_member)
        elif membership.unit_id == unit.pk:
            unchanged.append(staff_member.name)
        else:
            moved.append((staff_member.name, membership.unit.name))
            to_move.append(membership)
    result = AssignResult(added=[s.name for s in added], moved=moved, unchanged=unchanged)
    if not result.changed:
        return result
    with translation.override(settings.LANGUAGE_CODE):
        what = ngettext(
            "%(count)s staff member placed in %(unit)s",
            "%(count)s staff members placed in %(unit)s",
            result.changed,
        ) % {"count": result.changed, "unit": unit.name}
        if moved:
            moves = [gettext("%(name)s (from %(unit)s)") % {"name": n, "unit": u} for n, u in moved]
            what += "; " + gettext("moved: %(moves)s") % {"moves": names_text(moves, limit=20)}
    step_content_changed(process=process, number=1, actor=actor, what=what)
    if to_move:
        UnitMembership.objects.filter(pk__in=[m.pk for m in to_move]).update(unit=unit, group=None)
    UnitMembership.objects.bulk_create(
        [UnitMembership(process=process, unit=unit, staff_member=s) for s in added]
    )
    return result


@transaction.atomic
def unit_members_remove(*, unit, actor, staff_members) -> int:
    """Take staff members out of ``unit`` (also people who are no longer active).

    Everyone selected must be in the unit; otherwise nothing changes. Returns how many.
    """
    unit = _locked_unit(unit, actor)
    pks = _pks(staff_members)
    memberships = list(
        UnitMembership.objects.filter(unit=unit, staff_member_id__in=pks)
        .select_related("staff_member")
        .order_by("staff_member__name", "pk")
    )
    if len(memberships) != len(pks):
        raise DomainError(
            ngettext(
                "This person is not in %(unit)s.",
                "Not everyone selected is in %(unit)s.",
                len(pks),
            )
            % {"unit": unit.name}
        )
    with translation.override(settings.LANGUAGE_CODE):
        what = gettext("%(names)s taken out of %(unit)s") % {
            "names": names_text([m.staff_member.name for m in memberships], limit=20),
            "unit": unit.name,
        }
    step_content_changed(process=unit.process, number=1, actor=actor, what=what)
    UnitMembership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
    return len(memberships)


def unit_member_remove(*, unit, actor, staff_member) -> None:
    """Take one staff member out of ``unit``."""
    unit_members_remove(unit=unit, actor=actor, staff_members=[staff_member])


def _group_memberships(group, pks) -> list[UnitMembership]:
    memberships = list(
        UnitMembership.objects.filter(unit=group.unit, staff_member_id__in=pks)
        .select_related("staff_member")
        .order_by("staff_member__name", "pk")
    )
    if len(memberships) != len(pks):
        raise DomainError(
            _("Only members of %(unit)s can be in its conversation groups.")
            % {"unit": group.unit.name}
        )
    return memberships


@transaction.atomic
def group_members_assign(*, group, actor, staff_members) -> int:
    """Put members of the group's unit in the conversation group (a group lies within one
    unit, so staff of other units are refused). Returns how many changed group."""
    group = _locked_group(group, actor)
    memberships = _group_memberships(group, _pks(staff_members))
    inactive = [m.staff_member.name for m in memberships if not m.staff_member.active]
    if inactive:
        raise DomainError(
            ngettext(
                "%(names)s is no longer active and cannot join a conversation group.",
                "%(names)s are no longer active and cannot join a conversation group.",
                len(inactive),
            )
            % {"names": names_text(inactive)}
        )
    changing = [m for m in memberships if m.group_id != group.pk]
    if not changing:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        what = ngettext(
            "%(count)s staff member put in conversation group %(group)s of %(unit)s",
            "%(count)s staff members put in conversation group %(group)s of %(unit)s",
            len(changing),
        ) % {"count": len(changing), "group": group.name, "unit": group.unit.name}
    step_content_changed(process=group.unit.process, number=1, actor=actor, what=what)
    UnitMembership.objects.filter(pk__in=[m.pk for m in changing]).update(group=group)
    return len(changing)


@transaction.atomic
def group_member_remove(*, group, actor, staff_member) -> None:
    """Take a staff member out of a conversation group; they stay in the unit."""
    group = _locked_group(group, actor)
    membership = (
        UnitMembership.objects.filter(group=group, staff_member_id=staff_member.pk)
        .select_related("staff_member")
        .first()
    )
    if membership is None:
        raise DomainError(
            _("This person is not in conversation group %(group)s.") % {"group": group.name}
        )
    step_content_changed(
        process=group.unit.process,
        number=1,
        actor=actor,
        what=in_school_language(
            gettext_noop("%(name)s taken out of conversation group %(group)s of %(unit)s"),
            {"name": membership.staff_member.name, "group": group.name, "unit": group.unit.name},
        ),
    )
    membership.group = None
    membership.save(update_fields=["group"])


# --- copying last year's units ----------------------------------------------------------


@dataclass(frozen=True)
class CopyResult:
    """What was copied; ``not_placed`` names last year's members who could not be placed."""

    units: int
    groups: int
    placed: int
    not_placed: list[str]


def _copy_units(source, target) -> CopyResult:
    """Copy units, groups and memberships (matched by e-mail, active staff only)."""
    units = list(
        OrganisationalUnit.objects.filter(process=source)
        .prefetch_related("groups")
        .order_by("name", "pk")
    )
    old_memberships = list(
        UnitMembership.objects.filter(process=source)
        .select_related("staff_member")
        .order_by("staff_member__name", "pk")
    )
    staff_by_email = {
        s.email.lower(): s
        for s in StaffMember.objects.filter(school_id=target.school_id, active=True)
    }
    new_units, new_groups = {}, {}
    for old in units:
        new_units[old.pk] = OrganisationalUnit.objects.create(
            process=target, name=old.name, description=old.description, kind=old.kind
        )
        for old_group in old.groups.all():
            new_groups[old_group.pk] = ConversationGroup.objects.create(
                unit=new_units[old.pk], name=old_group.name
            )
    placed, not_placed, seen = [], [], set()
    for old in old_memberships:
        staff_member = staff_by_email.get(old.staff_member.email.lower())
        if staff_member is None or staff_member.pk in seen:
            not_placed.append(old.staff_member.name)
            continue
        seen.add(staff_member.pk)
        placed.append(
            UnitMembership(
                process=target,
                unit=new_units[old.unit_id],
                staff_member=staff_member,
                group=new_groups.get(old.group_id),
            )
        )
    UnitMembership.objects.bulk_create(placed)
    return CopyResult(
        units=len(new_units), groups=len(new_groups), placed=len(placed), not_placed=not_placed
    )


def _record_copy(*, target, source, result, actor):
    decision_record(
        process=target,
        step_number=1,
        action="units.units.copied",
        summary=gettext_noop(
            "Units copied from %(year)s. Units: %(units)s; staff members placed: %(placed)s; "
            "could not be placed: %(missing)s."
        ),
        params={
            "year": source.school_year,
            "units": result.units,
            "placed": result.placed,
            "missing": len(result.not_placed),
        },
        actor=actor,
        content={
            "source": source.pk,
            "units": result.units,
            "groups": result.groups,
            "placed": result.placed,
            "not_placed": result.not_placed,
        },
    )


@transaction.atomic
def units_copy_from(*, process, source, actor) -> CopyResult:
    """Copy the units, conversation groups and memberships of an earlier year's process of the
    same school into ``process``, which must have no units yet.

    Staff are matched by e-mail; who is no longer active is not placed and is named in the
    result (and in the recorded decision).
    """
    process = process_lock(process.pk)
    require_perm(actor, MANAGE, process)
    source = Process.objects.select_related("school_year").get(pk=source.pk)
    if (
        source.school_id != process.school_id
        or source.school_year.start_year >= process.school_year.start_year
    ):
        raise DomainError(_("Units can only be copied from an earlier year of the same school."))
    if OrganisationalUnit.objects.filter(process=process).exists():
        raise DomainError(
            _(
                "This process already has units; units can only be copied into a process "
                "without units."
            )
        )
    if not OrganisationalUnit.objects.filter(process=source).exists():
        raise DomainError(
            _("The process of %(year)s has no units to copy.") % {"year": source.school_year}
        )
    step_content_changed(
        process=process,
        number=1,
        actor=actor,
        what=in_school_language(
            gettext_noop("units copied from %(year)s"), {"year": source.school_year}
        ),
    )
    result = _copy_units(source, process)
    _record_copy(target=process, source=source, result=result, actor=actor)
    return result


def units_copy_hook(old_process, new_process) -> None:
    """Copy hook (processes.registry): a process started from last year's gets its units.

    Runs inside ``process_create``'s transaction, which has checked the permission.
    """
    if not OrganisationalUnit.objects.filter(process=old_process).exists():
        return
    result = _copy_units(old_process, new_process)
    _record_copy(target=new_process, source=old_process, result=result, actor=None)
