"""Who may ask, upvote and moderate questions in a meeting: rules asked about its plenary room."""

from typing import Any

import rules

from council.core.permissions import predicate
from council.rooms.models import Room
from council.rooms.permissions import is_muted_in_room


@predicate
def may_view_room(user: Any, room: Room) -> bool:
    return bool(user.has_perm("rooms.view_room", room))


@predicate
def runs_the_meeting(user: Any, room: Room) -> bool:
    return bool(user.has_perm("rooms.moderate_room", room))


# Residents ask too (the point of the Q&A); someone muted in the chat is muted here as well.
rules.add_perm("questions.ask_question", runs_the_meeting | (may_view_room & ~is_muted_in_room))
rules.add_perm("questions.upvote_question", may_view_room)
rules.add_perm("questions.moderate_questions", runs_the_meeting)
# Pending questions and the real names behind anonymous ones.
rules.add_perm("questions.see_pending", runs_the_meeting)
