"""What the school plan app contributes to the procedure: the pages, blockers and completion
hooks of steps 9 (merge), 10 (publication) and 11 (ratification)."""


def register() -> None:
    """Filled in by the step modules as they are built."""
