"""A contribution on a meeting's stage and on its agenda (a meeting module, registered in apps.py).

Two commands of the room socket: `consultation.show_contribution` puts a contribution on every
stage of the meeting (or, with none, takes it off), `consultation.add_to_agenda` appends an item
for it to the meeting's agenda (through the host's agenda registry: the agenda is workshops').
The stage is told to the whole meeting as `consultation.stage_changed`, carrying the whole card,
and is the snapshot's `consultation_stage` section, so a socket that joins or reconnects sees it.
Who may do either is `consultation_meetings.present_contribution` (permissions.py).
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation.meetings import events
from council.consultation.meetings.models import AgendaContribution
from council.consultation.meetings.models import ContributionOnStage
from council.consultation.meetings.permissions import PRESENT
from council.consultation.meetings.permissions import Presentation
from council.consultation.models import Contribution
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.selectors import contribution_url
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.memo import recall
from council.core.permissions import require_perm
from council.core.process_cache import room_view
from council.core.realtime import send_event_on_commit
from council.rooms import agenda_links
from council.rooms.agenda_links import Attachment
from council.rooms.events import meeting_group
from council.rooms.models import Room
from council.rooms.permissions import access_room

STAGE = room_view("consultation.stage")  # kept across arrival waves (council/core/process_cache.py)


SHOW_COMMAND = "consultation.show_contribution"
AGENDA_COMMAND = "consultation.add_to_agenda"
OFFERED = 50  # contributions a facilitator can choose from in the tab (the most supported first)


def card(contribution: Contribution | None) -> dict[str, Any] | None:
    """What every stage of the meeting shows of a contribution (public fields only)."""
    if contribution is None or not contribution.is_visible:
        return None
    return {
        "contribution_id": contribution.pk,
        "consultation_id": contribution.consultation_id,
        "consultation": contribution.consultation.title,
        "title": contribution.title,
        "body": contribution.body,
        "author": str(contribution.author.public_name),
        "status": contribution.status,
        "endorsements": contribution.endorsements.count(),
        "url": contribution_url(contribution),
    }


def _plenary(actor: User, room_id: int) -> Room:
    room = access_room(actor, room_id, for_update=True)
    return room.parent if room.parent_id else room  # type: ignore[return-value]


def _contribution(actor: User, room: Room, contribution_id: int) -> Contribution:
    contribution = (
        Contribution.objects.select_related("consultation__council", "author").filter(pk=contribution_id).first()
    )
    if contribution is None:
        raise AccessDenied(PRESENT)
    require_perm(actor, PRESENT, Presentation(room=room, contribution=contribution))
    return contribution


def _changed(room_id: int, contribution: Contribution | None) -> None:
    send_event_on_commit(meeting_group(room_id), events.STAGE_CHANGED, {"room_id": room_id, "contribution": card(contribution)})


@transaction.atomic
def contribution_show(*, actor: User, room_id: int, contribution_id: int | None) -> dict[str, Any]:
    """Put a contribution on every stage of the meeting; with none, take it off. Told to the whole meeting."""
    room = _plenary(actor, room_id)
    if contribution_id is None:
        current = ContributionOnStage.objects.select_for_update().filter(room=room).select_related("contribution__consultation").first()
        if current is not None:
            require_perm(actor, PRESENT, Presentation(room=room, contribution=current.contribution))
            current.delete()
            _changed(room.pk, None)
        return {"contribution_id": None}
    contribution = _contribution(actor, room, contribution_id)
    ContributionOnStage.objects.update_or_create(room=room, defaults={"contribution": contribution})
    _changed(room.pk, contribution)
    return {"contribution_id": contribution.pk}


@transaction.atomic
def contribution_add_to_agenda(*, actor: User, room_id: int, contribution_id: int) -> dict[str, Any]:
    """Append an item for the contribution to the meeting's agenda (once per meeting)."""
    room = _plenary(actor, room_id)
    contribution = _contribution(actor, room, contribution_id)
    return add_to_agenda(
        room, AgendaContribution, _("Contribution: %(title)s") % {"title": contribution.title},
        already=_("This contribution is already on the meeting's agenda."), contribution=contribution,
    )


def add_to_agenda(room: Room, link: type[models.Model], title: str, *, already: str, **target: Any) -> dict[str, Any]:
    """Append an item titled `title` to the meeting's agenda and note which thing it is about
    (`link`: AgendaContribution or AgendaQuestionnaire, `target` its field), once per meeting."""
    if link._default_manager.filter(room=room, **target).exists():
        raise InvalidInput(already)
    item_id = agenda_links.add_item(room.pk, title)
    if item_id is None:
        raise InvalidInput(_("This meeting has no agenda to add to."))
    link._default_manager.create(room=room, item_id=item_id, **target)
    return {"item_id": item_id}


def on_stage(plenary_id: int) -> tuple[Contribution | None, Questionnaire | None]:
    """The contribution and the questionnaire (its results) on the meeting's stage: one query for
    both snapshot sections, read once per unit of work (the same for the whole meeting)."""

    def read() -> tuple[Contribution | None, Questionnaire | None]:
        room = (
            Room.objects.filter(pk=plenary_id)
            .select_related(
                "contribution_on_stage__contribution__consultation__council", "contribution_on_stage__contribution__author",
                "results_on_stage__questionnaire__consultation__council",
            ).first()
        )
        shown: list[Any] = []
        for relation, field in (("contribution_on_stage", "contribution"), ("results_on_stage", "questionnaire")):
            try:
                shown.append(getattr(getattr(room, relation), field))
            except ObjectDoesNotExist:  # nothing of that kind on the stage (or no such room)
                shown.append(None)
        return shown[0], shown[1]

    return recall(("consultation.on_stage", plenary_id), read)


def stage_section(user: User, room: Room) -> dict[str, Any] | None:
    """The snapshot's `consultation_stage`: the contribution on the meeting's stage, or None."""
    plenary_id = room.parent_id or room.pk
    return recall((STAGE, plenary_id), lambda: card(on_stage(plenary_id)[0]))  # the same for the whole meeting


def presentable_contributions(user: Any, plenary: Room) -> list[dict[str, Any]]:
    """What `user` may bring into this meeting (for the tab's choice): none if they do not run it."""
    if not user.has_perm("rooms.moderate_room", plenary):
        return []
    found = (
        Contribution.objects.visible()
        .filter(consultation__council_id=plenary.council_id, consultation__is_published=True)
        .select_related("consultation")
        .annotate(supports=Count("endorsements"))
        .order_by("-supports", "-created_at")[:OFFERED]
    )
    return [
        {"id": c.pk, "title": c.title, "consultation": c.consultation.title}
        for c in found
        if user.has_perm(PRESENT, Presentation(room=plenary, contribution=c))
    ]


def agenda_attachments(room_id: int) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = {}
    for link in AgendaContribution.objects.filter(room_id=room_id).select_related("contribution").order_by("pk"):
        contribution = link.contribution
        if contribution.is_visible:
            found.setdefault(link.item_id, []).append(
                Attachment(kind="contribution", id=contribution.pk, title=contribution.title, status=contribution.status)
            )
    return found


def attachment_strings() -> dict[str, Any]:
    return {"kind": _("Contribution"), "statuses": {str(value): str(label) for value, label in Contribution.Status.choices}}
