"""Live tallies, coalesced: after each committed answer, at most one broadcast per interval.

`results_changed_soon(poll_id)` asks council.core.coalesce for one send per
POLL_RESULTS_COALESCE_SECONDS across every server process; the send reads the tally from
the database when it runs, so the last one carries every answer committed before it. The
audience is the rule's: everyone in the meeting while results are live, only its
facilitators while they are hidden. With a 1 s interval a room costs one tally per second
times the sockets of each process (under 1,500 for rooms of that size per process).
"""

from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from council.core.coalesce import coalesce
from council.core.coalesce import interval_for
from council.core.realtime import group_message
from council.core.realtime import group_send
from council.rooms.events import facilitators_group
from council.rooms.events import meeting_group
from council.rooms.presence import local_sockets
from council.voting.polls import events
from council.voting.polls.models import Poll
from council.voting.polls.selectors import tally


async def results_changed_soon(poll_id: int, room_id: int) -> None:
    """Call from the event loop once an answer to `poll_id` (a poll of the meeting `room_id`) is committed.

    In a crowd the interval grows with the sockets this process holds in the room (interval_for).
    """

    async def send() -> None:
        found = await database_sync_to_async(_results_message)(poll_id)
        if found is not None:
            await group_send(*found)

    seconds = interval_for(local_sockets(room_id), settings.POLL_RESULTS_COALESCE_SECONDS)
    await coalesce(f"polls.results.{poll_id}", send, seconds=seconds)


def _results_message(poll_id: int) -> tuple[str, dict[str, Any]] | None:
    """(audience group, message) of the tally as it stands; None once closed (closing told everyone)."""
    poll = Poll.objects.filter(pk=poll_id, status=Poll.Status.OPEN).first()
    if poll is None:
        return None
    live = poll.visibility == Poll.Visibility.LIVE
    group = meeting_group(poll.room_id) if live else facilitators_group(poll.room_id)
    return group, group_message(events.RESULTS_CHANGED, tally(poll))
