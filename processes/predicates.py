"""Permission predicates (django-rules). Each takes a user and an object of a school.

The object may be a School, or anything with a ``school`` attribute (Process) or a
``process`` attribute (ProcessStep). A user's roles are loaded once per user object
(one query), so pages that check many permissions stay at a constant query count.
"""

import functools

import rules
from django.contrib.auth import get_user_model
from django.db import connection

from .models import Board, BoardAdministrator, GmrMember, School, SchoolRole


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


@functools.cache
def _roles_sql() -> str:
    """The four kinds of role as one UNION ALL of (id, role, kind) rows, for one user id.

    Written out once rather than built by the ORM on every request: almost every page checks a
    permission, and compiling the four-part union cost about 1 ms of CPU per page, the
    query itself a few hundredths of that.
    """
    user_model = get_user_model()
    staff = user_model._meta.get_field("staff_memberships").related_model

    parts = [
        (SchoolRole, "school_id, role, 'school'", ""),
        (BoardAdministrator, "board_id, '', 'board'", ""),
        (GmrMember, "board_id, '', 'gmr'", ""),
        (staff, "school_id, '', 'staff'", " AND active = %s"),
    ]
    # Table names of ours; the user id is a parameter.
    return " UNION ALL ".join(
        f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)}"  # noqa: S608
        f" WHERE user_id = %s{extra}"
        for model, columns, extra in parts
    )


def user_roles(user) -> dict:
    """All roles of ``user``: school roles by school id, boards administered, GMR boards, staff
    schools."""
    cache = getattr(user, "_werkdruk_roles", None)
    if cache is None:
        with connection.cursor() as cursor:  # one query for the four kinds of role
            cursor.execute(_roles_sql(), [user.pk, user.pk, user.pk, user.pk, True])
            union = cursor.fetchall()
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
