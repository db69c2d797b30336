"""Who may do what with the meeting rules (docs/permissions.md, "Meeting rules").

The officials who run a sitting are those who run its room (`rooms.moderate_room`).
"""

import rules
from django.contrib.auth.models import AnonymousUser

from council.accounts.models import User
from council.core.permissions import predicate
from council.councils.models import Council
from council.councils.permissions import council_of
from council.councils.permissions import is_council_administrator
from council.councils.permissions import is_council_facilitator
from council.rooms.models import Room
from council.voting.assembly.selectors import is_member_in_office
from council.voting.assembly.selectors import rules_get


@predicate
def runs_the_room(user: User | AnonymousUser, obj: object) -> bool:
    """Runs the room asked about; asked about the council (paper proxies): its facilitators."""
    if isinstance(obj, Council):
        return bool(is_council_facilitator(user, obj))
    return isinstance(obj, Room) and user.has_perm("rooms.moderate_room", obj)


@predicate
def follows_the_room(user: User | AnonymousUser, room: object) -> bool:
    return isinstance(room, Room) and user.has_perm("rooms.view_room", room)


@predicate
def member_in_office(user: User | AnonymousUser, obj: object) -> bool:
    return obj is not None and isinstance(user, User) and is_member_in_office(user=user, council=council_of(obj))


@predicate
def proxies_allowed(user: User | AnonymousUser, obj: object) -> bool:
    return obj is not None and rules_get(council=council_of(obj)).proxies_allowed


rules.add_perm("assembly.manage_rules", is_council_administrator)
rules.add_perm("assembly.run_sitting", runs_the_room)
rules.add_perm("assembly.sign_in_people", runs_the_room)
rules.add_perm("assembly.give_proxy", member_in_office & proxies_allowed)
rules.add_perm("assembly.request_vote_mode", member_in_office & follows_the_room)
