"""Permission predicates (django-rules). Each takes a user and an object of a school.

The object may be a School, or anything with a ``school`` attribute (Process) or a
``process`` attribute (ProcessStep). A user's roles are loaded once per user object
(three queries), so pages that check many permissions stay at a constant query count.
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
        schools: dict[int, set[str]] = {}
        for school_id, role in SchoolRole.objects.filter(user=user).values_list(
            "school_id", "role"
        ):
            schools.setdefault(school_id, set()).add(role)
        boards, gmr = set(), set()
        board_roles = (
            user.board_roles.order_by().annotate(gmr=Value(False)).values_list("board_id", "gmr")
        )
        gmr_roles = (
            user.gmr_roles.order_by().annotate(gmr=Value(True)).values_list("board_id", "gmr")
        )
        for board_id, is_gmr in board_roles.union(gmr_roles, all=True):
            (gmr if is_gmr else boards).add(board_id)
        staff = set(user.staff_memberships.filter(active=True).values_list("school_id", flat=True))
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
