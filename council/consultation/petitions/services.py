"""Writes of petitions: typed values in, the rules asked, events sent after commit.

Signing is not announced here: the caller asks for a coalesced count once the signature is
committed (live.py), so a wave of signatures sends one count per interval. Reaching the
threshold is announced (`petitions.petition_changed`) and puts the petition on the agenda of the
council's meeting room through the host's agenda registry (council/rooms/agenda_links.py).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation.petitions import events
from council.consultation.petitions import permissions as perms
from council.consultation.petitions import selectors
from council.consultation.petitions.models import MAX_ANSWER_CHARS
from council.consultation.petitions.models import MAX_BODY_CHARS
from council.consultation.petitions.models import MAX_TITLE_CHARS
from council.consultation.petitions.models import Petition
from council.consultation.petitions.models import PetitionSettings
from council.consultation.petitions.models import Signature
from council.consultation.services import plain_text
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.councils.models import Council
from council.groups.models import NeighbourhoodGroup
from council.rooms import agenda_links
from council.rooms.models import Room
from council.verifications.requirements import VerificationRequired
from council.verifications.requirements import parse_requirement
from council.verifications.requirements import requirement_of

Status = Petition.Status


def _announce(petition: Petition) -> None:
    send_event_on_commit(events.petition_group(petition.pk), events.PETITION_CHANGED, selectors.petition_state(petition))


@transaction.atomic
def petition_settings_save(
    *, actor: User, council: Council, threshold: int, meeting_room_id: int | None,
    verification_requirement: dict[str, Any] | None = None,
) -> PetitionSettings:
    """The council's threshold, meeting room and the verifications asked of signers (`{"kinds": [...],
    "mode": "any"|"all"}`, council/verifications; none: `{}`) for the petitions opened from now on."""
    require_perm(actor, perms.MANAGE, council)
    if threshold < 1:
        raise InvalidInput(_("A petition needs at least one signature."))
    try:
        requirement = parse_requirement(verification_requirement or {}).as_json()
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    room = None
    if meeting_room_id is not None:
        room = Room.objects.filter(pk=meeting_room_id, council=council, parent__isnull=True).first()
        if room is None:
            raise InvalidInput(_("Choose a meeting room of this council."))
    found, _created = PetitionSettings.objects.update_or_create(
        council=council, defaults={"threshold": threshold, "meeting_room": room, "verification_requirement": requirement}
    )
    return found


@transaction.atomic
def petition_open(*, actor: User, council: Council, title: str, body: str, request_id: str = "") -> Petition:
    """Open a petition in the council with its current threshold; the same `request_id` twice opens one."""
    require_perm(actor, perms.OPEN, council)
    request_id = (request_id or "")[:64]
    if request_id:
        again = Petition.objects.filter(council=council, author=actor, client_request_id=request_id).first()
        if again is not None:
            return again
    fields = {
        "title": plain_text(
            title, limit=MAX_TITLE_CHARS, empty=_("Give your petition a title."),
            too_long=_("The title is too long (%(count)d characters; at most %(max)d)."),
        ),
        "body": plain_text(
            body, limit=MAX_BODY_CHARS, empty=_("Write what your petition asks for."),
            too_long=_("The text is too long (%(count)d characters; at most %(max)d)."),
        ),
    }
    chosen = selectors.settings_for(council)
    try:
        with transaction.atomic():  # a concurrent double submit meets the unique constraint
            return Petition.objects.create(
                council=council, author=actor, client_request_id=request_id,
                threshold=chosen.threshold, verification_requirement=chosen.verification_requirement, **fields,
            )
    except IntegrityError:
        return Petition.objects.get(council=council, author=actor, client_request_id=request_id)


def _put_on_agenda(petition: Petition) -> None:
    """On the agenda of the council's meeting room, if it chose one and an agenda takes items."""
    room = selectors.settings_for(petition.council).meeting_room
    if room is None:
        return
    item_id = agenda_links.add_item(room.pk, _("Petition: %(title)s") % {"title": petition.title})
    if item_id is not None:
        petition.agenda_room = room
        petition.agenda_item_id = item_id


def _require_signer(actor: User, petition: Petition) -> None:
    """Refuse with the reason; a missing verification names what is missing and links to where
    it is obtained, as every module does (council/verifications)."""
    reason = perms.why_not_sign(actor, petition)
    if not reason:
        return
    if reason == perms.verification_reason(petition):
        page = reverse("petition-detail", args=[petition.council.slug, petition.pk])
        raise VerificationRequired(petition.council, requirement_of(petition), page)
    raise AccessDenied(reason, perm=perms.SIGN)


@transaction.atomic
def petition_sign(*, actor: User, petition_id: int) -> dict[str, Any]:
    """Sign a petition once (a second time changes nothing); the signature that reaches the
    threshold puts it on the meeting's agenda and calls for the council's answer."""
    petition = perms.access_petition(actor, petition_id, for_update=True)  # one signer at a time crosses the threshold
    _require_signer(actor, petition)
    Signature.objects.bulk_create([Signature(petition=petition, user=actor)], ignore_conflicts=True)
    count = selectors.signature_count(petition.pk)
    if petition.status == Status.OPEN and count >= petition.threshold:
        petition.status = Status.AWAITING_ANSWER
        petition.reached_at = timezone.now()
        _put_on_agenda(petition)
        petition.save(update_fields=["status", "reached_at", "agenda_room", "agenda_item_id"])
        _announce(petition)
    return {"petition_id": petition.pk, "signed": True, "signatures": count}


@transaction.atomic
def petition_unsign(*, actor: User, petition_id: int) -> dict[str, Any]:
    """Take one's signature back while the petition collects signatures."""
    petition = perms.access_petition(actor, petition_id, for_update=True)
    if petition.status != Status.OPEN:
        raise InvalidInput(_("This petition reached its threshold: its signatures are final."))
    Signature.objects.filter(petition=petition, user=actor).delete()
    return {"petition_id": petition.pk, "signed": False, "signatures": selectors.signature_count(petition.pk)}


def signers_group(petition: Petition) -> NeighbourhoodGroup:
    """The segment of the petition's signers ("signed petition X"), made once, for the notification machinery."""
    rule = {"field": "signed_petition", "op": "in", "value": [petition.pk]}
    found = NeighbourhoodGroup.objects.filter(council=petition.council, kind=NeighbourhoodGroup.Kind.SEGMENT, rule=rule).first()
    if found is not None:
        return found
    return NeighbourhoodGroup.objects.create(
        council=petition.council, kind=NeighbourhoodGroup.Kind.SEGMENT, rule=rule,
        name=(_("Signers of the petition “%(title)s”") % {"title": petition.title})[:120],
    )


@transaction.atomic
def petition_answer(*, actor: User, petition_id: int, answer: str) -> Petition:
    """The council's official answer (or a corrected one); its signers are notified in the app."""
    from council.groups.notifications import notification_send_for

    petition = perms.access_petition(actor, petition_id, for_update=True)
    require_perm(actor, perms.ANSWER, petition)
    petition.answer = plain_text(
        answer, limit=MAX_ANSWER_CHARS, empty=_("Write the answer."),
        too_long=_("The answer is too long (%(count)d characters; at most %(max)d)."),
    )
    petition.status = Status.ANSWERED
    petition.answered_by = actor
    petition.answered_at = timezone.now()
    petition.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    url = reverse("petition-detail", args=[petition.council.slug, petition.pk])
    notification_send_for(
        actor=actor, group=signers_group(petition),
        subject=(_("The council answered the petition “%(title)s”") % {"title": petition.title})[:200],
        body=f"{petition.answer}\n\n{url}", by_email=False,
    )
    _announce(petition)
    return petition
