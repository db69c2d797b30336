"""Participation counts of a budget, coalesced: at most one per BUDGET_PARTICIPATION_COALESCE_SECONDS.

A burst of ballots sends one count per interval, whichever server process claims it
(council.core.coalesce), carrying the count as committed when it leaves: never one event per
ballot (which would also tell the page when each person voted). Called from sync code (the
ballot page and the paper entry are plain forms), after commit, so a thread's timer sends (`coalesce_sync`).
"""

from django.conf import settings

from council.budgeting import events
from council.core.coalesce import coalesce_sync
from council.core.realtime import _broadcast
from council.core.realtime import group_message


def announce_soon(budget_id: int) -> bool:
    """Have the budget's count sent within the interval, once for every ballot until then.

    True when this call scheduled the send, False when one is due anyway. With an interval of
    0 it is sent at once.
    """
    return coalesce_sync(
        events.participation_key(budget_id), lambda: _send(budget_id),
        seconds=settings.BUDGET_PARTICIPATION_COALESCE_SECONDS,
    )


def _send(budget_id: int) -> None:
    from council.budgeting.selectors import participation_payload

    payload = participation_payload(budget_id)
    if payload is not None:
        _broadcast(events.budget_group(budget_id), group_message(events.BUDGET_PARTICIPATION_CHANGED, payload))
