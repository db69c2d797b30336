"""Facts the permission rules ask about a person and an object, each defined once.

A fact (is this person removed from this room? assigned to which workshop of this session?)
is one bulk loader: `many(users, object_ids)` answers for many people and objects at once.
A rule asks `fact(user, obj)`, read once per unit of work (council/core/memo.py); a wave of
moves calls `remember_facts(users, model, ids)`, which loads every fact about that model in
one query each, and the rules then recall those answers. The memo key is built here from
the fact's name: no module writes one by hand, so a fact added is never missed by a wave.
"""

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from typing import Generic
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

from council.core.memo import known
from council.core.memo import recall
from council.core.memo import remember

V = TypeVar("V")

#: (users, object ids) -> {(user id, object id): answer}; pairs left out get the fact's default
Loader = Callable[[list[Any], list[int]], dict[tuple[int, int], Any]]


@dataclass(frozen=True)
class Fact(Generic[V]):
    name: str
    model: str  # "app_label.Model" of the objects the fact is about
    many: Loader
    default: V

    def key(self, user_id: int, object_id: int) -> tuple[str, str, int, int]:
        return ("fact", self.name, user_id, object_id)

    def __call__(self, user: Any, obj: Any) -> V:
        """The answer for one person and one object (a model instance or its id)."""
        object_id: int = getattr(obj, "pk", obj)

        def read() -> V:
            answer: V = self.many([user], [object_id]).get((user.pk, object_id), self.default)
            return answer

        return recall(self.key(user.pk, object_id), read)

    def remember(self, users: list[Any], object_ids: list[int]) -> None:
        """Read the answers for every pair of `users` and `object_ids` at once."""
        if not users or not object_ids:
            return
        if all(known(self.key(user.pk, object_id)) for user in users for object_id in object_ids):
            return  # read with a sibling fact in the same query (rooms' rows)
        found = self.many(users, object_ids)
        for user in users:
            for object_id in object_ids:
                remember(self.key(user.pk, object_id), found.get((user.pk, object_id), self.default))


_facts: dict[str, Fact[Any]] = {}


def register_fact(name: str, *, model: str, many: Loader, default: Any = False) -> Fact[Any]:
    """Declare a fact about people and objects of `model`; returns it for the rules to ask."""
    if name in _facts:
        raise ImproperlyConfigured(f"Fact {name!r} is registered twice.")
    _facts[name] = fact = Fact(name=name, model=model, many=many, default=default)
    return fact


def facts_about(model: str) -> list[Fact[Any]]:
    return [fact for fact in _facts.values() if fact.model == model]


def remember_facts(users: Iterable[Any], model: str, object_ids: Iterable[int]) -> None:
    """Read every registered fact about these people and these objects, one query per fact."""
    users, object_ids = [user for user in users if user.is_authenticated], sorted(set(object_ids))
    for fact in facts_about(model):
        fact.remember(users, object_ids)
