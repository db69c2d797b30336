"""Commands whose ack carries something, sent over a real meeting socket.

Services are tested directly elsewhere; here the acks go out through the consumer, so
tests/protocol.py checks each one against its ack schema in docs/asyncapi.yaml.
"""

import pytest
from channels.db import database_sync_to_async

from council.workshops.models import Workshop
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


async def ask(communicator, type_, request_id, **payload):
    await communicator.send_json_to(command(type_, request_id, **payload))
    answer = await answer_to(communicator, request_id)
    assert answer["type"] == "ack", answer
    return answer["payload"]


async def test_facilitator_commands_are_answered_as_documented(room, user_with_role):
    make = database_sync_to_async(user_with_role)
    facilitator = await make("facilitator", room.council, display_name="Fatou")
    member = await make("member", room.council, display_name="Mo", email="mo@example.org")
    boss, _ = await connect(room_path(room.pk), user=facilitator)
    present, _ = await connect(room_path(room.pk), user=member)

    created = await ask(boss, "workshops.create_session", "c1", title="Ateliers", workshops=[{"name": "A"}])
    session_id = created["session_id"]
    added = await ask(boss, "workshops.add_workshop", "c2", session_id=session_id, name="B")
    assert await ask(boss, "workshops.update_workshop", "c3", workshop_id=added["workshop_id"], group_ids=[]) == {}
    drawn = await ask(boss, "workshops.draw", "c4", session_id=session_id, mode="random", seed="graine")
    imported = await ask(boss, "workshops.import_list", "c5", session_id=session_id, csv_text="mo@example.org,B\n")
    duplicated = await ask(boss, "workshops.duplicate", "c6", session_id=session_id)
    log = await ask(boss, "workshops.log", "c7", session_id=session_id)
    item = await ask(boss, "workshops.agenda_add", "c8", title="Accueil", planned_minutes=5)
    started = await ask(boss, "workshops.agenda_start", "c9", item_id=item["item_id"])
    next_item = await ask(boss, "workshops.agenda_next", "c10")

    workshops = await _workshops(session_id)
    assert set(created) == {"session_id"}
    assert added == {"workshop_id": workshops["B"]}
    assert drawn == {"assigned": 1, "unplaced": [], "seed": "graine"}
    assert imported == {"assigned": 1, "errors": []}
    assert set(duplicated) == {"session_id"}
    assert set(await _workshops(duplicated["session_id"])) == {"A", "B"}
    assert {entry["kind"] for entry in log["entries"]} == {"assigned"}
    assert log["entries"][-1]["user"] == {"id": member.pk, "name": "Mo"}
    assert log["whereabouts"] == {str(workshops["A"]): [], str(workshops["B"]): []}
    assert started == {"current_id": item["item_id"]}
    assert next_item == {"current_id": None}
    await boss.disconnect()
    await present.disconnect()


@database_sync_to_async
def _workshops(session_id):
    """The session's workshops: name -> id."""
    return dict(Workshop.objects.filter(session_id=session_id).values_list("name", "pk"))
