"""Permissions of the school's roles page (django-rules). rules autodiscovers only
``rules.py``, so ``OrganisationConfig.ready()`` imports this module.

Predicates read a user's roles once per request (``processes.predicates.user_roles`` caches
them on the request's user object), so a role removed now is gone on the person's next request.
"""

import rules

from processes.predicates import (
    is_board_admin,
    is_director,
    is_pmr_member,
    is_steering_member,
)

# The school's roles (on a School): who holds which role is read by those who hold one and by
# the board; only the director (and the board's administrators) change them.
rules.add_perm(
    "organisation.view_school_roles",
    is_director | is_pmr_member | is_steering_member | is_board_admin,
)
rules.add_perm("organisation.change_school_roles", is_director | is_board_admin)
