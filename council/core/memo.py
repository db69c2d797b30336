"""Remember the answers of repeated permission lookups within one unit of work.

Composed rules ask the same questions many times (the person's role, their room
grants) while answering a handful of permissions; inside `remembered()` each is
read from the database once. Outside it nothing is remembered, so a long-lived
socket never acts on a stale answer.

When many people are handled at once (a workshop session moving its sockets), the facts
are read for all of them in one query each and `remember`ed under the keys the rules
`recall`: the rules stay the one place that says who may do what.

An arrival wave's unit of work also reads and keeps the answers the process keeps across
waves (`remembered(shared=...)`, council/core/process_cache.py).
"""

import contextlib
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Hashable
from collections.abc import Iterable
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from typing import Protocol
from typing import TypeVar

T = TypeVar("T")


class Shared(Protocol):
    """Answers kept beyond one unit of work (council/core/process_cache.py)."""

    def get(self, key: Hashable) -> tuple[bool, Any]: ...

    def put(self, key: Hashable, value: Any) -> None: ...


class _Memo(dict[Hashable, Any]):
    #: what this unit of work also reads from and keeps in; None once it wrote (forget_all)
    shared: Shared | None = None
    #: kinds this unit of work wrote to: never read from `shared` again
    written: frozenset[str] = frozenset()


_memo: ContextVar[_Memo | None] = ContextVar("council_memo", default=None)


@contextlib.contextmanager
def remembered(*, shared: Shared | None = None) -> Iterator[None]:
    memo = _memo.get()
    if memo is None:
        memo = _Memo()
        memo.shared = shared
    token = _memo.set(memo)
    try:
        yield
    finally:
        _memo.reset(token)


def share_with(shared: Shared | None) -> None:
    """Have this unit of work also read from and keep in `shared` (an arrival wave, once it knows it)."""
    memo = _memo.get()
    if memo is not None:
        memo.shared = shared


def shared() -> Shared | None:
    """What this unit of work also reads from and keeps in (None outside one, or once it wrote)."""
    memo = _memo.get()
    return None if memo is None else memo.shared


def _from_shared(memo: _Memo, key: Hashable) -> bool:
    """Copy the answer kept beyond this unit of work into it; whether there was one."""
    if memo.shared is None or (isinstance(key, tuple) and key and key[0] in memo.written):
        return False
    found, value = memo.shared.get(key)
    if found:
        memo[key] = value
    return found


def _keep(memo: _Memo, key: Hashable, value: Any) -> None:
    memo[key] = value
    if memo.shared is not None and not (isinstance(key, tuple) and key and key[0] in memo.written):
        memo.shared.put(key, value)


def recall(key: Hashable, compute: Callable[[], T]) -> T:
    """Return `compute()`, computed once per key inside `remembered()`."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo and not _from_shared(memo, key):
        _keep(memo, key, compute())
    value: T = memo[key]  # stored by compute() or by remember() under the same key
    return value


def known(key: Hashable) -> bool:
    """Whether an answer is remembered under `key` in this `remembered()` (False outside one)."""
    memo = _memo.get()
    return memo is not None and (key in memo or _from_shared(memo, key))


def forget_all() -> None:
    """Drop every answer of this `remembered()`: what they were read from was just written to.

    What is kept beyond it is no longer read nor written by this unit of work either.
    """
    memo = _memo.get()
    if memo is not None:
        memo.clear()
        memo.shared = None


def forget(kinds: Collection[str]) -> None:
    """Drop the answers whose key starts with one of `kinds`: what they were read from was just written to."""
    memo = _memo.get()
    if memo is not None:
        memo.written = memo.written | frozenset(kinds)
        for key in [key for key in memo if isinstance(key, tuple) and key and key[0] in kinds]:
            del memo[key]


def remember(key: Hashable, value: Any) -> None:
    """Store an answer read in bulk, for `recall` to return inside this `remembered()`."""
    memo = _memo.get()
    if memo is not None:
        _keep(memo, key, value)


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
    missing = [item for item in items if key(item) not in memo and not _from_shared(memo, key(item))]
    if missing:
        found = read(missing)
        for item in missing:
            _keep(memo, key(item), found.get(item))
    return {item: memo[key(item)] for item in items}
