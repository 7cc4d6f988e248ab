"""Writes of the units app, by sub-domain: staff (import), budget (steps 0 and the school
budget), units (step 1), split (step 2), addresses (the "address unusable" mark, the notice
that a code sheet was printed)."""
