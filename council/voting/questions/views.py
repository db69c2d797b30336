"""The projector page of a meeting's Q&A, and what the Questions tab needs that the socket does not carry."""

from typing import Any
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.rooms.permissions import access_room
from council.voting.questions.strings import screen_strings


def questions_panel_data(request: HttpRequest, plenary: Any) -> dict[str, Any]:
    """The address of the projector page (everyone may open it: it shows only what the meeting sees)."""
    return {"screen_url": reverse("questions-screen", args=[plenary.council.slug, plenary.pk])}


@login_required
def questions_screen(request: HttpRequest, council_slug: str, room_id: int) -> HttpResponse:
    """The question on the screen, full page, large, live over the room's socket."""
    try:
        room = access_room(cast(User, request.user), room_id)
    except AccessDenied as error:
        raise Http404 from error
    if room.council.slug != council_slug or room.parent_id is not None:
        raise Http404
    return render(request, "questions/screen.html", {"room": room, "screen_strings": screen_strings()})
