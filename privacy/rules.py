"""Permissions of the privacy app (django-rules, discovered through AutodiscoverRulesConfig).

The director answers a staff member's request to see or remove their data: the school keeps
its staff list. The PMR, the staff and the board's administrators do not (the board sees no
person's records; domain.md, section 10).
"""

import rules

from processes.predicates import is_director

rules.add_perm("privacy.export_staff_data", is_director)
rules.add_perm("privacy.remove_staff_data", is_director)
