"""The meeting socket: a room socket that follows its person into workshops and back.

Sockets open on the plenary room. When workshops open, each socket whose person is
assigned moves itself into the breakout room (RoomConsumer.switch_room: chat, presence
and video follow); when the countdown after closing runs out, it moves back. Every
change of the session reaches every socket whole (`workshops.session_changed`); each
socket keeps for its person what they may see. Sockets keep no time: the server applies
the deadlines (council/workshops/deadlines.py) and sockets relay its warnings and follow
the session it announces.
"""

import asyncio
import contextlib
from typing import Any

from django.utils.translation import gettext_lazy as _

from council.core.consumers import Command
from council.core.errors import AccessDenied
from council.core.memo import recall
from council.rooms.consumers import RoomConsumer
from council.rooms.models import Room
from council.rooms.permissions import access_room
from council.rooms.selectors import room_remembered
from council.workshops import deadlines
from council.workshops import events
from council.workshops import selectors
from council.workshops import services
from council.workshops.consumer_agenda import AgendaSocketMixin
from council.workshops.consumer_notes import NotesSocketMixin
from council.workshops.permissions import access_session

RUNNING = ("open", "closing")


def personal_view(payload: dict[str, Any], *, user_id: int, runs: bool, follows_only: bool = False) -> dict[str, Any]:
    """What one person sees of the session: facilitators see everyone, others their own workshop.

    `follows_only`: a resident who follows the meeting (they choose only if the session
    includes followers), as in the rule workshops.choose_workshop.
    """
    view = {key: value for key, value in payload.items() if key not in ("assignments", "people")}
    view["my_workshop_id"] = next((w for u, w in payload["assignments"] if u == user_id), None)
    view["cofacilitating_id"] = _cofacilitated(payload, user_id)
    if runs:
        view["people"] = payload["people"]
    view["can"] = {
        "run": runs,
        "choose": payload["mode"] == "choice"
        and payload["status"] in ("draft", "open")
        and not runs
        and view["cofacilitating_id"] is None
        and (not follows_only or payload.get("include_followers", False)),
        "listen_in": runs and payload["listening_in_allowed"],
    }
    return view


def _place_of(payload: dict[str, Any], user_id: int) -> int | None:
    """The workshop a person belongs in: the one they are assigned to, else the one they co-facilitate."""
    assigned = next((w for u, w in payload["assignments"] if u == user_id), None)
    return assigned or _cofacilitated(payload, user_id)


def _cofacilitated(payload: dict[str, Any], user_id: int) -> int | None:
    return next((w["id"] for w in payload["workshops"] if (w["cofacilitator"] or {}).get("id") == user_id), None)


