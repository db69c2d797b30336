"""The socket of a consultation's pages: listen only, visitors included.

Everything it relays to the consultation's group is public (events.py); writes go through
the pages' forms. On connect, after joining the group, the snapshot
(consultation.consultation_synced) lets a page that reconnects tell whether it missed
contributions. Sub-apps add audience groups, capabilities and their events (sockets.py): the
questionnaire's live results go to those who may read them. A person's rights are read again
when they may have changed (`rights_changed`: their role, groups or verifications, to their
own group; the consultation's phases or its questionnaire's settings, to the consultation's
group), and the pages hear `consultation.capabilities_changed`, without a reconnect.
"""

import asyncio
import random
from datetime import datetime
from typing import Any

from channels.consumer import get_handler_name
from django.utils import timezone

from council.consultation import events
from council.consultation import sockets
from council.consultation.models import Consultation
from council.consultation.permissions import access_consultation
from council.consultation.selectors import consultation_snapshot
from council.consultation.selectors import next_phase_change
from council.consultation.sockets import Rights
from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.councils.events import user_group
from council.councils.models import Council

#: the sockets of a consultation read their rights again over this many seconds after a phase begins or ends
PHASE_CHANGE_SPREAD_SECONDS = 5.0


def consultation_state(
    *, user: Any, consultation_id: int, council_slug: str
) -> tuple[dict[str, Any], Rights, datetime | None]:
    """The snapshot (with the capabilities), the rights of `user` on the socket
    (council/consultation/sockets.py) and the next phase change, if `user` may read the
    consultation in this council; AccessDenied otherwise."""
    consultation = _readable(user=user, consultation_id=consultation_id, council_slug=council_slug)
    rights = sockets.socket_rights(user, consultation_id)
    snapshot = {**consultation_snapshot(consultation), "capabilities": rights.capabilities}
    return snapshot, rights, next_phase_change(consultation)


def consultation_rights(*, user: Any, consultation_id: int, council_slug: str) -> tuple[Rights, datetime | None]:
    """The rights of `user` on the socket as they are now and the next phase change; AccessDenied
    once they may no longer read the consultation."""
    consultation = _readable(user=user, consultation_id=consultation_id, council_slug=council_slug)
    return sockets.socket_rights(user, consultation_id), next_phase_change(consultation)


def _readable(*, user: Any, consultation_id: int, council_slug: str) -> Consultation:
    council = Council.objects.filter(slug=council_slug).first()
    if council is None:
        raise AccessDenied("consultation.view_consultation")
    return access_consultation(user, consultation_id, council_id=council.pk)


class ConsultationConsumer(CouncilConsumer):
    """/ws/c/<council_slug>/consultations/<consultation_id>/: follow one consultation."""

    async def connect(self) -> None:
        self.consultation_id = int(self.scope["url_route"]["kwargs"]["consultation_id"])
        self.council_slug = self.scope["url_route"]["kwargs"]["council_slug"]
        self.user = self.scope["user"]
        self.phase_timer: asyncio.TimerHandle | None = None
        await self.accept()  # first, so the browser can read why it was refused
        await self.join(events.consultation_group(self.consultation_id))  # subscribe before the snapshot
        if self.user.is_authenticated:  # their role, groups and verifications: rights_changed below
            await self.join(user_group(self.user.pk))
        try:
            state, self.rights, next_change = await self.run_sync(
                consultation_state, user=self.user, consultation_id=self.consultation_id, council_slug=self.council_slug
            )
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        for group in self.rights.groups:  # e.g. the questionnaire's results, for those who may read them
            await self.join(group)
        await self.send_event(events.CONSULTATION_SYNCED, state)
        self.recheck_at(next_change)

    def recheck_at(self, moment: datetime | None) -> None:
        """Read the rights again when a phase begins or ends (the results phase opens the results):
        a message to this socket, spread over PHASE_CHANGE_SPREAD_SECONDS so that a consultation's
        sockets do not all query at the same instant."""
        if self.phase_timer is not None:
            self.phase_timer.cancel()
            self.phase_timer = None
        if moment is None:
            return
        delay = (moment - timezone.now()).total_seconds() + random.uniform(0, PHASE_CHANGE_SPREAD_SECONDS)  # noqa: S311 - not a secret
        self.phase_timer = asyncio.get_running_loop().call_later(max(delay, 0), self._phase_changed)

    def _phase_changed(self) -> None:
        self.phase_timer = None
        self._pending = asyncio.ensure_future(self.channel_layer.send(self.channel_name, {"type": events.RIGHTS_CHANGED}))

    async def disconnect(self, code: int) -> None:
        self.recheck_at(None)
        await super().disconnect(code)

    async def rights_changed(self, message: dict[str, Any]) -> None:
        """What this person may do here may have changed: read their rights again, join or leave the
        audience groups, and send the capabilities if they changed (the pages show or hide what
        they give); close with 4403 once the consultation is no longer theirs to read."""
        try:
            rights, next_change = await self.run_sync(
                consultation_rights, user=self.user, consultation_id=self.consultation_id, council_slug=self.council_slug
            )
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        for group in set(self.rights.groups) - set(rights.groups):
            await self.leave(group)
        for group in set(rights.groups) - set(self.rights.groups):
            await self.join(group)
        changed = rights.capabilities != self.rights.capabilities
        self.rights = rights
        self.recheck_at(next_change)
        if changed:
            await self.send_event(
                events.CAPABILITIES_CHANGED, {"consultation_id": self.consultation_id, "capabilities": rights.capabilities}
            )

    # to this person's group: a role, a membership, a verification; to the consultation's: its settings
    councils_role_changed = rights_changed
    groups_membership_changed = rights_changed
    verifications_revoked = rights_changed
    consultation_rights_changed = rights_changed

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Events a sub-app registered are relayed as they are; the rest go to this class's methods."""
        if sockets.is_relayed(message["type"]):
            await self.forward(message)
        elif hasattr(self, get_handler_name(message)):
            await super().dispatch(message)
        # else: another module's news to the person's own group (a workshop, a question), not this page's

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
