"""Errors that services raise and interfaces map to HTTP statuses or WebSocket frames."""

import re
from typing import Any

from council.core.refusals import refusal_message

PERMISSION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


class CouncilError(Exception):
    """Base of the errors a user can be told about; `code` goes into error frames.

    The message may be a lazy translation: it is rendered in the language active where
    it is read (the socket's person, the request's visitor), not where it was raised.
    """

    code = "error"
    #: a page where the person can remedy it (obtain a verification); sent in the error frame
    link = ""

    def __init__(self, message: Any = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self._message = message
        if code:
            self.code = code

    @property
    def message(self) -> str:
        return str(self._message)


class AccessDenied(CouncilError):
    """The object does not exist or the actor may not do this (never say which).

    Raised with a permission name (``AccessDenied("rooms.send_message")``) it tells that
    permission's sentence (council/core/refusals.py) and keeps the name in ``perm``.
    """

    code = "forbidden"

    def __init__(self, message: Any = "", *, code: str | None = None, perm: str | None = None) -> None:
        if perm is None and isinstance(message, str) and PERMISSION_NAME.match(message):
            perm, message = message, ""
        self.perm = perm
        super().__init__(message or refusal_message(perm), code=code)


class InvalidInput(CouncilError):
    """The command is well-formed but its content is not acceptable."""

    code = "invalid"
