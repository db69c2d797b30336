"""Errors that services raise and interfaces map to HTTP statuses or WebSocket frames."""


class CouncilError(Exception):
    """Base of the errors a user can be told about; `code` goes into error frames."""

    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class AccessDenied(CouncilError):
    """The object does not exist or the actor may not do this (never say which)."""

    code = "forbidden"


class InvalidInput(CouncilError):
    """The command is well-formed but its content is not acceptable."""

    code = "invalid"
