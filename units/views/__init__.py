"""Pages of the units app, by sub-domain (staff, budget, units, split)."""
