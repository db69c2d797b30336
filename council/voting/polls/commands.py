"""The commands live polls add to the room socket: one typed payload each.

They act on the meeting's plenary room, wherever the socket is (a workshop's room too).
"""

from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import Field

from council.core.commands import Payload
from council.core.consumers import Command
from council.rooms.host import register_command
from council.rooms.host import service_handler
from council.verifications.schemas import RequirementPayload
from council.voting.polls import batch
from council.voting.polls import live
from council.voting.polls import services
from council.voting.polls.schemas import MAX_OPTIONS
from council.voting.polls.schemas import AnswerValue

Kind = Literal["single", "multiple", "yes_no", "scale", "ranking"]  # Poll.Kind (a test keeps them equal)
Visibility = Literal["live", "hidden"]  # Poll.Visibility
Label = Annotated[str, Field(max_length=services.MAX_LABEL_CHARS)]
Choices = Annotated[int, Field(ge=1, le=MAX_OPTIONS)]
ScaleEnd = Annotated[int, Field(ge=-10, le=10)]


class PollFields(Payload):
    question: str = Field("", max_length=services.MAX_QUESTION_CHARS)
    kind: Kind = "single"
    options: list[Annotated[str, Field(max_length=services.MAX_OPTION_CHARS)]] = Field(
        default_factory=list, max_length=MAX_OPTIONS
    )
    min_choices: Choices = 1
    max_choices: Choices = 1
    scale_min: ScaleEnd = 1
    scale_max: ScaleEnd = 5
    scale_min_label: Label = ""
    scale_max_label: Label = ""
    visibility: Visibility = "live"
    allow_anonymous: bool = False
    label: Label = ""
    agenda_item: int | None = None  # an item of the meeting's agenda (council/rooms/agenda_links.py)
    verification_requirement: RequirementPayload | None = None  # council/verifications; None: unchanged


class CreatePoll(PollFields):
    question: str = Field(max_length=services.MAX_QUESTION_CHARS)


class UpdatePoll(PollFields):
    poll_id: int
    position: int = Field(0, ge=0, le=100_000)


class PollRef(Payload):
    poll_id: int


class ShowResults(Payload):
    poll_id: int
    shown: bool = True


class AnswerPoll(Payload):
    poll_id: int
    answer: AnswerValue


def _plenary(socket: Any) -> int:
    return int(socket.plenary_id)


async def _create(socket: Any, command: Command) -> None:
    await socket.call_service(
        command, services.poll_create, room_id=socket.plenary_id, request_id=command.request_id,
        **command.data.arguments(),
    )


async def _answer(socket: Any, command: Command) -> None:
    """Commit the answer with the others arriving together (ack), then have the tally broadcast, coalesced."""
    sent = batch.AnswerSent(
        actor=socket.scope["user"], room_id=socket.plenary_id, poll_id=command.data.poll_id,
        answer=command.data.answer, request_id=command.request_id or "", language=socket.language,
    )
    result = await socket.call_batched(command, batch.ANSWERS, sent)
    if result is not None and not result["duplicate"]:
        await live.results_changed_soon(result["poll_id"], socket.plenary_id)


def register() -> None:
    register_command("polls.create", CreatePoll, _create)
    register_command("polls.update", UpdatePoll, service_handler(services.poll_update, room_id=_plenary))
    register_command("polls.delete", PollRef, service_handler(services.poll_delete, room_id=_plenary))
    register_command("polls.open", PollRef, service_handler(services.poll_open, room_id=_plenary))
    register_command("polls.close", PollRef, service_handler(services.poll_close, room_id=_plenary))
    register_command("polls.show_results", ShowResults, service_handler(services.results_show, room_id=_plenary))
    register_command("polls.answer", AnswerPoll, _answer)
