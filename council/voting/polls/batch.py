"""Poll answers sent by a crowd at once, committed as batches (council/core/batching.py).

The same outcomes as `services.poll_answer` called once per answer, for a few queries per
batch instead of several per answer: the polls are read and share-locked once, the rule's
facts (roles, room grants, eligible groups) are read for everyone of the batch at once, and
the answers go in with one multi-row upsert. Each answer is still refused alone (a closed
poll, a malformed answer, a person who may not answer) and in its sender's language; a
batch that fails as a whole is answered one by one, each in its own transaction.
"""

import logging
from dataclasses import dataclass
from typing import Any
from typing import cast

from django.db import DatabaseError
from django.db import connection
from django.db import transaction
from django.utils import translation

from council.accounts.models import User
from council.core.batching import Batcher
from council.core.errors import AccessDenied
from council.core.errors import CouncilError
from council.core.memo import remembered
from council.councils.selectors import roles_remember
from council.rooms.permissions import room_facts_remember
from council.verifications.requirements import require_verified
from council.voting.polls import services
from council.voting.polls.models import Answer
from council.voting.polls.models import Poll
from council.voting.polls.permissions import ANSWER_POLL
from council.voting.polls.schemas import AnswerValue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerSent:
    """One `polls.answer` as the socket received it."""

    actor: User
    room_id: int
    poll_id: int
    answer: AnswerValue
    request_id: str
    language: str


Outcome = dict[str, Any] | Exception


def poll_answers(sent: list[AnswerSent]) -> list[Outcome]:
    """Record every answer of the batch that may be recorded; one outcome per answer, in order.

    An outcome is `services.poll_answer`'s result ({poll_id, answer, duplicate}) or the
    CouncilError refusing that answer. Two answers of one person to one poll in the same
    batch (two tabs) are applied in order, as they would be one after the other.
    """
    try:
        with transaction.atomic(), remembered():
            return _record(sent)
    except DatabaseError:
        logger.warning("A batch of %d poll answers failed as a whole; answering them one by one", len(sent), exc_info=True)
        return [_one(item) for item in sent]


def _one(item: AnswerSent) -> Outcome:
    with translation.override(item.language):
        try:
            return services.poll_answer(
                actor=item.actor, room_id=item.room_id, poll_id=item.poll_id, answer=item.answer,
                request_id=item.request_id,
            )
        except CouncilError as error:
            return error


def _record(sent: list[AnswerSent]) -> list[Outcome]:
    polls = _polls_shared({item.poll_id for item in sent})
    _remember_facts(polls.values(), [item.actor for item in sent])
    outcomes: list[Outcome | None] = [None] * len(sent)
    accepted: list[tuple[int, Poll, Any]] = []
    for index, item in enumerate(sent):
        with translation.override(item.language):
            try:
                poll = polls.get(item.poll_id)
                if poll is None or poll.room_id != item.room_id:
                    raise AccessDenied(ANSWER_POLL)
                if not item.actor.has_perm(ANSWER_POLL, poll):
                    if poll.verification_requirement and item.actor.has_perm("rooms.view_room", poll.room):
                        require_verified(item.actor, poll.room.council, poll)  # which, and where to obtain it
                    raise AccessDenied(ANSWER_POLL)
                services.answerable(poll)
                accepted.append((index, poll, services.normalised(poll, item.answer)))
            except CouncilError as error:
                outcomes[index] = error
    for rows in _rounds(accepted, sent):
        applied = _upsert(rows, sent)
        for index, poll, value in rows:
            if (poll.pk, sent[index].actor.pk) in applied:
                outcomes[index] = {"poll_id": poll.pk, "answer": value, "duplicate": False}
    retried = [index for index, outcome in enumerate(outcomes) if outcome is None]
    if retried:  # the retries of an answer already applied: told what stands
        stored = _stored({(sent[index].poll_id, sent[index].actor.pk) for index in retried})
        for index in retried:
            item = sent[index]
            outcomes[index] = {"poll_id": item.poll_id, "answer": stored[(item.poll_id, item.actor.pk)], "duplicate": True}
    return cast("list[Outcome]", outcomes)


def _polls_shared(poll_ids: set[int]) -> dict[int, Poll]:
    """The batch's polls with their room and council, share-locked (closing waits for the batch).

    The lock is taken first, then the polls are read with their room and council in one query
    (a raw query holding the lock could not join them: two more queries a batch). Read after the
    lock, they are as committed: a closing takes the row for update, so it waits for this batch.
    """
    ids = sorted(poll_ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {Poll._meta.db_table} WHERE id = ANY(%s) ORDER BY id FOR SHARE", [ids])  # noqa: S608 - the name from the model
    return {poll.pk: poll for poll in Poll.objects.select_related("room__council").filter(pk__in=ids)}


def _remember_facts(polls: Any, actors: list[User]) -> None:
    """What the answering rule asks of each person (role, room grants, eligible groups), read for all at once."""
    people = list({actor.pk: actor for actor in actors if actor.is_authenticated}.values())
    for poll in polls:
        roles_remember(council=poll.room.council, user_ids=[person.pk for person in people])
        room_facts_remember(users=people, rooms=[poll.room])


def _rounds(accepted: list[tuple[int, Poll, Any]], sent: list[AnswerSent]) -> list[list[tuple[int, Poll, Any]]]:
    """Split so that no statement touches one person's answer twice (PostgreSQL refuses that)."""
    rounds: list[list[tuple[int, Poll, Any]]] = []
    seen: list[set[tuple[int, int]]] = []
    for row in accepted:
        key = (row[1].pk, sent[row[0]].actor.pk)
        for depth, keys in enumerate(seen):
            if key not in keys:
                keys.add(key)
                rounds[depth].append(row)
                break
        else:
            seen.append({key})
            rounds.append([row])
    return rounds


def _upsert(rows: list[tuple[int, Poll, Any]], sent: list[AnswerSent]) -> set[tuple[int, int]]:
    return services.upsert_answers([(poll.pk, sent[index].actor.pk, value, sent[index].request_id) for index, poll, value in rows])


def _stored(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    rows = Answer.objects.filter(poll_id__in={poll_id for poll_id, _ in pairs}, user_id__in={user_id for _, user_id in pairs})
    return {(poll_id, user_id): value for poll_id, user_id, value in rows.values_list("poll_id", "user_id", "value")}


#: one per process: the room sockets' answers join its batches
ANSWERS: Batcher[AnswerSent, dict[str, Any]] = Batcher(poll_answers)
