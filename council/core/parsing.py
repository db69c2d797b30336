"""Strict readers for uploaded text: what the standard library accepts but the rest cannot hold.

Python's json module reads NaN and Infinity (not JSON, and PostgreSQL's jsonb refuses them),
raises RecursionError on a deeply nested document, and keeps "\\u0000" and lone surrogates
("\\ud800") in strings, which PostgreSQL refuses with an error, not a message. Python 3.11's
csv module reads NUL bytes without complaint, so a CSV cell can carry one into a query
("A string literal cannot contain NUL (0x00) characters.", a ValueError from psycopg2).
"""

import json
from typing import Any

from django.utils.translation import gettext as _

from council.core.errors import InvalidInput

#: GeoJSON needs 6 levels (collection, features, feature, geometry, rings, positions);
#: anything much deeper is not data we read, and later code (shapely, json.dumps, templates) recurses.
MAX_JSON_DEPTH = 32


def _refuse_constant(name: str) -> None:
    raise InvalidInput(_("%(constant)s is not a number JSON allows.") % {"constant": name})


def json_loads_strict(text: str) -> Any:
    """Parse JSON, or raise InvalidInput saying why in one sentence.

    Refused beyond plain JSON errors: NaN and ±Infinity, nesting deeper than MAX_JSON_DEPTH,
    and strings holding NUL or a lone surrogate (neither can be stored in PostgreSQL).
    """
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as error:
        raise InvalidInput(_("it is nested too deeply.")) from error
    except ValueError as error:  # JSONDecodeError
        raise InvalidInput(str(error)) from error
    _check_tree(document)
    return document


def _check_tree(document: Any) -> None:
    """Walk level by level, without recursion: the depth, every string and every key."""
    level, depth = [document], 1
    while level:
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(_("it is nested too deeply."))
        below: list[Any] = []
        for value in level:
            if isinstance(value, list):
                below.extend(value)
            elif isinstance(value, dict):
                below.extend(value)  # the keys, checked as strings one level down
                below.extend(value.values())
            elif isinstance(value, str) and not storable_text(value):
                raise InvalidInput(_("it holds a NUL character or an invalid Unicode escape."))
        level, depth = below, depth + 1


def storable_text(text: str) -> bool:
    """Whether PostgreSQL can store `text`: no NUL character, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def first_nul_line(text: str) -> int | None:
    """The number (from 1) of the first line holding a NUL character, or None."""
    position = text.find("\x00")
    return None if position < 0 else text.count("\n", 0, position) + 1


def first_unstorable_line(text: str) -> int | None:
    """The number (from 1) of the first line PostgreSQL could not store (NUL, lone surrogate), or None."""
    if storable_text(text):
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if not storable_text(line):
            return number
    return None  # unreachable: some line holds what the whole text holds
