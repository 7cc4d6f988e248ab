import rules

from .predicates import is_vote_manager, is_vote_viewer

# The PMR runs the agreement vote (step 4); the director follows it.
rules.add_perm("voting.manage_vote", is_vote_manager)
rules.add_perm("voting.view_vote", is_vote_viewer)
