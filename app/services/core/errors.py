"""Domain errors. Each front turns them into its own kind of reply."""


class DomainError(Exception):
    """Base class: a request the domain refuses, with a message fit for the user."""

    def __init__(self, message="That cannot be done."):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or the actor may not know it exists."""

    def __init__(self, message="Not found."):
        super().__init__(message)


class Forbidden(DomainError):
    """The actor may see the object but not do this to it."""

    def __init__(self, message="You do not have permission to do that."):
        super().__init__(message)


class InvalidTransition(DomainError):
    """The lifecycle does not allow this move from the current status."""


class ValidationError(DomainError):
    """Input the domain rejects; *errors* maps field names to messages."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"": errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()))
