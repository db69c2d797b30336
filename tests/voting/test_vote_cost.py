"""One vote costs a fixed, small number of queries, whoever votes and however many have voted.

In a burst (a whole room votes within seconds) every vote waits its turn on a few database
threads, each query a round trip of a few milliseconds on a loaded machine: the votes per
second a process can take are bounded by the queries of one vote. A check or a read added
per vote (a permission asked again, a row reloaded) shows here before it shows in a meeting.
"""

import threading

import pytest
from channels.db import database_sync_to_async
from django.db.backends import utils as db_utils

from council.voting.ballots import batch as ballot_batch
from council.voting.ballots import services as ballots
from council.voting.ballots.box import tracker_new
from council.voting.ballots.services import VoteDraft
from council.voting.polls import batch as poll_batch
from council.voting.polls import services as polls
from tests.helpers import answer_to
from tests.helpers import command
from tests.helpers import connect
from tests.helpers import room_path

pytestmark = pytest.mark.django_db(transaction=True)


class _Queries:
    """The SQL of one service call, on whichever database thread runs it (and only there:
    presence summaries and deadline sweeps run beside it and are not the vote's cost)."""

    def __init__(self, monkeypatch, module, name):
        self.sql: list[str] = []
        self._running = threading.local()
        service = getattr(module, name)

        def counted(*args, **kwargs):
            self._running.on = True
            try:
                return service(*args, **kwargs)
            finally:
                self._running.on = False

        real = db_utils.CursorWrapper.execute

        def execute(cursor, sql, params=None):
            if getattr(self._running, "on", False):
                self.sql.append(sql)
            return real(cursor, sql, params)

        monkeypatch.setattr(module, name, counted)
        monkeypatch.setattr(db_utils.CursorWrapper, "execute", execute)

    def __str__(self):
        return "\n".join(f"{index}. {sql}" for index, sql in enumerate(self.sql, 1))


def _meeting(room, user_with_role):
    """A facilitator, a resident, an open poll and an open secret ballot held in the meeting."""
    facilitator = user_with_role("facilitator", room.council)
    person = user_with_role("member", room.council)
    poll_id = polls.poll_create(actor=facilitator, room_id=room.pk, question="Un banc ?", kind="yes_no")["poll_id"]
    polls.poll_open(actor=facilitator, room_id=room.pk, poll_id=poll_id)
    draft = VoteDraft(title="Budget du quartier", method="majority_simple", secret=True, room_id=room.pk)
    vote = ballots.vote_create(actor=facilitator, council=room.council, draft=draft)
    ballots.vote_freeze(actor=facilitator, vote_id=vote.pk)
    ballots.vote_open(actor=facilitator, vote_id=vote.pk)
    return person, poll_id, vote.pk


async def test_a_vote_costs_a_fixed_small_number_of_queries(room, user_with_role, monkeypatch):
    person, poll_id, vote_id = await database_sync_to_async(_meeting)(room, user_with_role)
    # in a burst the participation update and the box's batch are due anyway (once an interval, not per vote)
    monkeypatch.setattr(ballots.participation, "announce_soon", lambda vote_id, room_id=None: False)
    answered = _Queries(monkeypatch, poll_batch.ANSWERS, "run")  # a batch of one: the cost of a lone vote
    cast = _Queries(monkeypatch, ballot_batch.CASTS, "run")
    socket, _ = await connect(room_path(room.pk), user=person)

    await socket.send_json_to(command("polls.answer", "p", poll_id=poll_id, answer={"kind": "yes_no", "vote": "yes"}))
    assert (await answer_to(socket, "p"))["type"] == "ack"
    await socket.send_json_to(
        command("ballots.cast", "b", vote_id=vote_id, content={"choice": "for"}, tracker=tracker_new())
    )
    assert (await answer_to(socket, "b"))["type"] == "ack"
    await socket.disconnect()

    assert 1 <= len(answered.sql) <= 8, answered
    assert 1 <= len(cast.sql) <= 6, cast
