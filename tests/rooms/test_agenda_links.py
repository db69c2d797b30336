"""The host's registry of agenda items and what modules attach to them (council/rooms/agenda_links.py),
on its own: without an owner there is no agenda, one owner only, and each way of telling a change
reaches the other side. (tests/voting/polls/test_agenda_links.py has the real modules at work.)
"""

import pytest
from django.core.exceptions import ImproperlyConfigured

from council.rooms import agenda_links
from council.rooms.agenda_links import AgendaItemRef
from council.rooms.agenda_links import Attachment


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(agenda_links, "_agenda", [])
    monkeypatch.setattr(agenda_links, "_attachables", {})


@pytest.mark.usefixtures("empty_registry")
def test_without_an_owner_a_room_has_no_agenda_and_every_item_is_unknown():
    assert agenda_links.items(7) == []
    assert agenda_links.item(7, 1) is None
    assert agenda_links.current(7) is None
    assert agenda_links.add_item(7, "Pétition") is None  # nowhere to add it
    agenda_links.attachments_changed(7)  # nobody to tell: nothing happens


@pytest.mark.usefixtures("empty_registry")
def test_a_module_appends_an_item_through_the_owner():
    added = []
    agenda_links.register_agenda(
        items=lambda room_id: [], changed=lambda room_id: None, add=lambda room_id, title: added.append((room_id, title)) or 11
    )

    assert agenda_links.add_item(7, "Pétition : un banc") == 11
    assert added == [(7, "Pétition : un banc")]


@pytest.mark.usefixtures("empty_registry")
def test_the_owner_and_the_attaching_modules_hear_each_other():
    announced, told = [], []
    items = [AgendaItemRef(id=3, title="Accueil", position=0, current=False),
             AgendaItemRef(id=5, title="Budget", position=1, current=True)]
    agenda_links.register_agenda(items=lambda room_id: items if room_id == 7 else [], changed=announced.append)
    agenda_links.register_attachments(
        "poll",
        attached=lambda room_id: {5: [Attachment(kind="poll", id=9, title="Un banc ?", status="open")]},
        strings=lambda: {"kind": "Poll", "statuses": {"open": "under way"}},
        agenda_changed=told.append,
    )

    assert (agenda_links.item(7, 5), agenda_links.item(7, 4), agenda_links.current(7)) == (items[1], None, items[1])
    assert agenda_links.attached(7) == {5: [Attachment(kind="poll", id=9, title="Un banc ?", status="open")]}
    assert agenda_links.attachment_strings() == {"poll": {"kind": "Poll", "statuses": {"open": "under way"}}}
    agenda_links.attachments_changed(7)
    agenda_links.agenda_changed(7)
    assert (announced, told) == ([7], [7])


@pytest.mark.usefixtures("empty_registry")
def test_a_second_owner_or_a_kind_registered_twice_is_a_mistake():
    agenda_links.register_agenda(items=lambda room_id: [], changed=lambda room_id: None)
    with pytest.raises(ImproperlyConfigured):
        agenda_links.register_agenda(items=lambda room_id: [], changed=lambda room_id: None)
    agenda_links.register_attachments("vote", attached=lambda room_id: {}, strings=dict)
    with pytest.raises(ImproperlyConfigured):
        agenda_links.register_attachments("vote", attached=lambda room_id: {}, strings=dict)
