"""The ballot box behind an interface, so that another one (Belenios, end-to-end verifiable) can plug in.

`ShuffledChainBox` keeps cast ballots in `PendingBallot` and moves them into the
append-only, hash-chained `BoxEntry` table in shuffled batches: the order of the box says
nothing of the order of casting, and every batch holds at least VOTE_BATCH_MIN ballots
drawn at random from those pending, so a ballot cannot be placed closer than among them.
"""

import base64
import re
import secrets
from typing import Any
from typing import NamedTuple
from typing import Protocol

from django.conf import settings

from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import PendingBallot
from council.voting.ballots.models import Vote
from council.voting.tally.chain import genesis
from council.voting.tally.chain import link

FORMAT = "council-ballot-box/1"
#: 128 random bits in RFC 4648 base32 without padding: 26 characters, no 0/1/8/9
TRACKER = re.compile(r"^[A-Z2-7]{26}$")


def tracker_new() -> str:
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


class Cast(NamedTuple):
    """A ballot as cast: its receipt, its content, and the voter's name in a named vote only."""

    tracker: str
    content: dict[str, Any]
    voter_name: str = ""


class BallotBox(Protocol):
    def cast(self, vote: Vote, *, tracker: str, content: dict[str, Any], voter_name: str = "") -> None: ...

    def cast_many(self, vote: Vote, ballots: list["Cast"]) -> None: ...

    def holds(self, vote: Vote, *, tracker: str) -> dict[str, Any] | None: ...

    def trackers_taken(self, vote: Vote, trackers: list[str]) -> set[str]: ...

    def flush(self, vote: Vote, *, everything: bool = False) -> int: ...

    def ballots(self, vote: Vote) -> list[dict[str, Any]]: ...


class ShuffledChainBox:
    """Pending ballots, then shuffled batches appended to a hash chain (council-ballot-box/1)."""

    def cast(self, vote: Vote, *, tracker: str, content: dict[str, Any], voter_name: str = "") -> None:
        """Hold the ballot until its batch; call in the transaction that records the participation."""
        PendingBallot.objects.create(vote=vote, tracker=tracker, content=content, voter_name=voter_name)

    def cast_many(self, vote: Vote, ballots: list[Cast]) -> None:
        """`cast` for the ballots of a batch of casts, in one statement and in a random order."""
        ballots = list(ballots)
        secrets.SystemRandom().shuffle(ballots)
        PendingBallot.objects.bulk_create(
            PendingBallot(vote=vote, tracker=ballot.tracker, content=ballot.content, voter_name=ballot.voter_name)
            for ballot in ballots
        )

    def trackers_taken(self, vote: Vote, trackers: list[str]) -> set[str]:
        """Those of `trackers` already on a ballot of this vote, pending or in the box (one query)."""
        pending = PendingBallot.objects.filter(vote=vote, tracker__in=trackers).values_list("tracker", flat=True)
        boxed = BoxEntry.objects.filter(vote=vote, tracker__in=trackers).values_list("tracker", flat=True)
        return set(pending.order_by().union(boxed.order_by(), all=True))

    def holds(self, vote: Vote, *, tracker: str) -> dict[str, Any] | None:
        """The content of the ballot with this tracker, pending or in the box, or None (one query)."""
        pending = PendingBallot.objects.filter(vote=vote, tracker=tracker).values_list("content", flat=True)
        boxed = BoxEntry.objects.filter(vote=vote, tracker=tracker).values_list("content", flat=True)
        found: list[dict[str, Any]] = list(pending.order_by().union(boxed.order_by(), all=True)[:1])
        return found[0] if found else None

    def flush(self, vote: Vote, *, everything: bool = False) -> int:
        """Append a shuffled batch once twice VOTE_BATCH_MIN are pending, keeping VOTE_BATCH_MIN back (all if `everything`).

        Expects the vote row locked against other flushes (FOR NO KEY UPDATE, or FOR UPDATE
        at closing) and updates `vote.head`. Returns how many ballots were appended.
        """
        # tuples, not models: a flush in a burst moves hundreds, on a thread that shares the GIL with the sockets
        pending = list(
            PendingBallot.objects.filter(vote=vote).select_for_update().values_list("pk", "tracker", "content", "voter_name")
        )
        keep = 0 if everything else settings.VOTE_BATCH_MIN
        if not pending or (not everything and len(pending) < keep + settings.VOTE_BATCH_MIN):
            return 0
        secrets.SystemRandom().shuffle(pending)
        # VOTE_BATCH_MIN ballots, drawn at random, stay behind for a later batch: no batch (the
        # last one at closing included) holds fewer, and a batch is not a span of casting time.
        pending = pending[keep:]
        last = BoxEntry.objects.filter(vote=vote).order_by("-position").values_list("position", "hash").first()
        position, head = last if last else (0, genesis(str(vote.public_id)))
        entries = []
        for _pk, tracker, content, voter_name in pending:
            position += 1
            head = link(head, {"tracker": tracker, "content": content})
            entries.append(
                BoxEntry(vote=vote, position=position, tracker=tracker, content=content, voter_name=voter_name, hash=head)
            )
        BoxEntry.objects.bulk_create(entries)
        PendingBallot.objects.filter(pk__in=[ballot[0] for ballot in pending]).delete()
        vote.head = head
        vote.save(update_fields=["head"])
        return len(entries)

    def ballots(self, vote: Vote) -> list[dict[str, Any]]:
        """The box in its order, as published (the voters' names only in a named vote)."""
        rows = BoxEntry.objects.filter(vote=vote).order_by("position")
        fields = ["tracker", "content", "hash"] + ([] if vote.secret else ["voter_name"])
        return [dict(zip(fields, values, strict=True)) for values in rows.values_list(*fields)]


def lock_for_casting(vote_id: int, *, room_id: int | None = None) -> Vote | None:
    """The vote, its row locked FOR KEY SHARE and read as committed now (with `room_id`, only if held there).

    Casts take this lock together (it conflicts only with FOR UPDATE): the closing, which
    locks FOR UPDATE, waits for every cast under way, and a cast that starts during the
    closing waits for it and then reads "closed". Locked and read in one query: each
    query of a cast is paid a thousand times over in a burst.
    """
    votes = Vote.objects.filter(pk=vote_id)
    if room_id is not None:
        votes = votes.filter(room_id=room_id)
    sql, params = votes.order_by().query.sql_with_params()
    return next(iter(Vote.objects.raw(f"{sql} FOR KEY SHARE", params)), None)


BOX: BallotBox = ShuffledChainBox()
