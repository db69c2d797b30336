"""The socket of a vote's own page: the vote's public state on connect, participation live, casting.

Before closing, a secret vote's followers hear only the participation count and the box's
head hash; never a ballot, never who voted (tests/voting/ballots/test_socket.py).
"""

from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from council.core import deadlines
from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CLOSE_UNAUTHENTICATED
from council.core.consumers import Command
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.voting.ballots import events
from council.voting.ballots.commands import CAST
from council.voting.ballots.commands import Cast
from council.voting.ballots.commands import cast
from council.voting.ballots.permissions import access_vote
from council.voting.ballots.selectors import participation_count


def vote_state(*, user: Any, vote_id: int, council_slug: str) -> dict[str, Any]:
    """The vote's public state if `user` may follow it in this council; AccessDenied otherwise."""
    vote = access_vote(user, vote_id)
    if vote.council.slug != council_slug:
        raise AccessDenied("ballots.view_vote")
    return events.vote_payload(vote, participation_count(vote))


class VoteConsumer(CouncilConsumer):
    """/ws/c/<council_slug>/votes/<vote_id>/: follow one vote and cast in it."""

    def command_handler(self, type_: str) -> tuple[type[Cast], Callable[[Command], Awaitable[None]]] | None:
        return (Cast, self.cast) if type_ == CAST else None

    async def connect(self) -> None:
        self.vote_id = int(self.scope["url_route"]["kwargs"]["vote_id"])
        council_slug = self.scope["url_route"]["kwargs"]["council_slug"]
        user = self.scope["user"]
        await self.accept()  # first, so the browser can read why it was refused
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.join(events.vote_group(self.vote_id))  # subscribe before the snapshot
        try:
            state = await self.run_sync(vote_state, user=user, vote_id=self.vote_id, council_slug=council_slug)
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_event(events.VOTE_SYNCED, state)
        deadlines.sweep_start()  # where this process applies the deadlines (embedded default)

    async def cast(self, command: Command) -> None:
        if command.data.vote_id != self.vote_id:
            await self.send_error(command.request_id, "forbidden", _("This socket follows another vote."))
            return
        await self.call_service(command, cast, pooled=True, **command.data.arguments())

    async def ballots_participation_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def ballots_vote_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)
