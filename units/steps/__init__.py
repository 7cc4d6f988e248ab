"""What the units app contributes to the procedure: step blockers, copy hooks and the
sections of the frozen agreement. Each sub-domain module has a ``register()``."""

from . import allocation, budget, kickoff, split, staff, units, working_method


def register() -> None:
    for module in (allocation, staff, budget, units, split, kickoff, working_method):
        module.register()
