"""Reads of petitions: lists, the public state a page and its socket show, agenda attachments."""

from typing import Any

from django.db.models import Count
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import QuerySet
from django.db.models import Value
from django.urls import reverse
from django.utils.translation import gettext as _

from council.consultation.petitions.models import DEFAULT_THRESHOLD
from council.consultation.petitions.models import Petition
from council.consultation.petitions.models import PetitionSettings
from council.consultation.petitions.models import Signature
from council.councils.models import Council
from council.rooms.agenda_links import Attachment


def settings_for(council: Council) -> PetitionSettings:
    """The council's settings as stored, or the defaults (unsaved) before it chose any."""
    found = PetitionSettings.objects.filter(council=council).select_related("meeting_room").first()
    return found or PetitionSettings(council=council, threshold=DEFAULT_THRESHOLD)


def petition_list(*, council: Council, user: Any = None) -> QuerySet[Petition]:
    """The council's petitions, newest first, with their count and whether `user` signed (`signed`)."""
    signed: Any = Value(False)
    if user is not None and user.is_authenticated:
        signed = Exists(Signature.objects.filter(petition=OuterRef("pk"), user=user))
    return (
        Petition.objects.filter(council=council).select_related("council")
        .annotate(signature_count=Count("signatures"), signed=signed).order_by("-created_at", "-pk")
    )


def signature_count(petition_id: int) -> int:
    return Signature.objects.filter(petition_id=petition_id).count()


def has_signed(petition: Petition, user: Any) -> bool:
    return bool(user.is_authenticated and Signature.objects.filter(petition=petition, user=user).exists())


def petition_state(petition: Petition) -> dict[str, Any]:
    """What everyone may read of a petition: its state and count, never who signed."""
    return {
        "petition_id": petition.pk,
        "status": petition.status,
        "signatures": signature_count(petition.pk),
        "threshold": petition.threshold,
        "on_agenda": petition.agenda_item_id is not None,
        "answer": petition.answer,
        "answered_at": petition.answered_at.isoformat() if petition.answered_at else None,
    }


def agenda_attachments(room_id: int) -> dict[int, list[Attachment]]:
    """The petitions put on this room's agenda, by item (council/rooms/agenda_links.py)."""
    found: dict[int, list[Attachment]] = {}
    petitions = Petition.objects.filter(agenda_room_id=room_id, agenda_item_id__isnull=False).order_by("pk")
    for petition in petitions:
        assert petition.agenda_item_id is not None
        found.setdefault(petition.agenda_item_id, []).append(
            Attachment(kind="petition", id=petition.pk, title=petition.title, status=petition.status)
        )
    return found


def attachment_strings() -> dict[str, Any]:
    return {"kind": _("Petition"), "statuses": {str(value): str(label) for value, label in Petition.Status.choices}}


def council_petitions_section(*, user: Any, council: Council) -> dict[str, Any] | None:
    """The council page's section: its latest petitions and the way to all, and to open one (None
    when there is none and the person may not open one)."""
    latest = list(Petition.objects.filter(council=council).order_by("-created_at", "-pk")[:5])
    may_open = user.has_perm("petitions.open_petition", council)
    if not latest and not may_open:
        return None
    return {
        "petitions": latest, "council": council, "may_open": may_open,
        "list_url": reverse("petition-list", args=[council.slug]), "new_url": reverse("petition-new", args=[council.slug]),
    }
