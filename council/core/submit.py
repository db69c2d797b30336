"""One way for a page to run a service on a submitted form."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput


@dataclass(frozen=True)
class Outcome:
    done: bool
    result: Any = None
    #: why the service refused (also put on the form, when there is one)
    error: str | None = None


def submit(
    call: Callable[[], Any],
    *,
    form: forms.Form | None = None,
    field: str | None = None,
    refused: type[Exception] = PermissionDenied,
) -> Outcome:
    """Run `call`: its result, or its refusal kept for the page (on `form`'s `field`) so nothing typed is lost.

    A refused permission raises `refused`: PermissionDenied (403) where the page itself says
    the object exists, Http404 where a refusal must not tell (access_* answers alike for both).
    """
    try:
        return Outcome(done=True, result=call())
    except InvalidInput as error:
        if form is not None:
            form.add_error(field, error.message)
        return Outcome(done=False, error=error.message)
    except AccessDenied as error:
        raise refused from error
