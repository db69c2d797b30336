"""Who may do what in a live room: one named permission per action (docs/permissions.md)."""

from collections.abc import Iterable

import rules
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from guardian.models import GroupObjectPermission
from guardian.models import UserObjectPermission

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.facts import Fact
from council.core.facts import Loader
from council.core.facts import register_fact
from council.core.facts import remember_facts
from council.core.memo import remember
from council.core.memo import remembered
from council.core.permissions import predicate
from council.councils.permissions import has_council_role
from council.councils.permissions import is_council_facilitator
from council.councils.permissions import is_council_member
from council.groups.permissions import eligible_groups_remember
from council.groups.permissions import is_eligible
from council.rooms import host
from council.rooms.models import ChatMute
from council.rooms.models import Room
from council.rooms.models import RoomFloor
from council.rooms.models import RoomRemoval
from council.verifications.permissions import meets_requirement

# Facts about one person in one room, each one row a facilitator wrote (or not).


#: fact name -> the table whose row says it; the three are read together
_ROWS: dict[str, type[ChatMute | RoomRemoval | RoomFloor]] = {
    "rooms.removed": RoomRemoval,
    "rooms.muted": ChatMute,
    "rooms.floor": RoomFloor,
}


def _rows_of(name: str) -> Loader:
    """The loader of one of the row facts: it reads all three in one query and remembers the others.

    A connect asks whether the person was removed (to let them in), then whether they are
    muted (their capabilities): one query for both, not one each. Plain SQL: a crowd's votes
    and connects ask it once a batch, and the ORM took longer to compile this union of three
    than the database to answer it.
    """

    def many(users: list[User], room_ids: list[int]) -> dict[tuple[int, int], bool]:
        user_ids = [user.pk for user in users]
        if not user_ids or not room_ids:
            return {}  # "IN ()" is no SQL
        in_rooms, in_users = _placeholders(room_ids), _placeholders(user_ids)
        sql = " UNION ALL ".join(
            f"SELECT %s, user_id, room_id FROM {model._meta.db_table} WHERE room_id IN ({in_rooms}) AND user_id IN ({in_users})"  # noqa: S608 - names from the models, values as parameters
            for model in _ROWS.values()
        )
        params: list[int | str] = []
        for fact_name in _ROWS:
            params += [fact_name, *room_ids, *user_ids]
        found: dict[str, set[tuple[int, int]]] = {fact_name: set() for fact_name in _ROWS}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for fact_name, user_id, room_id in cursor.fetchall():
                found[fact_name].add((user_id, room_id))
        for fact_name, fact in _row_facts.items():
            if fact_name != name:
                for user_id in user_ids:
                    for room_id in room_ids:
                        remember(fact.key(user_id, room_id), (user_id, room_id) in found[fact_name])
        return dict.fromkeys(found[name], True)

    return many


def _placeholders(values: list[int]) -> str:
    return ", ".join(["%s"] * len(values))


def _facilitates(users: list[User], room_ids: list[int]) -> dict[tuple[int, int], bool]:
    """facilitate_room granted to the person or to a group of theirs, as guardian's get_perms
    answers: nothing for an inactive account, everything for a superuser."""
    granted = _facilitator_grants([user.pk for user in users], room_ids)
    return {
        (user.pk, room_id): True
        for user in users
        if user.is_active
        for room_id in room_ids
        if user.is_superuser or (user.pk, room_id) in granted
    }


removed: Fact[bool] = register_fact("rooms.removed", model="rooms.Room", many=_rows_of("rooms.removed"))
muted: Fact[bool] = register_fact("rooms.muted", model="rooms.Room", many=_rows_of("rooms.muted"))
floor: Fact[bool] = register_fact("rooms.floor", model="rooms.Room", many=_rows_of("rooms.floor"))
_row_facts: dict[str, Fact[bool]] = {"rooms.removed": removed, "rooms.muted": muted, "rooms.floor": floor}
facilitates: Fact[bool] = register_fact("rooms.facilitates", model="rooms.Room", many=_facilitates)


@predicate
def is_room_facilitator(user: User | AnonymousUser, room: Room) -> bool:
    return user.is_authenticated and facilitates(user, room)


@predicate
def is_removed_from_room(user: User | AnonymousUser, room: Room) -> bool:
    return removed(user, room)


@predicate
def is_muted_in_room(user: User | AnonymousUser, room: Room) -> bool:
    return muted(user, room)


@predicate
def has_the_floor(user: User | AnonymousUser, room: Room) -> bool:
    """A facilitator gave this person the floor in the room's call (RoomFloor)."""
    return user.is_authenticated and floor(user, room)


@predicate
def room_is_locked(user: User | AnonymousUser, room: Room) -> bool:
    return room.is_locked


@predicate
def room_chat_is_open_to_residents(user: User | AnonymousUser, room: Room) -> bool:
    return room.residents_can_chat


@predicate
def is_breakout_room(user: User | AnonymousUser, room: Room) -> bool:
    return room.parent_id is not None


# A breakout room belongs to a meeting module (workshops): who may run it and who may come
# in are that module's rules, registered with the host (rooms asks no module by name).
@predicate
def facilitates_breakout(user: User | AnonymousUser, room: Room) -> bool:
    return room.parent_id is not None and host.breakout_rule("facilitates", user, room)


