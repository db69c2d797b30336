"""Who may do what with live polls (docs/permissions.md, "Live polls").

Asked about a poll (an unsaved `Poll(room=plenary)` for creating one): the poll's room
decides, through the room's own rules (rooms.moderate_room, rooms.view_room).
"""

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.memo import remembered
from council.core.permissions import predicate
from council.verifications.permissions import meets_requirement_of
from council.verifications.requirements import require_verified
from council.voting.polls.models import Poll

MANAGE_POLL = "polls.manage_poll"
ANSWER_POLL = "polls.answer_poll"
SEE_RESULTS = "polls.see_results"


@predicate
def runs_the_poll_room(user: User | AnonymousUser, poll: Poll) -> bool:
    """The room's facilitators (council facilitators and administrators, its own facilitators)."""
    return user.is_authenticated and user.has_perm("rooms.moderate_room", poll.room)


@predicate
def follows_the_poll_room(user: User | AnonymousUser, poll: Poll) -> bool:
    return user.is_authenticated and user.has_perm("rooms.view_room", poll.room)


@predicate
def results_are_live(user: User | AnonymousUser, poll: Poll) -> bool:
    return poll.visibility == Poll.Visibility.LIVE and poll.status != Poll.Status.DRAFT


@predicate
def poll_is_closed(user: User | AnonymousUser, poll: Poll) -> bool:
    return poll.status == Poll.Status.CLOSED


rules.add_perm(MANAGE_POLL, runs_the_poll_room)
poll_verified = meets_requirement_of(lambda poll: poll, council=lambda poll: poll.room.council)
rules.add_perm(ANSWER_POLL, follows_the_poll_room & poll_verified)
rules.add_perm(SEE_RESULTS, runs_the_poll_room | (follows_the_poll_room & (results_are_live | poll_is_closed)))


def access_poll(user: User, poll_id: int, *, room_id: int, perm: str, for_update: bool = False) -> Poll:
    """Fetch a poll of the meeting `room_id` and check `perm`; missing and forbidden raise the same AccessDenied."""
    polls = Poll.objects.select_related("room__council")
    if for_update:
        polls = polls.select_for_update(of=("self",))
    poll = polls.filter(pk=poll_id, room_id=room_id).first()
    with remembered():
        if poll is None or not user.has_perm(perm, poll):
            if poll is not None and perm == ANSWER_POLL and user.has_perm("rooms.view_room", poll.room):
                require_verified(user, poll.room.council, poll)  # says which verification, and where
            raise AccessDenied(perm)
    return poll
