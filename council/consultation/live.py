"""Live news of a consultation beside its services': endorsement counts, coalesced; rights read again.

Endorsement counts, coalesced: after each committed (un)endorsement, at most one count per interval.

`endorsements_changed_soon(contribution_id)` asks council.core.coalesce for one send per
CONSULTATION_ENDORSEMENTS_COALESCE_SECONDS across every server process; the send reads the
count when it runs, so the last one carries every endorsement committed before it.
"""

from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from council.consultation import events
from council.consultation.models import Contribution
from council.consultation.selectors import endorsement_count
from council.core.coalesce import coalesce
from council.core.realtime import group_message
from council.core.realtime import group_send
from council.core.realtime import send_event_on_commit


async def endorsements_changed_soon(contribution_id: int) -> None:
    """Call from the event loop once an endorsement of `contribution_id` is committed."""

    async def send() -> None:
        found = await database_sync_to_async(_count_message)(contribution_id)
        if found is not None:
            await group_send(*found)

    await coalesce(
        events.endorsements_key(contribution_id), send, seconds=settings.CONSULTATION_ENDORSEMENTS_COALESCE_SECONDS
    )


def _count_message(contribution_id: int) -> tuple[str, dict[str, Any]] | None:
    """(group, message) of the count as it stands; None once the contribution left the page."""
    contribution = Contribution.objects.visible().filter(pk=contribution_id).first()
    if contribution is None:
        return None
    payload = {
        "consultation_id": contribution.consultation_id,
        "contribution_id": contribution.pk,
        "endorsements": endorsement_count(contribution.pk),
    }
    return events.consultation_group(contribution.consultation_id), group_message(events.ENDORSEMENTS_CHANGED, payload)


def rights_changed_on_commit(consultation_id: int) -> None:
    """Call in the transaction of a change of who may do what (phases, publication, eligibility,
    the questionnaire's settings): every open socket reads its person's rights again after
    commit (ConsultationConsumer.rights_changed) and the pages show or hide what they give."""
    send_event_on_commit(events.consultation_group(consultation_id), events.RIGHTS_CHANGED, {"consultation_id": consultation_id})
