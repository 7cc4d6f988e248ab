class DomainError(Exception):
    """A rule of the procedure refuses an action. The message is translated and shown as is."""

    def __init__(self, message, *, details=None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])
