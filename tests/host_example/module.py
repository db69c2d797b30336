"""The example module: one command, one event, one snapshot section, one permission fact, one socket part.

A real module calls `register()` from its `AppConfig.ready()`; tests call it through the
`example_module` fixture, on copies of the registries.
"""

from council.core.commands import Payload
from council.core.facts import register_fact
from council.core.realtime import send_event_on_commit
from council.rooms import host
from council.rooms.events import room_group

#: how many times the fact's loader ran, and for how many people (tests read it)
loads: list[int] = []


class Cheer(Payload):
    text: str
    times: int = 1


def _likes(users, room_ids):
    """The fact's one definition: who likes which room (here: people with an even id)."""
    loads.append(len(users))
    return {(user.pk, room_id): True for user in users for room_id in room_ids if user.pk % 2 == 0}


class CheerPart(host.SocketPart):
    """What the module keeps on each socket: how many cheers it sent."""

    sent = 0

    async def cheer(self, command) -> None:
        room_id = self.socket.room_id
        self.sent += 1

        def cheer(*, actor, text, times=1):
            text = " ".join([text] * times)
            send_event_on_commit(room_group(room_id), "example.cheered", {"by": actor.pk, "cheer": text})
            return {"cheer": text, "likes": likes(actor, room_id), "sent": self.sent}

        await self.socket.call_service(command, cheer, **command.data.arguments())


def _section(user, room):
    return {"likes": likes(user, room)}


likes = None


def register() -> None:
    global likes
    likes = register_fact("example.likes", model="rooms.Room", many=_likes)
    host.register_socket_part("example", CheerPart)
    host.register_command("example.cheer", Cheer, host.part_method("example", "cheer"))
    host.register_event("example.cheered")  # relayed to the room it was sent to
    host.register_section("example", _section, perm="rooms.view_room")
