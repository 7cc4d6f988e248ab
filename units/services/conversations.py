"""Accepting a proposal of conversation groups (step 1; the guide's four kinds of grouping).

The director or PMR (``processes.manage_process``) looks at a proposal, then accepts it: in
one transaction, under the process lock, every conversation group of the process is replaced
by the proposed ones and every placed staff member is put in exactly one of them. The
proposal is made again from the same kind and seed, so what is stored is what the preview
showed (unless the staff changed in between, then it is the proposal for the staff now).
"""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from processes.services import in_school_language, process_lock, require_perm, step_content_changed
from werkdruk.exceptions import DomainError

from ..grouping import Kind
from ..models import ConversationGroup, UnitMembership
from ..selectors.conversations import conversation_proposal

MANAGE = "processes.manage_process"
NAME_MAX = 100


def _names(process, proposal) -> list[str]:
    """``Group 1``... for mixed groups; the unit's name (numbered when it has several) for
    groups within one unit."""
    per_unit: dict[int, int] = {}
    for group in proposal:
        if group.unit_id is not None:
            per_unit[group.unit_id] = per_unit.get(group.unit_id, 0) + 1
    seen: dict[int, int] = {}
    names = []
    for group in proposal:
        if group.unit_id is None:
            name = in_school_language(
                gettext_noop("Conversation group %(number)s"),
                {"number": group.number},
                school=process.school,
            )
        elif per_unit[group.unit_id] == 1:
            name = group.unit_name
        else:
            seen[group.unit_id] = seen.get(group.unit_id, 0) + 1
            suffix = f" {seen[group.unit_id]}"
            name = group.unit_name[: NAME_MAX - len(suffix)] + suffix
        names.append(name[:NAME_MAX])
    return names


@transaction.atomic
def conversation_groups_accept(*, process, actor, kind, seed) -> list[ConversationGroup]:
    """Replace the conversation groups of ``process`` by the proposal of ``kind`` with
    ``seed``; returns the new groups."""
    process = process_lock(process)
    require_perm(actor, MANAGE, process)
    if kind not in Kind.values:
        raise DomainError(_("Choose a kind of grouping."))
    proposal = conversation_proposal(process=process, kind=kind, seed=seed)
    if not proposal:
        raise DomainError(_("Nobody is placed in a unit yet: place the staff in units first."))
    step_content_changed(
        process=process,
        number=1,
        actor=actor,
        what=in_school_language(
            gettext_noop("conversation groups replaced by a proposal (%(kind)s)"),
            {"kind": Kind(kind).label},
            school=process.school,
        ),
    )
    ConversationGroup.objects.filter(Q(process=process) | Q(unit__process=process)).delete()
    groups = []
    for group, name in zip(proposal, _names(process, proposal), strict=True):
        stored = ConversationGroup.objects.create(process=process, unit_id=group.unit_id, name=name)
        UnitMembership.objects.filter(
            process=process, staff_member_id__in=[p.staff_member_id for p in group.members]
        ).update(group=stored)
        groups.append(stored)
    return groups
