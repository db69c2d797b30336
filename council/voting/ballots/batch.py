"""Ballots cast by a crowd at once (a vote held in a meeting), committed as batches.

The same outcomes as `services.ballot_cast` called once per cast, in a few queries per
batch: the vote is locked once, the electors of everyone in the batch are read at once,
the participations go in with one multi-row insert that keeps only the first of each
elector (the unique participation still decides between two casts of one person), and the
ballots go to the box's pending list in one statement, in a random order. What the batch
cannot settle by itself is settled one by one after it, by `services.ballot_cast`: a
person who has voted already (a retry is the same receipt, anything else is refused), one
person twice in the batch, a participation taken meanwhile by another process. A batch
that fails as a whole is cast one by one. Nothing logged names a voter.
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError
from django.db import transaction
from django.db.models import Exists
from django.db.models import OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.batching import Batcher
from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.core.errors import InvalidInput
from council.core.memo import remember
from council.core.memo import remembered
from council.voting.ballots import participation
from council.voting.ballots import services
from council.voting.ballots.box import BOX
from council.voting.ballots.box import Cast
from council.voting.ballots.box import lock_for_casting
from council.voting.ballots.models import Elector
from council.voting.ballots.models import Participation
from council.voting.ballots.models import Vote
from council.voting.ballots.permissions import elector_key
from council.voting.ballots.presence import is_present
from council.voting.ballots.selectors import option_keys

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CastSent:
    """One `ballots.cast` without proxies, as a room socket received it."""

    actor: User
    vote_id: int
    content: dict[str, Any]
    tracker: str | None
    room_id: int | None
    language: str


Outcome = dict[str, Any] | Exception


@dataclass
class _Accepted:
    index: int
    elector: Elector
    tracker: str
    content: dict[str, Any]


def ballots_cast(sent: list[CastSent]) -> list[Outcome]:
    """Cast every ballot of the batch that may be cast; one outcome per cast, in order.

    An outcome is the receipt (`{"tracker": ...}`, as `services.Receipt.ack`) or the
    CouncilError refusing that cast alone.
    """
    outcomes: list[Outcome | None] = [None] * len(sent)
    cast_in: dict[int, int | None] = {}  # vote id -> the meeting it is held in
    try:
        with transaction.atomic(), remembered():
            for (vote_id, room_id), indexes in _by_vote(sent).items():
                if _cast_batch(vote_id, room_id, indexes, sent, outcomes):
                    cast_in[vote_id] = room_id
    except DatabaseError:
        logger.warning("A batch of %d casts failed as a whole; casting them one by one", len(sent), exc_info=True)
        outcomes, cast_in = [None] * len(sent), {}
    for index, outcome in enumerate(outcomes):
        if outcome is None:
            outcomes[index] = _one(sent[index])
    for vote_id, room_id in cast_in.items():  # once per batch, as ballot_cast does once per cast
        if participation.announce_soon(vote_id, room_id):
            services.ballots_flush(vote_id=vote_id)
    return [outcome for outcome in outcomes if outcome is not None]


def _by_vote(sent: list[CastSent]) -> dict[tuple[int, int | None], list[int]]:
    groups: dict[tuple[int, int | None], list[int]] = {}
    for index, item in enumerate(sent):
        groups.setdefault((item.vote_id, item.room_id), []).append(index)
    return groups


def _one(item: CastSent) -> Outcome:
    with translation.override(item.language):
        try:
            receipt = services.ballot_cast(
                actor=item.actor, vote_id=item.vote_id, content=item.content, tracker=item.tracker, room_id=item.room_id
            )
        except CouncilError as error:
            return error
        return receipt.ack()


def _cast_batch(vote_id: int, room_id: int | None, indexes: list[int], sent: list[CastSent], outcomes: list[Outcome | None]) -> bool:
    """Cast this vote's share of the batch; leave None where a cast must be settled alone. True if any went in."""
    vote = lock_for_casting(vote_id, room_id=room_id)  # a closing under way has been waited for
    if vote is None:
        for index in indexes:
            with translation.override(sent[index].language):
                outcomes[index] = AccessDenied("ballots.view_vote")
        return False
    electors = _electors(vote, [sent[index].actor for index in indexes])
    accepted = _accepted(vote, indexes, sent, electors, outcomes)
    taken = BOX.trackers_taken(vote, [ballot.tracker for ballot in accepted]) if accepted else set()
    fresh: list[_Accepted] = []
    for ballot in accepted:
        if ballot.tracker in taken:
            with translation.override(sent[ballot.index].language):
                outcomes[ballot.index] = services.tracker_taken()
            continue
        taken.add(ballot.tracker)
        fresh.append(ballot)
    recorded = services.participations_recorded(vote, [ballot.elector for ballot in fresh])
    into_box = [ballot for ballot in fresh if ballot.elector.pk in recorded]  # the others: settled alone after
    BOX.cast_many(vote, [
        Cast(ballot.tracker, ballot.content, "" if vote.secret else str(sent[ballot.index].actor)) for ballot in into_box
    ])
    for ballot in into_box:
        outcomes[ballot.index] = {"tracker": ballot.tracker}
        services.note_president_ballot(vote, sent[ballot.index].actor.pk, ballot.tracker)
    return bool(into_box)


def _electors(vote: Vote, actors: list[User]) -> dict[int, tuple[Elector, bool]]:
    """The electors among `actors`, each with whether they have voted, in one query."""
    rows = Elector.objects.filter(vote=vote, user_id__in=[actor.pk for actor in actors if actor.is_authenticated])
    rows = rows.annotate(voted=Exists(Participation.objects.filter(elector=OuterRef("pk"))))
    return {elector.user_id: (elector, getattr(elector, "voted")) for elector in rows}  # noqa: B009 - annotated


def _accepted(
    vote: Vote, indexes: list[int], sent: list[CastSent], electors: dict[int, tuple[Elector, bool]],
    outcomes: list[Outcome | None],
) -> list[_Accepted]:
    """The casts that the rule, the ballot's validity and the receipt's form let in; the others refused or left."""
    keys = option_keys(vote)
    accepted: list[_Accepted] = []
    seen: set[uuid.UUID] = set()
    for index in indexes:
        item = sent[index]
        elector, voted = electors.get(item.actor.pk, (None, False)) if item.actor.is_authenticated else (None, False)
        with translation.override(item.language):
            try:
                tracker = services.receipt_tracker(item.tracker)
                if item.actor.is_authenticated:
                    remember(elector_key(item.actor.pk, vote.pk), elector is not None)
                if elector is None or not item.actor.has_perm("ballots.cast_ballot", vote):
                    raise AccessDenied("ballots.cast_ballot")
                if voted or elector.pk in seen:  # a retry, or twice at once: settled alone
                    continue
                if vote.present_only and not is_present(vote, item.actor):
                    raise InvalidInput(_("Only those present at the meeting can vote."), code="not_present")
                services.check_ballot(vote, item.content, keys)
            except CouncilError as error:
                outcomes[index] = error
                continue
        seen.add(elector.pk)
        accepted.append(_Accepted(index, elector, tracker, item.content))
    return accepted


#: one per process: the room sockets' casts join its batches
CASTS: Batcher[CastSent, dict[str, Any]] = Batcher(ballots_cast)
