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
from collections.abc import Collection
from collections.abc import Hashable
from collections.abc import Iterable
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


def known(key: Hashable) -> bool:
    """Whether an answer is remembered under `key` in this `remembered()` (False outside one)."""
    memo = _memo.get()
    return memo is not None and key in memo


def forget_all() -> None:
    """Drop every answer of this `remembered()`: what they were read from was just written to."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def forget(kinds: Collection[str]) -> None:
    """Drop the answers whose key starts with one of `kinds`: what they were read from was just written to."""
    memo = _memo.get()
    if memo is not None:
        for key in [key for key in memo if isinstance(key, tuple) and key and key[0] in kinds]:
            del memo[key]


def remember(key: Hashable, value: Any) -> None:
    """Store an answer read in bulk, for `recall` to return inside this `remembered()`."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


K = TypeVar("K", bound=Hashable)


def recall_each(items: Iterable[K], key: Callable[[K], Hashable], read: Callable[[list[K]], dict[K, T]]) -> dict[K, T | None]:
    """`recall` for many items at once: those not yet remembered are read in one `read(missing)`.

    An item `read` leaves out is remembered as None (a person without a role), so a later
    `recall` under the same key does not ask again. Outside `remembered()`, every item is read.
    """
    items = list(dict.fromkeys(items))
    memo = _memo.get()
    if memo is None:
        found = read(items)
        return {item: found.get(item) for item in items}
    missing = [item for item in items if key(item) not in memo]
    if missing:
        found = read(missing)
        for item in missing:
            memo[key(item)] = found.get(item)
    return {item: memo[key(item)] for item in items}