@predicate
def admitted_to_breakout(user: User | AnonymousUser, room: Room) -> bool:
    return host.breakout_rule("admits", user, room)


can_moderate = is_council_facilitator | is_room_facilitator | facilitates_breakout
can_view = can_moderate | (
    has_council_role & ~is_removed_from_room & is_eligible & (~is_breakout_room | admitted_to_breakout)
)
can_join = can_moderate | (can_view & ~room_is_locked & meets_requirement)

rules.add_perm("rooms.view_room", can_view)
rules.add_perm("rooms.join_room", can_join)
# What join_room asks of verifications, asked again of a socket already in when the person gives
# one up (RoomConsumer.verifications_revoked): a facilitator needs none.
rules.add_perm("rooms.stay_verified", can_view & (can_moderate | meets_requirement))
# Locking stops people coming in, not those already in from taking part: writing and
# raising a hand need view_room (the socket itself was let in by join_room).
rules.add_perm(
    "rooms.send_message",
    can_moderate
    | (can_view & ~is_muted_in_room & (is_council_member | room_chat_is_open_to_residents | is_breakout_room)),
)
rules.add_perm("rooms.raise_hand", can_view)
rules.add_perm("rooms.moderate_room", can_moderate)
for action in (
    "delete_message",
    "mute_participant",
    "remove_participant",
    "lock_room",
    "open_chat",
    "manage_hands",
):
    rules.add_perm(f"rooms.{action}", can_moderate)
rules.add_perm("rooms.create_room", is_council_facilitator)
# Who runs a room besides the council's facilitators is theirs to decide (the room's page):
# a room's own facilitator may not name others, nor take the room from another.
rules.add_perm("rooms.manage_facilitators", is_council_facilitator)
# Asked about the person named: a member of the council (or more), never a resident.
rules.add_perm("rooms.become_facilitator", is_council_member)
# Video: members take part with camera and microphone, residents follow (receive only,
# capped by MEDIA_MAX_FOLLOWERS in the media worker) until a facilitator gives them the floor.
# A resident let into a workshop takes part in it like everyone there: chat, camera, microphone.
rules.add_perm(
    "rooms.publish_media", can_moderate | (can_view & (is_council_member | has_the_floor | is_breakout_room))
)
rules.add_perm("rooms.receive_media", can_view)
rules.add_perm("rooms.moderate_media", can_moderate)


def room_facts_remember(*, users: Iterable[User], rooms: Iterable[Room]) -> None:
    """Read what the room rules ask about each person, for many people and rooms at once.

    A workshop session moves everyone together; asked one person at a time, these facts
    would cost a query each per person (council/core/facts.py).
    """
    users, rooms = list(users), list(rooms)
    eligible_groups_remember(rooms, users)
    remember_facts(users, "rooms.Room", [room.pk for room in rooms])


def _facilitator_grants(user_ids: list[int], room_ids: list[int]) -> set[tuple[int, int]]:
    """(user id, room id) pairs with facilitate_room granted, to the person or to a group of theirs.

    One query for both (every connect and every batch of votes asks it), in plain SQL for the
    same reason as the row facts: guardian's tables, as its get_perms reads them.
    """
    if not user_ids or not room_ids:
        return set()
    room_type = ContentType.objects.get_for_model(Room)  # cached by Django after the first
    in_rooms, in_users = _placeholders(room_ids), _placeholders(user_ids)
    object_pks = [str(pk) for pk in room_ids]
    permission, person, group = (
        Permission._meta.db_table, UserObjectPermission._meta.db_table, GroupObjectPermission._meta.db_table
    )
    members = User.groups.through._meta.db_table
    sql = (
        f"SELECT granted.user_id, granted.object_pk FROM {person} granted"  # noqa: S608 - names from the models, values as parameters
        f" JOIN {permission} permission ON permission.id = granted.permission_id"
        f" WHERE granted.content_type_id = %s AND permission.codename = %s"
        f" AND granted.object_pk IN ({in_rooms}) AND granted.user_id IN ({in_users})"
        f" UNION SELECT member.user_id, granted.object_pk FROM {group} granted"
        f" JOIN {permission} permission ON permission.id = granted.permission_id"
        f" JOIN {members} member ON member.group_id = granted.group_id"
        f" WHERE granted.content_type_id = %s AND permission.codename = %s"
        f" AND granted.object_pk IN ({in_rooms}) AND member.user_id IN ({in_users})"
    )
    per_table: list[int | str] = [room_type.pk, "facilitate_room", *object_pks, *user_ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, per_table + per_table)
        return {(user_id, int(object_pk)) for user_id, object_pk in cursor.fetchall()}


def access_room(user: User, room_id: int, *, perm: str = "rooms.view_room", for_update: bool = False) -> Room:
    """Fetch a room and check `perm`; missing and forbidden raise the same AccessDenied."""
    rooms = Room.objects.select_related("council")
    if for_update:
        rooms = rooms.select_for_update(of=("self",))
    room = rooms.filter(pk=room_id).first()
    with remembered():
        if room is None or not user.has_perm(perm, room):
            raise AccessDenied(perm)
    return room
