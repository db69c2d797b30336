"""A whole state announced by several writes of one transaction leaves once, after commit; frames sharing parts."""

import datetime
import json

import pytest
from django.db import transaction

from council.core.realtime import SharedText
from council.core.realtime import envelope
from council.core.realtime import envelope_sharing
from council.core.realtime import send_state_on_commit

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_event_per_transaction_built_after_commit(captured_events):
    state = {"n": 0}
    with transaction.atomic():
        for _ in range(3):
            state["n"] += 1
            send_state_on_commit("meeting.1", "workshops.session_changed", lambda: dict(state))
        assert captured_events == []
    assert [(group, message["payload"]) for group, message in captured_events] == [("meeting.1", {"n": 3})]


def _announce_then_fail() -> None:
    with transaction.atomic():
        send_state_on_commit("meeting.1", "workshops.session_changed", lambda: {"n": 1})
        raise RuntimeError


def test_a_rolled_back_state_is_not_sent_and_does_not_hold_back_the_next(captured_events):
    with pytest.raises(RuntimeError):
        _announce_then_fail()
    with transaction.atomic():
        send_state_on_commit("meeting.1", "workshops.session_changed", lambda: {"n": 2})
    assert [message["payload"] for _group, message in captured_events] == [{"n": 2}]


def test_frames_sharing_parts_with_others_carry_what_envelope_gives():
    messages = [{"seq": 1, "text": "Bonjour à tous", "at": datetime.datetime(2026, 12, 4, 15, 0, tzinfo=datetime.UTC)}]
    presence = {"count": 2, "participants": [{"id": 1, "name": "Aïcha"}, {"id": 2, "name": "Bob"}]}
    shared = SharedText()
    frames = []
    for person in (1, 2, 3):
        payload = {"me": {"id": person}, "since_seq": None, "messages": messages, "presence": presence, "hands": []}
        frames.append((envelope("rooms.synced", payload), envelope_sharing("rooms.synced", payload, shared)))
    for expected, spliced in frames:
        assert json.loads(spliced) == json.loads(expected)
        assert json.loads(spliced)["payload"]["messages"][0]["text"] == "Bonjour à tous"
    assert json.loads(frames[2][1])["payload"]["me"] == {"id": 3}  # each socket's own part is its own
