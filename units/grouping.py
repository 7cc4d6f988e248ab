"""Proposals of conversation groups for a process: the four kinds of grouping the guide
names. Pure functions over (staff member, unit) pairs; the services store an accepted
proposal and the views show it as a preview.

- large, heterogeneous: whole units together, at least as large as the largest unit (and at
  least ``LARGE_MIN``), each group mixing the units;
- small, homogeneous: each unit on its own, split into groups of about ``SMALL`` (4-6);
- small, heterogeneous, at random: everyone shuffled (with a seed, so the same seed gives the
  same proposal), groups of about ``SMALL`` that mix the units;
- medium, half homogeneous: neighbouring units kept together in groups of about ``MEDIUM``
  (8-12), like clusters of departments.

Every person ends up in exactly one group.
"""

import random
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

SMALL = 5
MEDIUM = 10
LARGE_MIN = 15


class Kind(models.TextChoices):
    LARGE_HETEROGENEOUS = "large_heterogeneous", _("large and mixed: whole units together")
    SMALL_HOMOGENEOUS = "small_homogeneous", _("small, within one unit")
    SMALL_HETEROGENEOUS = "small_heterogeneous", _("small and mixed, at random")
    MEDIUM = "medium", _("medium: neighbouring units together")


@dataclass(frozen=True)
class Person:
    staff_member_id: int
    name: str
    unit_id: int
    unit_name: str


@dataclass
class ProposedGroup:
    number: int
    members: list = field(default_factory=list)
    unit_id: int | None = None  # set when the group lies within one unit (homogeneous)
    unit_name: str = ""

    @property
    def unit_names(self) -> list[str]:
        return sorted({person.unit_name for person in self.members})


def group_count(size: int, target: int) -> int:
    """How many groups of about ``target`` people ``size`` people make (at least one)."""
    return max(1, int(size / target + 0.5))


def _by_unit(people) -> dict[int, list[Person]]:
    units: dict[int, list[Person]] = {}
    for person in sorted(people, key=lambda p: (p.unit_name, p.unit_id, p.name, p.staff_member_id)):
        units.setdefault(person.unit_id, []).append(person)
    return units


def _interleave(lists) -> list[Person]:
    """One from each list in turn: neighbours in the result come from different units."""
    result = []
    lists = [list(items) for items in lists]
    while any(lists):
        for items in lists:
            if items:
                result.append(items.pop(0))
    return result


def _deal(people, count) -> list[list[Person]]:
    """Deal ``people`` round like cards over ``count`` groups (sizes differ by one at most)."""
    groups = [[] for _ in range(count)]
    for index, person in enumerate(people):
        groups[index % count].append(person)
    return groups


def _chunks(people, count) -> list[list[Person]]:
    """``people`` in order, cut into ``count`` consecutive parts (sizes differ by one at most)."""
    size, extra = divmod(len(people), count)
    groups, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        groups.append(people[start:end])
        start = end
    return groups


def propose(people, kind: str, seed: int = 0) -> list[ProposedGroup]:
    """Conversation groups of ``kind`` for ``people``; the same input and seed give the same
    proposal."""
    people = list(people)
    if not people:
        return []
    units = _by_unit(people)
    if kind == Kind.SMALL_HOMOGENEOUS:
        proposal = []
        for members in units.values():
            for part in _chunks(members, group_count(len(members), SMALL)):
                proposal.append(
                    ProposedGroup(0, part, unit_id=part[0].unit_id, unit_name=part[0].unit_name)
                )
    elif kind == Kind.SMALL_HETEROGENEOUS:
        rng = random.Random(seed)
        shuffled = []
        for members in units.values():
            members = list(members)
            rng.shuffle(members)
            shuffled.append(members)
        rng.shuffle(shuffled)
        parts = _deal(_interleave(shuffled), group_count(len(people), SMALL))
        proposal = [ProposedGroup(0, part) for part in parts]
    elif kind == Kind.MEDIUM:
        ordered = [person for members in units.values() for person in members]
        parts = _chunks(ordered, group_count(len(people), MEDIUM))
        proposal = [ProposedGroup(0, part) for part in parts]
    elif kind == Kind.LARGE_HETEROGENEOUS:
        size = max(LARGE_MIN, max(len(members) for members in units.values()))
        parts = _deal(_interleave(units.values()), max(1, len(people) // size))
        proposal = [ProposedGroup(0, part) for part in parts]
    else:
        raise ValueError(f"Unknown kind of grouping: {kind!r}")
    for number, group in enumerate(proposal, start=1):
        group.number = number
        group.members.sort(key=lambda p: (p.name, p.staff_member_id))
    return proposal
