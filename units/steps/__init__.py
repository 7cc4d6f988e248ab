"""What the units app contributes to the procedure: step blockers, copy hooks and the
sections of the frozen agreement. Each sub-domain module has a ``register()``."""

from . import budget, split, staff, units


def register() -> None:
    for module in (staff, budget, units, split):
        module.register()
