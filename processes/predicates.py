"""Permission predicates (django-rules). Each takes a user and an object of a school.

The object may be a School, or anything with a ``school`` attribute (Process) or a
``process`` attribute (ProcessStep). A user's roles are loaded once per user object
(one query), so pages that check many permissions stay at a constant query count.
"""

import rules
from django.db.models import Value

from .models import Board, School, SchoolRole


def school_of(obj) -> School | None:
    if obj is None:
        return None
    if isinstance(obj, School):
        return obj
    if hasattr(obj, "school"):
        return obj.school
    if hasattr(obj, "process"):
        return obj.process.school
    return None


def user_roles(user) -> dict:
    """All roles of ``user``: school roles by school id, boards administered, GMR boards, staff
    schools."""
    cache = getattr(user, "_werkdruk_roles", None)
    if cache is None:
        # One query for the four kinds of role: a UNION ALL of (id, role, kind) rows.
        def rows(queryset, id_field, kind, role=None):
            annotations = {"kind": Value(kind)} if role else {"r": Value(""), "kind": Value(kind)}
            fields = (id_field, role or "r", "kind")
            return queryset.order_by().annotate(**annotations).values_list(*fields)

        school_roles = rows(SchoolRole.objects.filter(user=user), "school_id", "school", "role")
        union = school_roles.union(
            rows(user.board_roles.all(), "board_id", "board"),
            rows(user.gmr_roles.all(), "board_id", "gmr"),
            rows(user.staff_memberships.filter(active=True), "school_id", "staff"),
            all=True,
        )
        schools: dict[int, set[str]] = {}
        boards, gmr, staff = set(), set(), set()
        for pk, role, kind in union:
            if kind == "school":
                schools.setdefault(pk, set()).add(role)
            else:
                {"board": boards, "gmr": gmr, "staff": staff}[kind].add(pk)
        cache = {"schools": schools, "boards": boards, "gmr": gmr, "staff": staff}
        user._werkdruk_roles = cache
    return cache


def _has_school_role(role):
    @rules.predicate(name=f"has_school_role_{role}")
    def predicate(user, obj) -> bool:
        school = school_of(obj)
        if school is None or not user.is_authenticated:
            return False
        return role in user_roles(user)["schools"].get(school.pk, set())

    return predicate


is_director = _has_school_role(SchoolRole.Role.DIRECTOR)
is_pmr_member = _has_school_role(SchoolRole.Role.PMR)
is_steering_member = _has_school_role(SchoolRole.Role.STEERING)


@rules.predicate
def is_board_admin(user, obj) -> bool:
    """Administrator of the board the object (a Board or anything of a school) belongs to."""
    if not user.is_authenticated or obj is None:
        return False
    board_id = obj.pk if isinstance(obj, Board) else getattr(school_of(obj), "board_id", None)
    return board_id in user_roles(user)["boards"]


@rules.predicate
def is_gmr_member(user, obj) -> bool:
    """Member of the GMR of the board the object (a Board or anything of a school) belongs to."""
    if not user.is_authenticated or obj is None:
        return False
    board_id = obj.pk if isinstance(obj, Board) else getattr(school_of(obj), "board_id", None)
    return board_id in user_roles(user)["gmr"]


@rules.predicate
def is_school_staff(user, obj) -> bool:
    """An active staff member of the object's school, linked to this user account."""
    school = school_of(obj)
    if school is None or not user.is_authenticated:
        return False
    return school.pk in user_roles(user)["staff"]


is_process_manager = is_director | is_pmr_member
is_school_participant = (
    is_director | is_pmr_member | is_steering_member | is_school_staff | is_board_admin
)
