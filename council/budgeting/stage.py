"""A budget's results announced project by project on a meeting's stage (a meeting module).

Registered with the room host in apps.py: two commands (`budgeting.announce` to start or end an
announcement, `budgeting.reveal_next` to show the next selected project), one event to the whole
meeting (`budgeting.announcement_changed`, carrying the whole announcement so far: applying it
twice changes nothing) and the snapshot's `budget_announcement` section (the same view, so a
socket joining or reconnecting sees what was revealed). Who may announce is the rule
`budgeting.announce_results`, asked on the announcement: the meeting's facilitators, for
published results (or results they may publish themselves).

Payloads carry amounts as decimal strings with their currency, never text in one language:
every page formats them in its own.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.budgeting import events
from council.budgeting.models import Budget
from council.budgeting.models import BudgetResult
from council.budgeting.models import Project
from council.budgeting.models import ResultsAnnouncement
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.memo import recall
from council.core.permissions import require_perm
from council.core.process_cache import room_view
from council.core.realtime import send_event_on_commit
from council.rooms.events import meeting_group
from council.rooms.models import Room
from council.rooms.permissions import access_room

ANNOUNCEMENT = room_view("budgeting.announcement")  # kept across arrival waves (council/core/process_cache.py)


ANNOUNCE = "budgeting.announce_results"
ANNOUNCE_COMMAND = "budgeting.announce"
REVEAL_COMMAND = "budgeting.reveal_next"


def _order(budget: Budget) -> list[Project]:
    """The projects the stored result selected under the budget's rule, in the order it took them."""
    result = BudgetResult.objects.filter(budget=budget, status=BudgetResult.Status.DONE).first()
    if result is None:
        return []
    pks = result.selected.get(result.rule or budget.rule, [])
    projects = {p.pk: p for p in Project.objects.filter(pk__in=pks)}
    return [projects[pk] for pk in pks if pk in projects]


def announcement_view(announcement: ResultsAnnouncement | None) -> dict[str, Any] | None:
    """What every stage of the meeting shows: the budget and the projects revealed so far."""
    if announcement is None:
        return None
    budget = announcement.budget
    order = _order(budget)
    shown = order[: announcement.revealed]
    return {
        "budget_id": budget.pk,
        "title": budget.title,
        "amount": str(budget.amount),
        "currency": budget.currency,
        "total": len(order),
        "revealed": len(shown),
        "spent": str(sum((p.cost for p in shown), budget.amount * 0)),
        "projects": [{"id": p.pk, "title": p.title, "cost": str(p.cost)} for p in shown],
    }


def _changed(announcement: ResultsAnnouncement | None, room_id: int) -> None:
    send_event_on_commit(
        meeting_group(room_id), events.ANNOUNCEMENT_CHANGED, {"room_id": room_id, "announcement": announcement_view(announcement)}
    )


def _plenary(actor: User, room_id: int) -> Room:
    room = access_room(actor, room_id, for_update=True)
    return room.parent if room.parent_id else room


@transaction.atomic
def announcement_start(*, actor: User, room_id: int, budget_id: int | None) -> dict[str, Any]:
    """Start announcing a budget's results in the meeting, none revealed yet (or, with no
    budget, end the announcement); told to the whole meeting."""
    room = _plenary(actor, room_id)
    current = ResultsAnnouncement.objects.select_for_update().filter(room=room).select_related("budget").first()
    if budget_id is None:
        if current is not None:
            require_perm(actor, ANNOUNCE, current)
            current.delete()
            _changed(None, room.pk)
        return {"revealed": 0}
    budget = Budget.objects.filter(pk=budget_id, council_id=room.council_id).first()
    if budget is None:
        raise AccessDenied(ANNOUNCE)
    require_perm(actor, ANNOUNCE, ResultsAnnouncement(room=room, budget=budget))
    if not _order(budget):
        raise InvalidInput(_("This budget has no computed result to announce."))
    announcement, _created = ResultsAnnouncement.objects.update_or_create(
        room=room, defaults={"budget": budget, "revealed": 0}
    )
    _changed(announcement, room.pk)
    return {"revealed": 0}


@transaction.atomic
def announcement_reveal_next(*, actor: User, room_id: int) -> dict[str, Any]:
    """Reveal the next selected project on every stage of the meeting."""
    room = _plenary(actor, room_id)
    announcement = ResultsAnnouncement.objects.select_for_update().filter(room=room).select_related("budget").first()
    if announcement is None:
        require_perm(actor, "rooms.moderate_room", room)
        raise InvalidInput(_("No results are being announced in this meeting."))
    require_perm(actor, ANNOUNCE, announcement)
    total = len(_order(announcement.budget))
    if announcement.revealed >= total:
        raise InvalidInput(_("Every selected project has been revealed."))
    announcement.revealed += 1
    announcement.save(update_fields=["revealed", "changed_at"])
    _changed(announcement, room.pk)
    return {"revealed": announcement.revealed}


def announcement_section(user: User, room: Room) -> dict[str, Any] | None:
    """The snapshot's `budget_announcement`: the meeting's announcement, or None."""
    plenary_id = room.parent_id or room.pk

    def read() -> dict[str, Any] | None:
        announcement = ResultsAnnouncement.objects.filter(room_id=plenary_id).select_related("budget").first()
        return announcement_view(announcement)

    # the same for everyone in the meeting: read once per unit of work (a wave of moves reads it once)
    return recall((ANNOUNCEMENT, plenary_id), read)


def announceable_budgets(user: User, plenary: Room) -> list[dict[str, Any]]:
    """The budgets whose results `user` may announce in this meeting (for the panel's choice)."""
    budgets = Budget.objects.filter(council_id=plenary.council_id, result__status=BudgetResult.Status.DONE)
    return [
        {"id": budget.pk, "title": budget.title}
        for budget in budgets.order_by("-pk")
        if user.has_perm(ANNOUNCE, ResultsAnnouncement(room=plenary, budget=budget))
    ]
