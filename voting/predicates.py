"""Permission predicates for votes (django-rules), built on the procedure's school roles."""

from processes.predicates import is_director, is_pmr_member

# A Vote has a ``process`` attribute, so the school predicates find its school.
is_vote_manager = is_pmr_member
is_vote_viewer = is_pmr_member | is_director
