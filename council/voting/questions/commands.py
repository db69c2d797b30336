"""The commands the Q&A adds to the room socket: one typed payload each (council/core/commands.py).

Every command acts on the meeting's plenary, wherever in the meeting the socket is. Upvotes
are answered at once with the exact count for the person who voted; everyone else hears the
counts coalesced (`questions.votes_changed`, at most one per QUESTIONS_VOTES_COALESCE_SECONDS
for the whole instance), read when sent, so a burst of votes ends on the exact counts.
"""

from collections.abc import Callable
from typing import Annotated
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from pydantic import Field

from council.core.coalesce import coalesce
from council.core.coalesce import interval_for
from council.core.commands import NoPayload
from council.core.commands import Payload
from council.core.realtime import group_message
from council.core.realtime import group_send
from council.rooms.events import meeting_group
from council.rooms.host import register_command
from council.rooms.host import service_handler
from council.rooms.presence import local_sockets
from council.voting.questions import events
from council.voting.questions import selectors
from council.voting.questions import services
from council.voting.questions.models import MAX_REASON_CHARS
from council.voting.questions.models import MAX_TEXT_CHARS


class Ask(Payload):
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS + 100)]  # spaces around are trimmed; the service counts
    anonymous: bool = False


class QuestionRef(Payload):
    question_id: int


class Hide(Payload):
    question_id: int
    reason: Annotated[str, Field(max_length=MAX_REASON_CHARS)]


class Shortlist(Payload):
    question_id: int
    shortlisted: bool = True


class MarkAnswered(Payload):
    question_id: int
    answered: bool = True


class Merge(Payload):
    question_id: int
    into_id: int


class Configure(Payload):
    open: bool | None = None
    moderated: bool | None = None
    anonymous_allowed: bool | None = None


def _plenary(socket: Any) -> int:
    return int(socket.plenary_id)


def coalesce_seconds() -> float:
    return float(getattr(settings, "QUESTIONS_VOTES_COALESCE_SECONDS", 1.0))


async def votes_changed_later(room_id: int) -> None:
    """Have the meeting hear its vote counts soon, once for a whole burst, exact when sent."""

    async def send() -> None:
        payload = await database_sync_to_async(selectors.votes_payload)(room_id)
        await group_send(meeting_group(room_id), group_message(events.VOTES_CHANGED, payload))

    await coalesce(events.votes_key(room_id), send, seconds=interval_for(local_sockets(room_id), coalesce_seconds()))


def _voting(service: Any) -> Any:
    async def handle(socket: Any, command: Any) -> None:
        result = await socket.call_service(command, service, room_id=socket.plenary_id, **command.data.arguments())
        if result is not None:  # committed: now the counts may be told
            await votes_changed_later(result["room_id"])

    return handle


async def _ask(socket: Any, command: Any) -> None:
    await socket.call_service(
        command,
        services.question_ask,
        room_id=socket.plenary_id,
        request_id=command.request_id,
        **command.data.arguments(),
    )


SERVICES: dict[str, tuple[type[Payload], Callable[..., Any]]] = {
    "questions.withdraw": (QuestionRef, services.question_withdraw),
    "questions.approve": (QuestionRef, services.question_approve),
    "questions.hide": (Hide, services.question_hide),
    "questions.shortlist": (Shortlist, services.question_shortlist),
    "questions.merge": (Merge, services.question_merge),
    "questions.mark_answered": (MarkAnswered, services.question_mark_answered),
    "questions.show": (QuestionRef, services.question_show),
    "questions.unshow": (NoPayload, services.question_unshow),
    "questions.configure": (Configure, services.qa_configure),
}


def register() -> None:
    register_command("questions.ask", Ask, _ask)
    register_command("questions.upvote", QuestionRef, _voting(services.question_upvote))
    register_command("questions.unvote", QuestionRef, _voting(services.question_unvote))
    for type_, (schema, service) in SERVICES.items():
        register_command(type_, schema, service_handler(service, room_id=_plenary))
