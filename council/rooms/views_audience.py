"""Room pages about a room's audience: inviting a group to it, its attendance by zone and group.

They live with rooms (groups knows nothing of rooms): groups offers the notifications,
the groups and the breakdowns with small cells hidden; rooms says which room and who came.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from council.core.errors import AccessDenied
from council.core.submit import submit
from council.councils.middleware import CouncilRequest
from council.councils.models import Council
from council.groups.models import NeighbourhoodGroup
from council.groups.notifications import BODY_MAX
from council.groups.notifications import SUBJECT_MAX
from council.groups.selectors import MIN_CELL_SIZE
from council.groups.selectors import breakdown
from council.groups.selectors import breakdown_by_zone
from council.rooms import invitations
from council.rooms.models import Room
from council.rooms.models import RoomAttendance
from council.rooms.permissions import access_room


class RoomInviteForm(forms.Form):
    group = forms.ModelChoiceField(
        label=gettext_lazy("Group or segment to invite"), queryset=NeighbourhoodGroup.objects.none()
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=SUBJECT_MAX)
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("The invitation names the room and gives its link; add anything else here."),
    )
    by_email = forms.BooleanField(label=gettext_lazy("Also send it by e-mail"), required=False, initial=True)

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)  # the field declared above
        group.queryset = NeighbourhoodGroup.objects.filter(council=council)


@login_required
def room_invite(request: CouncilRequest, council_slug: str, room_id: int) -> HttpResponse:
    try:
        room = access_room(request.user, room_id, perm="rooms.moderate_room")
    except AccessDenied as error:
        raise Http404 from error
    if room.council_id != request.council.pk:
        raise Http404
    form = RoomInviteForm(
        request.POST or None,
        council=request.council,
        initial={"subject": invitations.room_invite_subject(room)},
    )
    if request.method == "POST" and form.is_valid():
        outcome = submit(
            lambda: invitations.room_invite(
                actor=request.user, room=room, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            ),
            form=form,
            refused=Http404,
        )
        if outcome.done:
            messages.success(request, _("The invitation is being sent."))
            return redirect("notification-send-detail", council_slug=council_slug, send_id=outcome.result.pk)
    return render(request, "rooms/room_invite.html", {"form": form, "room": room})


def _with_bars(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each shown cell's bar length, in percent of the largest shown cell."""
    largest = max((row["count"] for row in rows if row["count"] is not None), default=0)
    for row in rows:
        row["percent"] = round(100 * row["count"] / largest) if row["count"] and largest else 0
    return rows


@login_required
def room_breakdown(request: CouncilRequest, council_slug: str, room_id: int) -> HttpResponse:
    council = request.council
    room = Room.objects.filter(council=council, pk=room_id).first()
    if room is None or not request.user.has_perm("groups.view_breakdown", council):
        raise Http404
    attendees = list(RoomAttendance.objects.filter(room=room).values_list("user_id", flat=True))
    groups = NeighbourhoodGroup.objects.filter(council=council)
    total = len(attendees)
    return render(
        request,
        "groups/breakdown.html",
        {
            "council": council,
            "room": room,
            "total": total if total >= MIN_CELL_SIZE else None,
            "min_cell_size": MIN_CELL_SIZE,
            "zones": _with_bars(breakdown_by_zone(council=council, user_ids=attendees)),
            "groups": _with_bars(breakdown(user_ids=attendees, groups=groups)),
        },
    )
