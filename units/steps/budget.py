def register() -> None:
    """Register this sub-domain's step hooks (see processes.registry and processes.agreement)."""
