"""Bounds of what a client sends are the command schemas': told in words, naming the field.

The services take typed values and no longer check JSON types or ranges themselves, so each
bound below is refused by the socket before any service runs, and nothing changes.
"""

import pytest
from channels.db import database_sync_to_async

from council.workshops.models import AgendaItem
from council.workshops.models import Report
from council.workshops.models import Workshop
from council.workshops.models import WorkshopSession
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)

NEW = {"title": "Ateliers", "workshops": [{"name": "A"}]}
BOUNDS = [
    ("workshops.create_session", {**NEW, "title": "x" * 161}, "“title” is too long (at most 160 characters)."),
    ("workshops.create_session", {**NEW, "workshops": [{"name": "x" * 121}]}, "“workshops.0.name” is too long (at most 120 characters)."),
    ("workshops.create_session", {**NEW, "workshops": [{"name": "A", "topic": "x" * 2001}]}, "“workshops.0.topic” is too long (at most 2000 characters)."),
    ("workshops.create_session", {**NEW, "workshops": [{"name": "A", "capacity": -1}]}, "“workshops.0.capacity” must be at least 0."),
    ("workshops.create_session", {**NEW, "workshops": [{"name": "A", "capacity": 1001}]}, "“workshops.0.capacity” must be at most 1000."),
    ("workshops.create_session", {**NEW, "workshops": [{"name": f"A{i}"} for i in range(51)]}, "“workshops” has too many items (at most 50)."),
    ("workshops.create_session", {**NEW, "mode": "alphabetical"}, "“mode” is not one of the accepted values."),
    ("workshops.create_session", {**NEW, "duration_seconds": 30}, "“duration_seconds” must be at least 60."),
    ("workshops.create_session", {**NEW, "duration_seconds": 8 * 3600 + 1}, "“duration_seconds” must be at most 28800."),
    ("workshops.create_session", {**NEW, "grace_seconds": 601}, "“grace_seconds” must be at most 600."),
    ("workshops.create_session", {**NEW, "max_proposals": 0}, "“max_proposals” must be at least 1."),
    ("workshops.create_session", {**NEW, "strata": ["a", "b", "c", "d", "e", "f"]}, "“strata” has too many items (at most 5)."),
    ("workshops.create_session", {**NEW, "strata": ["zone", ""]}, "“strata.1” cannot be empty."),
    ("workshops.update_session", {"session_id": "SESSION", "max_proposals": 11}, "“max_proposals” must be at most 10."),
    ("workshops.update_session", {"session_id": "SESSION", "title": "Nouveau", "grace_seconds": -5}, "“grace_seconds” must be at least 0."),
    ("workshops.add_workshop", {"session_id": "SESSION", "name": "C", "capacity": 1001}, "“capacity” must be at most 1000."),
    ("workshops.update_workshop", {"workshop_id": "WORKSHOP", "name": "x" * 121}, "“name” is too long (at most 120 characters)."),
    ("workshops.draw", {"session_id": "SESSION", "mode": "alphabetical"}, "“mode” is not one of the accepted values."),
    ("workshops.draw", {"session_id": "SESSION", "seed": "x" * 65}, "“seed” is too long (at most 64 characters)."),
    ("workshops.close", {"session_id": "SESSION", "grace_seconds": -1}, "“grace_seconds” must be at least 0."),
    ("workshops.set_timer", {"session_id": "SESSION", "seconds_left": 8 * 3600 + 1}, "“seconds_left” must be at most 28800."),
    ("workshops.set_timer", {"session_id": "SESSION", "seconds_left": -5}, "“seconds_left” must be at least 0."),
    ("workshops.set_timer", {"session_id": "SESSION", "seconds_left": "300"}, "“seconds_left” must be a whole number in range."),
    ("workshops.assign", {"session_id": "SESSION", "user_id": None, "workshop_id": "WORKSHOP"}, "“user_id” must be a whole number in range."),
    ("workshops.assign", {"session_id": "SESSION", "user_id": 1, "workshop_id": True}, "“workshop_id” must be a whole number in range."),
    ("workshops.import_list", {"session_id": "SESSION", "csv_text": 42}, "“csv_text” must be text."),
    ("workshops.reopen", {"session_id": "SESSION", "shuffle": "no"}, "“shuffle” must be true or false."),
    ("workshops.duplicate", {"session_id": "SESSION", "keep_assignments": "false"}, "“keep_assignments” must be true or false."),
    ("workshops.save_report", {"workshop_id": "WORKSHOP", "summary": "s" * 2001}, "“summary” is too long (at most 2000 characters)."),
    ("workshops.save_report", {"workshop_id": "WORKSHOP", "proposals": ["court", "p" * 301]}, "“proposals.1” is too long (at most 300 characters)."),
    ("workshops.save_report", {"workshop_id": "WORKSHOP", "proposals": "une seule chaîne"}, "“proposals” must be a list of the right length."),
    ("workshops.notes_update", {"update": ""}, "“update” cannot be empty."),
    ("workshops.agenda_add", {"title": "x" * 201}, "“title” is too long (at most 200 characters)."),
    ("workshops.agenda_add", {"title": "Budget", "planned_minutes": 0}, "“planned_minutes” must be at least 1."),
    ("workshops.agenda_add", {"title": "Budget", "planned_minutes": 601}, "“planned_minutes” must be at most 600."),
    ("workshops.agenda_add", {"title": "Budget", "planned_minutes": True}, "“planned_minutes” must be a whole number in range."),
    ("workshops.agenda_update", {"item_id": "ITEM", "planned_minutes": 0}, "“planned_minutes” must be at least 1."),
]


@database_sync_to_async
def _state(room):
    return (
        list(WorkshopSession.objects.values_list("title", "mode", "max_proposals", "status")),
        list(Workshop.objects.order_by("pk").values_list("name", "capacity")),
        list(AgendaItem.objects.values_list("title", "planned_minutes")),
        Report.objects.count(),
    )


async def test_each_bound_is_refused_in_words_before_any_service_runs(room, user_with_role, make_session, settings):
    settings.ROOM_RATE_LIMIT = "100/10"
    facilitator = await database_sync_to_async(user_with_role)("facilitator", room.council, preferred_language="en")
    session = await database_sync_to_async(make_session)(1)
    workshop = await database_sync_to_async(lambda: session.workshops.get())()
    item = await database_sync_to_async(AgendaItem.objects.create)(room=room, title="Ouverture", planned_minutes=5)
    values = {"SESSION": session.pk, "WORKSHOP": workshop.pk, "ITEM": item.pk}
    before = await _state(room)
    socket, _ = await connect(room_path(room.pk), user=facilitator)

    answers = []
    for index, (type_, payload, _message) in enumerate(BOUNDS):
        payload = {key: values.get(value, value) if isinstance(value, str) else value for key, value in payload.items()}
        await socket.send_json_to(command(type_, f"b{index}", **payload))
        answers.append((await answer_to(socket, f"b{index}"))["payload"])

    assert answers == [{"code": "invalid", "message": message} for _type, _payload, message in BOUNDS]
    assert await _state(room) == before
    await socket.disconnect()


async def test_a_bound_is_told_in_french(room, user_with_role):
    person = await database_sync_to_async(user_with_role)("facilitator", room.council, preferred_language="fr")
    socket, _ = await connect(room_path(room.pk), user=person)

    await socket.send_json_to(command("workshops.agenda_add", "a1", title="Budget", planned_minutes=601))

    assert (await answer_to(socket, "a1"))["payload"]["message"] == "«\u00a0planned_minutes\u00a0» doit valoir au plus 600."
    await socket.disconnect()
