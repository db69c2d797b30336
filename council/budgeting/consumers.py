"""The socket of a budget's page: listen only, visitors included.

It relays only the count of submitted ballots (events.py); ballots go through the pages'
forms. On connect, after joining the group, the snapshot (budgeting.budget_synced).
"""

from typing import Any

from council.budgeting import events
from council.budgeting.permissions import access_budget
from council.budgeting.selectors import budget_snapshot
from council.core.consumers import CLOSE_FORBIDDEN
from council.core.consumers import CouncilConsumer
from council.core.errors import AccessDenied
from council.councils.models import Council


def budget_state(*, user: Any, budget_id: int, council_slug: str) -> dict[str, Any]:
    """The snapshot if `user` may read the budget in this council; AccessDenied otherwise."""
    council = Council.objects.filter(slug=council_slug).first()
    if council is None:
        raise AccessDenied("budgeting.view_budget")
    return budget_snapshot(access_budget(user, budget_id, council_id=council.pk))


class BudgetConsumer(CouncilConsumer):
    """/ws/c/<council_slug>/budgets/<budget_id>/: follow one budget's participation."""

    async def connect(self) -> None:
        self.budget_id = int(self.scope["url_route"]["kwargs"]["budget_id"])
        council_slug = self.scope["url_route"]["kwargs"]["council_slug"]
        await self.accept()  # first, so the browser can read why it was refused
        await self.join(events.budget_group(self.budget_id))  # subscribe before the snapshot
        try:
            state = await self.run_sync(budget_state, user=self.scope["user"], budget_id=self.budget_id, council_slug=council_slug)
        except AccessDenied:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_event(events.BUDGET_SYNCED, state)

    async def budgeting_participation_changed(self, message: dict[str, Any]) -> None:
        await self.forward(message)
