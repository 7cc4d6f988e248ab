"""Pages of this sub-domain of the units app."""
