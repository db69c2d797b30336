"""A fact is defined once (its bulk loader); rules read it singly, waves in bulk, under keys built by the registry."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from council.core import facts
from council.core.memo import remembered


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(facts, "_facts", {})
    return facts


def _person(pk):
    return SimpleNamespace(pk=pk, is_authenticated=True)


def test_one_loader_answers_the_single_read_and_the_bulk_read_alike(registry):
    calls = []
    rows = {(1, 10): 3, (2, 11): 4}

    def many(users, ids):
        calls.append(([user.pk for user in users], list(ids)))
        return {(u.pk, i): rows[(u.pk, i)] for u in users for i in ids if (u.pk, i) in rows}

    seat = registry.register_fact("test.seat", model="test.Table", many=many, default=None)
    # another fact about the same ids: its answers are kept apart by its name
    registry.register_fact("test.other", model="test.Table", many=lambda users, ids: {(1, 10): "x"}, default="-")
    alice, bruno = _person(1), _person(2)

    with remembered():
        single = [seat(alice, 10), seat(alice, 10), seat(bruno, 10)]
    assert single == [3, 3, None]
    assert calls == [([1], [10]), ([2], [10])]  # once per pair within a unit of work

    calls.clear()
    with remembered():
        registry.remember_facts([alice, bruno], "test.Table", [11, 10, 10])
        bulk = [seat(alice, 10), seat(alice, 11), seat(bruno, 10), seat(bruno, 11)]
        other = registry.facts_about("test.Table")[1]
        assert [other(alice, 10), other(bruno, 11)] == ["x", "-"]
    assert bulk == [3, None, None, 4]
    assert calls == [([1, 2], [10, 11])]  # one bulk read for everyone, nothing asked again


def test_a_fact_is_registered_once(registry):
    registry.register_fact("test.seat", model="test.Table", many=lambda users, ids: {})
    with pytest.raises(ImproperlyConfigured):
        registry.register_fact("test.seat", model="test.Table", many=lambda users, ids: {})


def test_the_room_and_workshop_rules_read_their_facts_through_the_registry():
    names = {fact.name for fact in facts.facts_about("rooms.Room")}
    assert names == {"rooms.removed", "rooms.muted", "rooms.floor", "rooms.facilitates"}
    names = {fact.name for fact in facts.facts_about("workshops.WorkshopSession")}
    assert names == {"workshops.assigned", "workshops.cofacilitates"}
