"""A socket's connect costs few queries, and the same number however full the meeting is.

Every voting module adds a section to the room's snapshot (polls, questions, votes,
assembly); a section that asked a rule or read a row per item or per person present would
make each connect slower as the meeting fills, just when a crowd connects. And a crowd
does connect at once: the meeting's start, or a Daphne restart with everyone reconnecting;
each query of a connect is paid by every socket of the crowd, over a few database threads.
The count is taken over every thread (the socket's database work runs on a pool); what the
process does meanwhile on its own schedule (presence summaries, the deadlines' sweep) is not. When the bound is
passed, the message lists each query with where it comes from.
"""

import os
import threading
import traceback

import pytest
from channels.db import database_sync_to_async
from django.db.backends import utils as db_utils

from council.voting.ballots import services as ballots
from council.voting.ballots.services import VoteDraft
from council.voting.polls import services as polls
from council.voting.questions import services as questions
from tests.helpers import connect
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


#: work this process does on its own schedule, not the connect's: other sockets' coalesced
#: presence summaries, the deadlines' sweep
_BACKGROUND = (("rooms/presence.py", "_summary"), ("core/deadlines.py", "deadlines_apply"), ("core/deadlines.py", "deadline_next"))


def _origin() -> tuple[str, bool]:
    """The project's frames that led to a query, innermost first, and whether it is background work."""
    stack = [frame for frame in traceback.extract_stack()[:-2] if "/council/" in frame.filename]
    background = any(frame.filename.endswith(path) and frame.name == name for frame in stack for path, name in _BACKGROUND)
    shown = [
        f"{os.path.relpath(frame.filename)}:{frame.lineno} {frame.name}"
        for frame in stack
        if not frame.filename.endswith(("memo.py", "threads.py", "facts.py"))
    ]
    return " < ".join(reversed(shown[-3:])), background


class _Queries:
    """Count every query of every thread while inside; the process's background work apart."""

    def __init__(self):
        self.queries: list[tuple[str, str]] = []
        self.background = 0
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        return len(self.queries)

    def listing(self) -> str:
        return "\n".join(f"{origin}: {sql[:90]}" for sql, origin in self.queries)

    def __enter__(self):
        real = self._real = db_utils.CursorWrapper.execute

        def execute(cursor, sql, params=None):
            origin, background = _origin()
            with self._lock:
                if background:
                    self.background += 1
                else:
                    self.queries.append((sql, origin))
            return real(cursor, sql, params)

        db_utils.CursorWrapper.execute = execute
        return self

    def __exit__(self, *exc):
        db_utils.CursorWrapper.execute = self._real


def _meeting_with(room, facilitator, askers, items: int) -> None:
    """`items` closed polls, questions from each asker and votes held in the meeting, plus one open poll."""
    for index in range(items):
        poll_id = polls.poll_create(
            actor=facilitator, room_id=room.pk, question=f"Sondage {index} ?", kind="yes_no"
        )["poll_id"]
        polls.poll_open(actor=facilitator, room_id=room.pk, poll_id=poll_id)
        polls.poll_close(actor=facilitator, room_id=room.pk, poll_id=poll_id)
        for person in askers:
            questions.question_ask(
                actor=person, room_id=room.pk, text=f"Question {index} de {person.pk} ?"
            )
        draft = VoteDraft(title=f"Délibération {index}", method="majority_simple", room_id=room.pk)
        vote = ballots.vote_create(actor=facilitator, council=room.council, draft=draft)
        ballots.vote_freeze(actor=facilitator, vote_id=vote.pk)
    poll_id = polls.poll_create(
        actor=facilitator, room_id=room.pk, question="Ouvert ?", kind="yes_no"
    )["poll_id"]
    polls.poll_open(actor=facilitator, room_id=room.pk, poll_id=poll_id)
    polls.poll_answer(actor=askers[0], room_id=room.pk, poll_id=poll_id, answer=_yes())


def _yes():
    from council.voting.polls.schemas import YesNoAnswer

    return YesNoAnswer(kind="yes_no", vote="yes")


async def _queries_to_connect(room, user_with_role, *, items: int, present: int) -> _Queries:
    facilitator = await database_sync_to_async(user_with_role)("facilitator", room.council)
    people = await database_sync_to_async(
        lambda: [user_with_role("member", room.council) for _ in range(present + 1)]
    )()
    await database_sync_to_async(_meeting_with)(room, facilitator, people[:3], items)
    sockets = [(await connect(room_path(room.pk), user=person))[0] for person in people[:-1]]
    with _Queries() as queries:
        newcomer, snapshot = await connect(room_path(room.pk), user=people[-1])
    assert snapshot["payload"]["polls"]["open"] is not None
    assert len(snapshot["payload"]["votes"]) == items
    for socket in [newcomer, *sockets]:
        await socket.disconnect()
    return queries


async def test_connecting_costs_as_many_queries_in_a_full_meeting_as_in_an_empty_one(
    room, room_factory, user_with_role
):
    quiet = await _queries_to_connect(room, user_with_role, items=1, present=1)
    full_room = await database_sync_to_async(room_factory)(council=room.council)
    full = await _queries_to_connect(full_room, user_with_role, items=6, present=8)

    # 41 on 3 December 2026 before the connect read each fact once, 28 since: the room, where
    # the workshops send the person, the join (role, facilitator grants, removal/mute/floor rows,
    # eligible groups, attendance and presence rows in a savepoint), the room's snapshot
    # (messages, presence with names, roles, hands) and the modules' sections (agenda and speakers 3, assembly 3,
    # questions 4, votes 1, polls 3, the budget results announced on the stage 1; since 4 December
    # petitions and contributions on the agenda 1 each, the contribution on the stage 1; then questionnaire
    # results on the agenda 1, on the stage 0: read with the contribution on the stage). The same with
    # six times the items and eight times the people, give or take a module's one-off read.
    assert full.count <= quiet.count + 2, (quiet.count, full.count, full.listing())
    assert quiet.count <= 34, f"{quiet.count} queries to connect:\n{quiet.listing()}"
