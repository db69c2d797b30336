"""The room page's panel registry: a meeting module adds a tab, a script and its strings."""

import json
import re

import pytest
from django.template import Template
from django.urls import reverse

from council.rooms import panels

pytestmark = pytest.mark.django_db


def _page(client, room, user_with_role, role="member"):
    client.force_login(user_with_role(role, room.council))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("room-detail", args=[room.council.slug, room.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _json_block(page: str, block_id: str):
    match = re.search(
        rf'<script id="{block_id}" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, f"no JSON block {block_id}"
    return json.loads(match.group(1))


def test_the_workshops_modules_are_tabs_in_order_after_the_rooms_own(client, room, user_with_role):
    page = _page(client, room, user_with_role)

    tabs = re.findall(r'role="tab" id="tab-([\w-]+)"', page)
    assert tabs == ["chat", "people", "agenda", "workshops", "notes", "assembly", "questions", "votes", "polls", "consultation-stage", "budget-results"]
    scripts = _json_block(page, "room-panels")
    assert [(s["name"], s["script"].rsplit("/", 2)[-2:]) for s in scripts] == [
        ("agenda", ["workshops", "agenda.js"]),
        ("workshops", ["workshops", "workshops.js"]),
        ("notes", ["workshops", "notes.js"]),
        ("assembly", ["assembly", "assembly.js"]),
        ("questions", ["voting", "questions.js"]),
        ("votes", ["ballots", "meeting.js"]),
        ("polls", ["voting", "polls.js"]),
        ("consultation-stage", ["consultation", "stage.js"]),
        ("budget-results", ["budgeting", "stage.js"]),
    ]


def test_each_panel_gets_its_own_strings_and_the_room_none_of_theirs(client, room, user_with_role):
    page = _page(client, room, user_with_role)

    room_strings = _json_block(page, "room-strings")
    workshop_strings = _json_block(page, "workshops-strings")
    assert not [key for key in room_strings if key.startswith("workshops_")]
    assert workshop_strings["workshops_people"] == {
        "one": "%(count)s person",
        "other": "%(count)s people",
    }
    assert _json_block(page, "agenda-strings")["start"] == "Start “%(title)s”"
    assert _json_block(page, "notes-strings")["proposal_label"] == "Proposal %(number)s"


def test_only_those_who_prepare_workshops_get_the_panel_data(client, room, user_with_role):
    assert 'id="workshops-data"' not in _page(client, room, user_with_role, "member")
    client.logout()

    page = _page(client, room, user_with_role, "facilitator")

    assert _json_block(page, "workshops-data")["groups"] == []


def test_a_module_registers_a_panel_with_a_tab_its_template_and_strings(
    client, room, user_with_role
):
    panels.register_panel(
        "example",
        Template('<section id="example"><p>An example panel</p></section>'),
        "rooms/room.js",
        lambda: {"hello": "Hello %(name)s"},
        label=lambda: "Example",
    )
    try:
        page = _page(client, room, user_with_role)
    finally:
        panels.unregister_panel("example")

    assert 'id="tab-example" aria-controls="panel-example"' in page
    assert 'role="tabpanel" id="panel-example"' in page
    assert "<p>An example panel</p>" in page
    assert _json_block(page, "example-strings") == {"hello": "Hello %(name)s"}


def test_a_name_registered_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        panels.register_panel("workshops", "x.html", "x.js", dict, label=lambda: "Other workshops")
