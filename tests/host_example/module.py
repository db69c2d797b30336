"""The example module: one command, one snapshot section, one permission fact.

A real module calls `register()` from its `AppConfig.ready()`; tests call it through the
`example_module` fixture, on copies of the registries.
"""

from council.core.commands import Payload
from council.core.facts import register_fact
from council.rooms import host

#: how many times the fact's loader ran, and for how many people (tests read it)
loads: list[int] = []


class Cheer(Payload):
    text: str
    times: int = 1


def _likes(users, room_ids):
    """The fact's one definition: who likes which room (here: people with an even id)."""
    loads.append(len(users))
    return {(user.pk, room_id): True for user in users for room_id in room_ids if user.pk % 2 == 0}


async def _cheer(socket, command) -> None:
    def cheer(*, actor, text, times=1):
        return {"cheer": " ".join([text] * times), "likes": likes(actor, socket.room_id)}

    await socket.call_service(command, cheer, **command.data.arguments())


def _section(user, room):
    return {"likes": likes(user, room)}


likes = None


def register() -> None:
    global likes
    likes = register_fact("example.likes", model="rooms.Room", many=_likes)
    host.register_command("example.cheer", Cheer, _cheer)
    host.register_section("example", _section, perm="rooms.view_room")
