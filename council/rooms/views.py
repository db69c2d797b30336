from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from council.core.errors import AccessDenied
from council.councils.middleware import CouncilRequest
from council.rooms import services
from council.rooms.forms import FacilitatorForm
from council.rooms.forms import RoomForm
from council.rooms.models import Room
from council.rooms.panels import panels_for
from council.rooms.permissions import access_room
from council.rooms.selectors import room_facilitator_candidates
from council.rooms.selectors import room_facilitator_list
from council.rooms.selectors import room_list_managed
from council.rooms.strings import room_strings
from council.verifications.requirements import requirement_of
from council.verifications.requirements import verification_link


@login_required
def room_detail(request: CouncilRequest, council_slug: str, room_id: int) -> HttpResponse:
    try:
        room = access_room(request.user, room_id)
    except AccessDenied as error:
        raise Http404 from error
    if room.council_id != request.council.pk:
        raise Http404
    plenary = room.parent or room
    panels = panels_for(request, plenary)
    context = {
        "room": room,
        # A breakout room's page is titled after its plenary too ("Workshop 2 — Plenary").
        "plenary": plenary,
        "room_strings": room_strings(),
        # What the browser passes to RTCPeerConnection (STUN/TURN); empty on loopback and LAN.
        "media_ice_servers": getattr(settings, "MEDIA_ICE_SERVERS", []),
        # What the meeting modules add (council/rooms/panels.py): tabs, stage parts, scripts.
        "panels": panels,
        "panel_scripts": [{"name": p["name"], "script": p["script"]} for p in panels],
        "verification": {
            "required": requirement_of(room).describe(),
            "link": verification_link(request.user, room, request.get_full_path()),
        },
    }
    return render(request, "rooms/room_detail.html", context)


# The facilitators' page: create, edit, lock and readmit, all through the rooms services.


def _managed_room(request: CouncilRequest, room_id: int, perm: str) -> Room:
    """The council's plenary room if the person may `perm` on it; 404 for missing and forbidden alike."""
    try:
        room = access_room(request.user, room_id, perm=perm)
    except AccessDenied as error:
        raise Http404 from error
    if room.council_id != request.council.pk or room.parent_id is not None:
        raise Http404
    return room


def _save(request: CouncilRequest, form: RoomForm, write: Callable[..., Any]) -> bool:
    """Call the service with the form's values; its refusals become errors next to the fields."""
    if not form.is_valid():
        return False
    try:
        write(**form.service_arguments())
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@login_required
def room_manage(request: CouncilRequest, council_slug: str) -> HttpResponse:
    council = request.council
    if not request.user.has_perm("rooms.create_room", council):
        raise PermissionDenied
    form = RoomForm(request.POST or None, council=council, prefix="new")
    if request.method == "POST":
        create = partial(services.room_create, actor=request.user, council=council)
        if _save(request, form, create):
            messages.success(request, _("The room was created."))
            return redirect("room-manage", council_slug=council.slug)
    context = {"council": council, "rooms": room_list_managed(council=council), "form": form}
    return render(request, "rooms/room_manage.html", context, status=400 if form.errors else 200)


def _room_initial(room: Room) -> dict[str, Any]:
    return {
        "name": room.name,
        "description": room.description,
        "starts_at": room.starts_at,
        "eligible_groups": list(room.eligible_groups.all()),
        "verification_requirement": room.verification_requirement,
    }


@login_required
def room_edit(request: CouncilRequest, council_slug: str, room_id: int) -> HttpResponse:
    room = _managed_room(request, room_id, "rooms.moderate_room")
    form = RoomForm(request.POST or None, council=request.council, initial=_room_initial(room))
    if request.method == "POST":
        update = partial(services.room_update, actor=request.user, room_id=room.pk)
        if _save(request, form, update):
            messages.success(request, _("The room was saved."))
            return redirect("room-manage", council_slug=council_slug)
    return _edit_page(request, room, form)


def _edit_page(
    request: CouncilRequest, room: Room, form: RoomForm, facilitator_form: FacilitatorForm | None = None
) -> HttpResponse:
    """The room's edit page; those who choose who runs it also see its facilitators."""
    context = {"council": request.council, "room": room, "form": form}
    if request.user.has_perm("rooms.manage_facilitators", room):
        if facilitator_form is None:
            facilitator_form = FacilitatorForm(candidates=room_facilitator_candidates(room=room), prefix="facilitator")
        context.update(facilitators=room_facilitator_list(room=room), facilitator_form=facilitator_form)
    failed = form.errors or (facilitator_form is not None and facilitator_form.errors)
    return render(request, "rooms/room_edit.html", context, status=400 if failed else 200)


def _facilitated_room(request: CouncilRequest, room_id: int) -> Room:
    """The plenary room whose facilitators the person may choose: 404 if hidden, 403 if only followed."""
    room = _managed_room(request, room_id, "rooms.view_room")
    if not request.user.has_perm("rooms.manage_facilitators", room):
        raise PermissionDenied
    return room


@login_required
@require_POST
def room_facilitator_add(request: CouncilRequest, council_slug: str, room_id: int) -> HttpResponse:
    room = _facilitated_room(request, room_id)
    form = FacilitatorForm(request.POST, candidates=room_facilitator_candidates(room=room), prefix="facilitator")
    if form.is_valid():
        try:
            person = services.room_facilitator_grant(
                actor=request.user, room_id=room.pk, user_id=form.cleaned_data["user"].pk
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(person)s now runs “%(name)s”.") % {"person": person.public_name, "name": room.name}
            )
            return redirect("room-edit", council_slug=council_slug, room_id=room.pk)
    return _edit_page(request, room, RoomForm(council=request.council, initial=_room_initial(room)), form)


@login_required
@require_POST
def room_facilitator_remove(request: CouncilRequest, council_slug: str, room_id: int, user_id: int) -> HttpResponse:
    room = _facilitated_room(request, room_id)
    services.room_facilitator_revoke(actor=request.user, room_id=room.pk, user_id=user_id)
    messages.success(request, _("This person no longer runs “%(name)s”.") % {"name": room.name})
    return redirect("room-edit", council_slug=council_slug, room_id=room.pk)


@login_required
@require_POST
def room_lock(request: CouncilRequest, council_slug: str, room_id: int) -> HttpResponse:
    room = _managed_room(request, room_id, "rooms.lock_room")
    locked = request.POST.get("locked") == "1"
    services.room_lock(actor=request.user, room_id=room.pk, locked=locked)
    if locked:
        messages.success(request, _("“%(name)s” is locked: only facilitators may come in.") % {"name": room.name})
    else:
        messages.success(request, _("“%(name)s” is open again.") % {"name": room.name})
    return redirect("room-manage", council_slug=council_slug)


@login_required
@require_POST
def participant_readmit(request: CouncilRequest, council_slug: str, room_id: int, user_id: int) -> HttpResponse:
    room = _managed_room(request, room_id, "rooms.remove_participant")
    services.participant_readmit(actor=request.user, room_id=room.pk, user_id=user_id)
    messages.success(request, _("The person may come back into “%(name)s”.") % {"name": room.name})
    return redirect("room-manage", council_slug=council_slug)
