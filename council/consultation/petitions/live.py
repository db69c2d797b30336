"""Signature counts, coalesced: after each committed signature, at most one count per interval.

`signatures_changed_soon(petition_id)` asks council.core.coalesce for one send per
PETITIONS_SIGNATURES_COALESCE_SECONDS across every server process; the send reads the count
when it runs, so the last one carries every signature committed before it.
"""

from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from council.consultation.petitions import events
from council.consultation.petitions.selectors import signature_count
from council.core.coalesce import coalesce
from council.core.realtime import group_message
from council.core.realtime import group_send


async def signatures_changed_soon(petition_id: int) -> None:
    """Call from the event loop once a signature of `petition_id` is committed (or taken back)."""

    async def send() -> None:
        await group_send(*await database_sync_to_async(_count_message)(petition_id))

    await coalesce(events.signatures_key(petition_id), send, seconds=settings.PETITIONS_SIGNATURES_COALESCE_SECONDS)


def _count_message(petition_id: int) -> tuple[str, dict[str, Any]]:
    payload = {"petition_id": petition_id, "signatures": signature_count(petition_id)}
    return events.petition_group(petition_id), group_message(events.SIGNATURES_CHANGED, payload)
