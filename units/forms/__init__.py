"""Forms of the units app, by sub-domain."""
