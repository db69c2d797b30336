"""A whole state announced by several writes of one transaction leaves once, after commit."""

import pytest
from django.db import transaction

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
