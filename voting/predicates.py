"""Permission predicates for votes (django-rules), built on the procedure's school roles."""

import rules

from processes.predicates import is_director, is_pmr_member
from units.predicates import is_unit_coordinator

from .models import Vote


@rules.predicate
def is_unit_vote(user, obj) -> bool:
    """A unit's own vote (on its plan), rather than the whole school's."""
    return isinstance(obj, Vote) and obj.unit_id is not None


@rules.predicate
def is_coordinator_of_vote_unit(user, vote) -> bool:
    return is_unit_coordinator(user, vote.unit)


# A Vote has a ``process`` attribute, so the school predicates find its school. The PMR runs
# the school's votes (the agreement); a unit's coordinator runs the unit's own.
is_vote_manager = (~is_unit_vote & is_pmr_member) | (is_unit_vote & is_coordinator_of_vote_unit)
is_vote_viewer = is_pmr_member | is_director
