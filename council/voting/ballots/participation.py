"""Participation announced to a vote's followers at most once per VOTE_PARTICIPATION_COALESCE_SECONDS.

A burst of a thousand casts sends one update per interval, whichever process claims it, carrying the count
as committed when it leaves: never one event per ballot (which would also tell followers
when each person voted).
"""

from django.conf import settings

from council.core.coalesce import coalesce_sync
from council.core.coalesce import interval_for
from council.core.realtime import _broadcast
from council.core.realtime import group_message
from council.rooms.presence import local_sockets
from council.voting.ballots import events


def announce_soon(vote_id: int, room_id: int | None = None) -> bool:
    """Have the vote's participation sent within the interval, once for every cast until then.

    Call after the cast's commit. With an interval of 0 (tests) it is sent at once. True when
    this call scheduled the update (the first cast of the interval, across every process:
    council.core.coalesce claims it in Redis), False when one is due anyway. With the
    meeting's `room_id`, the interval grows with the sockets this process holds there.
    """
    base = settings.VOTE_PARTICIPATION_COALESCE_SECONDS
    seconds = interval_for(local_sockets(room_id), base) if room_id and base > 0 else base
    return coalesce_sync(f"ballots.participation.{vote_id}", lambda: _send(vote_id), seconds=seconds)


def _send(vote_id: int) -> None:
    from council.voting.ballots.models import Vote
    from council.voting.ballots.selectors import participation_count

    vote = Vote.objects.filter(pk=vote_id).first()
    if vote is not None:
        payload = events.participation_payload(vote, participation_count(vote))
        message = group_message(events.PARTICIPATION_CHANGED, payload)
        for group in events.vote_groups(vote):
            _broadcast(group, message)
