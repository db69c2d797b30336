"""Remember the answers of repeated permission lookups within one unit of work.

Composed rules ask the same questions many times (the person's role, their room
grants) while answering a handful of permissions; inside `remembered()` each is
read from the database once. Outside it nothing is remembered, so a long-lived
socket never acts on a stale answer.

When many people are handled at once (a workshop session moving its sockets), the facts
are read for all of them in one query each and `remember`ed under the keys the rules
`recall`: the rules stay the one place that says who may do what.
"""

import contextlib
from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("council_memo", default=None)


@contextlib.contextmanager
def remembered() -> Iterator[None]:
    token = _memo.set({} if _memo.get() is None else _memo.get())
    try:
        yield
    finally:
        _memo.reset(token)


def recall(key: Hashable, compute: Callable[[], T]) -> T:
    """Return `compute()`, computed once per key inside `remembered()`."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]  # stored by compute() or by remember() under the same key
    return value


def remember(key: Hashable, value: Any) -> None:
    """Store an answer read in bulk, for `recall` to return inside this `remembered()`."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value