class MeetingConsumer(NotesSocketMixin, AgendaSocketMixin, RoomConsumer):
    plenary_id: int
    session_state: dict[str, Any] | None = None
    runs = False  # in the meeting's facilitators' group (kept by _keep_facilitators_group)
    visiting = False
    #: while moving: the session payload that sends this socket where it goes
    announced: dict[str, Any] | None = None

    # -- joining: the room a socket enters, the meeting group, the snapshot

    async def entry_room(self, room_id: int) -> int:
        deadlines.sweep_start()  # where this process applies the deadlines (embedded default)
        # One move of this socket at a time: a session announced while a visit or a return is
        # under way must see where that move went.
        self.moving = asyncio.Lock()
        parent_id = await self.run_sync(
            lambda: Room.objects.filter(pk=room_id).values_list("parent_id", flat=True).first()
        )
        self.plenary_id = parent_id or room_id
        if parent_id is not None:
            # The meeting group carries the plenary's sessions and agenda: a breakout whose
            # plenary this person may not see (a room hung under another council's) is refused.
            await self.run_sync(access_room, self.user, parent_id)
            return room_id
        return await self.run_sync(self._entry_destination) or room_id

    def _entry_destination(self) -> int | None:
        """A running session's breakout for this person, placing a late arrival by its rule."""
        session = selectors.session_running(plenary_id=self.plenary_id)
        if session is None:
            return None
        if selectors.destination(user=self.user, plenary_id=self.plenary_id) is None:
            services.late_arrival_place(user=self.user, session=session)
        return selectors.destination(user=self.user, plenary_id=self.plenary_id)

    async def joined(self) -> None:
        await self.join(events.meeting_group(self.plenary_id))
        await self._keep_facilitators_group(await self.run_sync(self._runs))

    def _runs(self) -> bool:
        """Whether this person runs the meeting, asked of the rule (sync)."""
        return self.user.has_perm("rooms.moderate_room", room_remembered(self.plenary_id))

    async def _keep_facilitators_group(self, runs: bool) -> None:
        """Join or leave the meeting's facilitators' group so that it holds exactly those who run it."""
        group = events.facilitators_group(self.plenary_id)
        self.runs = runs
        if runs and group not in self.joined_groups:
            await self.join(group)
        elif not runs and group in self.joined_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.joined_groups.remove(group)

    async def snapshot_sent(self, snapshot: dict[str, Any]) -> None:
        await self._keep_facilitators_group(self.runs)

    async def rights_changed(self) -> None:
        """Capabilities, the facilitators' group and every section follow the person's rights.

        When whether they run the meeting changed, the snapshot comes again, each section as
        they may now see it (the session's people, the agenda's controls, the reports): a
        facilitator demoted while connected stops seeing everyone's assignments.
        """
        await super().rights_changed()
        if await self.run_sync(self._runs) != self.runs:
            await self.send_snapshot(None)  # snapshot_sent then joins or leaves the facilitators' group

    def extend_snapshot(self, snapshot: dict[str, Any]) -> None:
        payload, runs = self._session_payload(self.announced)
        self.runs = runs
        self.session_state = payload
        self.follows_only = snapshot["me"]["role"] == "resident"
        snapshot["workshops"] = None if payload is None else self.view_of(payload)
        self.notes_snapshot(snapshot)
        self.agenda_snapshot(snapshot)

    def view_of(self, payload: dict[str, Any]) -> dict[str, Any]:
        return personal_view(
            payload, user_id=self.user.pk, runs=getattr(self, "runs", False),
            follows_only=getattr(self, "follows_only", False),
        )

    def _session_payload(self, announced: dict[str, Any] | None = None) -> tuple[dict[str, Any] | None, bool]:
        """The meeting's current session (None if not to be seen) and whether this person runs it.

        `announced` is the payload that moves this socket: when it is the current session it is
        used as it is, rather than read again by every socket that moves at once.
        """
        plenary = room_remembered(self.plenary_id)
        runs = self.user.has_perm("rooms.moderate_room", plenary)
        session = selectors.session_shown(plenary_id=self.plenary_id)
        if session is None or not self.user.has_perm("workshops.view_session", session):
            return None, runs
        if announced is not None and announced["session_id"] == session.pk:
            return announced, runs
        return recall(("session_payload", session.pk), lambda: selectors.session_payload(session)), runs

    async def disconnect(self, code: int) -> None:
        room_id = getattr(self, "room_id", None)
        if room_id is not None and getattr(self, "plenary_id", room_id) != room_id:
            with contextlib.suppress(Exception):
                await self.run_sync(services.breakout_left, actor=self.user, room_id=room_id)
        await super().disconnect(code)

    # -- following the session

    async def workshops_session_changed(self, message: dict[str, Any]) -> None:
        payload = message["payload"]
        self.session_state = payload
        await self.send_event(
            events.SESSION_UPDATED, self.view_of(payload)
        )
        await self.follow(payload)

    def _room_of_workshop(self, payload: dict[str, Any], workshop_id: int | None) -> int | None:
        return next((w["room_id"] for w in payload["workshops"] if w["id"] == workshop_id), None)

    async def follow(self, payload: dict[str, Any]) -> None:
        """Go where the session says this person belongs now."""
        async with self.moving:
            target = self._destination(payload)
            if target is not None:
                await self._move(target, payload)

    def _destination(self, payload: dict[str, Any]) -> int | None:
        """The room this socket must move to for the session to be followed (None: stay)."""
        breakouts = {w["room_id"] for w in payload["workshops"]}
        if payload["status"] in RUNNING and not self.visiting:
            target = self._room_of_workshop(payload, _place_of(payload, self.user.pk))
            if target is not None and target != self.room_id:
                return target
            if target is None and self.room_id in breakouts:
                return self.plenary_id
        elif payload["status"] not in RUNNING and self.room_id in breakouts:
            return self.plenary_id
        return None

    async def move_to(self, room_id: int, payload: dict[str, Any] | None, *, hidden: bool = False) -> bool:
        async with self.moving:
            return await self._move(room_id, payload, hidden=hidden)

    async def _move(self, room_id: int, payload: dict[str, Any] | None, *, hidden: bool = False) -> bool:
        if room_id == self.plenary_id:
            self.visiting = False
        workshop = None
        if payload is not None:
            workshop = next((w for w in payload["workshops"] if w["room_id"] == room_id), None)
        self.announced = payload
        try:
            moved = await self.switch_room(room_id, hidden=hidden)
        finally:
            self.announced = None
        if moved:
            await self.send_event(
                events.MOVED,
                {"room_id": room_id, "plenary_id": self.plenary_id, "workshop": workshop, "hidden": hidden},
            )
        return moved

    # -- commands

    async def create_session(self, command: Command) -> None:
        def create(*, actor, **kwargs):
            return {"session_id": services.session_create(actor=actor, **kwargs).pk}

        arguments = {"title": "", "workshops": [], **command.data.arguments()}
        await self.call_service(command, create, room_id=self.plenary_id, **arguments)

    async def _current_workshop_call(self, command: Command, service) -> None:
        workshop_id = self._current_workshop_id()
        if workshop_id is None:
            await self.send_error(command.request_id, "not_in_workshop", _("You are not in a workshop."))
            return
        await self.call_service(command, service, workshop_id=workshop_id)

    def _current_workshop_id(self) -> int | None:
        state = self.session_state or {"workshops": []}
        return next((w["id"] for w in state["workshops"] if w["room_id"] == self.room_id), None)

    async def ask_help(self, command: Command) -> None:
        await self._current_workshop_call(command, services.help_ask)

    async def ask_more_time(self, command: Command) -> None:
        await self._current_workshop_call(command, services.more_time_ask)

    async def visit(self, command: Command) -> None:
        workshop_id, hidden = command.data.workshop_id, command.data.hidden
        try:
            room_id = await self.run_sync(services.visit_check, actor=self.user, workshop_id=workshop_id, hidden=hidden)
        except AccessDenied as error:
            await self.send_error(command.request_id, error.code, error.message)
            return
        await self.send_ack(command, {"room_id": room_id})
        self.visiting = await self.move_to(room_id, self.session_state, hidden=hidden)

    async def return_to_plenary(self, command: Command) -> None:
        if not self.visiting:
            await self.send_error(command.request_id, "not_visiting", _("You are not visiting a workshop."))
            return
        await self.send_ack(command)
        await self.move_to(self.plenary_id, self.session_state)
        if self.session_state:
            await self.follow(self.session_state)

    async def session_log(self, command: Command) -> None:
        def read(*, actor, session_id):
            session = access_session(actor, session_id, perm="workshops.view_log")
            return {"entries": selectors.session_log(session=session), "whereabouts": selectors.whereabouts(session=session)}

        await self.call_service(command, read, session_id=command.data.session_id)

    # -- events for facilitators only, or for everyone

    workshops_broadcast_sent = RoomConsumer.forward
    workshops_timer_warning = RoomConsumer.forward  # sent by the deadline sweep
    workshops_time_up = RoomConsumer.forward

    # Sent to the facilitators' group and to the workshop's co-facilitator (services._to_those_who_run).
    workshops_help_requested = RoomConsumer.forward
    workshops_help_answered = RoomConsumer.forward
    workshops_more_time_requested = RoomConsumer.forward

