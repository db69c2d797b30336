"""The socket of a consultation's pages: listen only, visitors included.

Everything it relays to the consultation's group is public (events.py); writes go through
the pages' forms. On connect, after joining the group, the snapshot
(consultation.consultation_synced) lets a page that reconnects tell whether it missed
contributions. Sub-apps add audience groups and their events (sockets.py): the questionnaire's
live results go to those who may read them.
"""

from typing import Any

from council.consultation import events
from council.consultation import sockets
from council.consultation.permissions import access_consultation
from council.consultation.selectors import consultation_snapshot
from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.councils.models import Council


def consultation_state(*, user: Any, consultation_id: int, council_slug: str) -> tuple[dict[str, Any], list[str]]:
    """The snapshot and the sub-apps' audience groups of `user` (council/consultation/sockets.py),
    if `user` may read the consultation in this council; AccessDenied otherwise."""
    council = Council.objects.filter(slug=council_slug).first()
    if council is None:
        raise AccessDenied("consultation.view_consultation")
    snapshot = consultation_snapshot(access_consultation(user, consultation_id, council_id=council.pk))
    return snapshot, sockets.audience_groups(user, consultation_id)


class ConsultationConsumer(CouncilConsumer):
    """/ws/c/<council_slug>/consultations/<consultation_id>/: follow one consultation."""

    async def connect(self) -> None:
        self.consultation_id = int(self.scope["url_route"]["kwargs"]["consultation_id"])
        council_slug = self.scope["url_route"]["kwargs"]["council_slug"]
        await self.accept()  # first, so the browser can read why it was refused
        await self.join(events.consultation_group(self.consultation_id))  # subscribe before the snapshot
        try:
            state, audiences = await self.run_sync(
                consultation_state, user=self.scope["user"], consultation_id=self.consultation_id, council_slug=council_slug
            )
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        for group in audiences:  # e.g. the questionnaire's results, for those who may read them
            await self.join(group)
        await self.send_event(events.CONSULTATION_SYNCED, state)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Events a sub-app registered are relayed as they are; the rest go to this class's methods."""
        if sockets.is_relayed(message["type"]):
            await self.forward(message)
        else:
            await super().dispatch(message)

    async def consultation_contribution_published(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def consultation_contribution_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def consultation_contribution_removed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def consultation_endorsements_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def consultation_comment_posted(self, message: dict[str, Any]) -> None:
        await self.forward(message)

    async def consultation_comment_hidden(self, message: dict[str, Any]) -> None:
        await self.forward(message)
