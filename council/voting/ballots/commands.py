"""The commands of binding votes: casting, on a vote's own socket and on the room socket of its
meeting; and the officials' steps (open, close…) from the meeting."""

from typing import Any
from typing import Literal

from django.utils.translation import gettext as _
from pydantic import Field

from council.core.commands import Payload
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.voting.ballots import services
from council.voting.ballots.models import Vote

CAST = "ballots.cast"
STEP = "ballots.step"


class Cast(Payload):
    vote_id: int
    content: dict[str, Any]
    tracker: str | None = Field(None, max_length=64)
    for_grantors: list[int] = Field(default_factory=list, max_length=20)
    #: a proxy holder casts this grantor's own ballot (not the holder's)
    for_grantor: int | None = None


def cast(*, actor: Any, vote_id: int, content: dict[str, Any], tracker: str | None = None,
         for_grantors: list[int] | None = None, for_grantor: int | None = None,
         room_id: int | None = None) -> dict[str, Any]:
    """Cast from a socket; with `room_id`, only in a vote held in that meeting.

    The ack carries the receipt, and with `for_grantors` one receipt per grantor (`proxies`)
    and the grantors refused (`refused`, each with its reason). With `for_grantor`, the
    ballot is that grantor's alone: the ack carries its receipt and the grantor.
    """
    if for_grantor is not None:
        if for_grantors:
            raise InvalidInput(_("Cast for one grantor, or the same ballot for several, not both."))
        receipt = services.ballot_cast_for_grantor(
            actor=actor, vote_id=vote_id, grantor_id=for_grantor, content=content, tracker=tracker, room_id=room_id,
        )
        return {"tracker": receipt.tracker, "grantor": for_grantor}
    receipt = services.ballot_cast(
        actor=actor, vote_id=vote_id, content=content, tracker=tracker, for_grantors=for_grantors or None,
        room_id=room_id,
    )
    return receipt.ack()


class Step(Payload):
    vote_id: int
    step: Literal["freeze", "open", "close", "publish"]


def step(*, actor: Any, vote_id: int, step: str, room_id: int) -> None:
    """Freeze, open, close or publish a vote held in this meeting, as on the vote's page.

    The services check ballots.manage_vote, the quorum of a sitting and the order of the
    steps; everyone in the meeting hears the change (ballots.vote_changed).
    """
    if not Vote.objects.filter(pk=vote_id, room_id=room_id).exists():
        raise AccessDenied("ballots.manage_vote")
    services.VOTE_STEPS[step](actor=actor, vote_id=vote_id)


def register() -> None:
    """The room socket of a meeting accepts ballots.cast and ballots.step for the votes held in it."""
    from council.rooms.host import register_command
    from council.rooms.host import service_handler
    from council.voting.ballots import batch

    async def cast_in_meeting(socket: Any, command: Any) -> None:
        """A crowd's ballots are cast in batches (council/voting/ballots/batch.py), each acked with its receipt.

        A proxy holder's cast (the same ballot for several grantors, or one grantor's own) is cast alone.
        """
        arguments = command.data.arguments()
        if arguments.get("for_grantors") or arguments.get("for_grantor") is not None:
            await socket.call_service(command, cast, pooled=True, room_id=socket.plenary_id, **arguments)
            return
        sent = batch.CastSent(
            actor=socket.scope["user"], vote_id=arguments["vote_id"], content=arguments["content"],
            tracker=arguments.get("tracker"), room_id=socket.plenary_id, language=socket.language,
        )
        await socket.call_batched(command, batch.CASTS, sent)

    register_command(CAST, Cast, cast_in_meeting)
    register_command(STEP, Step, service_handler(step, room_id=lambda socket: socket.plenary_id))
