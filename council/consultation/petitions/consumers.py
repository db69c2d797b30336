"""The socket of a petition's page: listen only, visitors included (signing is the page's form)."""

from typing import Any

from council.consultation.petitions import events
from council.consultation.petitions.permissions import access_petition
from council.consultation.petitions.selectors import petition_state
from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.councils.models import Council


def petition_snapshot(*, user: Any, petition_id: int, council_slug: str) -> dict[str, Any]:
    council = Council.objects.filter(slug=council_slug).first()
    if council is None:
        raise AccessDenied("petitions.view_petition")
    return petition_state(access_petition(user, petition_id, council_id=council.pk))


class PetitionConsumer(CouncilConsumer):
    """/ws/c/<council_slug>/petitions/<petition_id>/: follow one petition's count and state."""

    async def connect(self) -> None:
        self.petition_id = int(self.scope["url_route"]["kwargs"]["petition_id"])
        council_slug = self.scope["url_route"]["kwargs"]["council_slug"]
        await self.accept()  # first, so the browser can read why it was refused
        await self.join(events.petition_group(self.petition_id))  # subscribe before the snapshot
        try:
            state = await self.run_sync(
                petition_snapshot, user=self.scope["user"], petition_id=self.petition_id, council_slug=council_slug
            )
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_event(events.PETITION_SYNCED, state)

    async def petitions_signatures_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def petitions_petition_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)
