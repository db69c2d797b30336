"""What workshops keep on each room socket: the meeting's session, following it into workshops and back.

Registered with the host (council/rooms/host.py) as the socket part "workshops". Sockets
open on the plenary room; when workshops open, each socket whose person is assigned moves
itself into the breakout room (RoomConsumer.go_to: chat, presence and video follow); when
the countdown after closing runs out, it moves back. Every change of the session reaches
the meeting's group whole (`workshops.session_changed`), and each socket shows its person
their projection of it: everyone's people only in the facilitators' group (kept by the
host as rights change), and whether they may choose as the sender asked the rule for each
person present. Sockets keep no time: the server applies the deadlines
(council/workshops/deadlines.py) and sockets follow the session it announces.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from council.accounts.models import User
from council.core import deadlines
from council.core.consumers import Command
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.memo import recall
from council.rooms.host import SocketPart
from council.workshops import events
from council.workshops import selectors
from council.workshops import services
from council.workshops.agenda import agenda_snapshot
from council.workshops.notes import decode_update
from council.workshops.notes import notes_apply
from council.workshops.notes import notes_snapshot
from council.workshops.permissions import access_session
from council.workshops.reports import report_save
from council.workshops.reports import reports_read
from council.workshops.reports import reports_visible_to

RUNNING = ("open", "closing")


def personal_view(payload: dict[str, Any], *, user_id: int, runs: bool, may_choose: bool) -> dict[str, Any]:
    """What one person sees of the session: those who run the meeting see everyone, others their own workshop.

    `runs` is the socket's membership of the facilitators' group; `may_choose` the rule
    workshops.choose_workshop as asked for this person (by the sender, or by the snapshot).
    """
    view = {key: value for key, value in payload.items() if key not in ("assignments", "people", "choosers")}
    view["my_workshop_id"] = next((w for u, w in payload["assignments"] if u == user_id), None)
    view["cofacilitating_id"] = selectors.cofacilitated_workshop(payload, user_id)
    if runs:
        view["people"] = payload["people"]
    view["can"] = {"run": runs, "choose": may_choose, "listen_in": runs and payload["listening_in_allowed"]}
    return view


def is_older(payload: dict[str, Any], *, than: dict[str, Any] | None) -> bool:
    """Whether a session state is older than the one held (versions are in commit order).

    Broadcasts of whole states are built and sent after commit, each by its own writer, so
    two writes committed in one order may reach sockets in the other.
    """
    if than is None or than["session_id"] != payload["session_id"]:
        return False
    # a state sent by a process started before versions existed (a rolling restart) is taken
    return "version" in payload and "version" in than and payload["version"] < than["version"]


class MeetingPart(SocketPart):
    """The session as this socket's person sees it, and where it sends them."""

    #: the whole session as last announced (None: none to be seen)
    session_state: dict[str, Any] | None = None
    #: whether this person may choose a workshop, as the rule last answered
    may_choose = False
    #: a facilitator visiting a workshop stays there until they return
    visiting = False
    #: while moving: the session payload that sends this socket where it goes
    announced: dict[str, Any] | None = None
    #: the workshop whose breakout room this socket is in (set with every snapshot)
    notes_workshop_id: int | None = None

    # -- joining

    async def arriving(self) -> None:
        deadlines.sweep_start()  # where this process applies the deadlines (embedded default)

    def entry_destination(self, room_id: int) -> int:
        if self.socket.plenary_id != room_id:
            return room_id
        return self._entry_destination() or room_id

    def _entry_destination(self) -> int | None:
        """A running session's breakout for this person, placing a late arrival by its rule."""
        user, plenary_id = self.socket.user, self.socket.plenary_id
        # the session the snapshot shows next, read once for both
        session = selectors.running_among(selectors.session_shown(plenary_id=plenary_id))
        if session is None:
            return None
        place = selectors.place_in(selectors.session_payload_remembered(session), user.pk)  # destination()
        if place is None and services.late_arrival_place(user=user, session=session) is not None:
            # placed now: the snapshot shows the session with this person in it
            place = selectors.place_in(selectors.session_payload_remembered(session, fresh=True), user.pk)
        return place

    def extend_snapshot(self, snapshot: dict[str, Any]) -> None:
        """The session as this person sees it and the notes of the workshop this socket is in (sync)."""
        socket = self.socket
        session = selectors.session_shown(plenary_id=socket.plenary_id)
        payload = None
        if session is not None and socket.user.has_perm("workshops.view_session", session):
            announced = self.announced
            if announced is not None and announced["session_id"] == session.pk:
                payload = announced  # the payload that moves this socket: not read again by each
            else:
                payload = selectors.session_payload_remembered(session)
            self.may_choose = bool(socket.user.has_perm("workshops.choose_workshop", session))
            if is_older(payload, than=self.session_state):
                payload = self.session_state  # read earlier in this wave than a change already followed
        self.session_state = payload
        snapshot["workshops"] = None if payload is None else self.view_of(payload)
        notes = notes_snapshot(user=socket.user, room_id=socket.room_id)
        self.notes_workshop_id = notes["workshop_id"] if notes else None
        snapshot["notes"] = notes

    def view_of(self, payload: dict[str, Any]) -> dict[str, Any]:
        return personal_view(payload, user_id=self.socket.user.pk, runs=self.socket.runs, may_choose=self.may_choose)

    async def disconnect(self) -> None:
        socket = self.socket
        if socket.plenary_id != socket.room_id:
            await socket.run_sync(services.breakout_left, actor=socket.user, room_id=socket.room_id)

    # -- following the session

    async def session_changed(self, message: dict[str, Any]) -> None:
        payload = message["payload"]
        if is_older(payload, than=self.session_state):
            return  # built before a later commit, sent after it: following it would undo that one
        self.session_state = payload
        choosers = payload.get("choosers") or {"asked": [], "may": []}
        user_id = self.socket.user.pk
        if user_id in choosers["asked"]:  # asked before this socket arrived: its snapshot's answer holds
            self.may_choose = user_id in choosers["may"]
        await self.socket.send_event(events.SESSION_UPDATED, self.view_of(payload))
        await self.follow(payload)

    async def follow(self, payload: dict[str, Any]) -> None:
        """Go where the session says this person belongs now."""
        async with self.socket.moving:
            target = self._destination(payload)
            if target is not None:
                await self._move(target, payload)

    def _destination(self, payload: dict[str, Any]) -> int | None:
        """The room this socket must move to for the session to be followed (None: stay).

        Where the person belongs is selectors.place_in, as for a socket that connects late.
        """
        socket = self.socket
        breakouts = {w["room_id"] for w in payload["workshops"]}
        if payload["status"] in RUNNING and not self.visiting:
            target = selectors.place_in(payload, socket.user.pk)
            if target is not None and target != socket.room_id:
                return target
            if target is None and socket.room_id in breakouts:
                return int(socket.plenary_id)
        elif payload["status"] not in RUNNING and socket.room_id in breakouts:
            return int(socket.plenary_id)
        return None

    async def move_to(self, room_id: int, payload: dict[str, Any] | None, *, hidden: bool = False) -> bool:
        async with self.socket.moving:
            return await self._move(room_id, payload, hidden=hidden)

    async def _move(self, room_id: int, payload: dict[str, Any] | None, *, hidden: bool = False) -> bool:
        if room_id == self.socket.plenary_id:
            self.visiting = False
        self.announced = payload
        try:
            return bool(await self.socket.go_to(room_id, hidden=hidden))
        finally:
            self.announced = None

    # -- commands that need where the socket is

    async def create_session(self, command: Command) -> None:
        def create(*, actor: User, **kwargs: Any) -> dict[str, Any]:
            return {"session_id": services.session_create(actor=actor, **kwargs).pk}

        arguments = {"title": "", "workshops": [], **command.data.arguments()}
        await self.socket.call_service(command, create, room_id=self.socket.plenary_id, **arguments)

    async def _current_workshop_call(self, command: Command, service: Callable[..., Any]) -> None:
        workshop_id = self._current_workshop_id()
        if workshop_id is None:
            await self.socket.send_error(command.request_id, "not_in_workshop", _("You are not in a workshop."))
            return
        await self.socket.call_service(command, service, workshop_id=workshop_id)

    def _current_workshop_id(self) -> int | None:
        state = self.session_state or {"workshops": []}
        return next((w["id"] for w in state["workshops"] if w["room_id"] == self.socket.room_id), None)

    async def ask_help(self, command: Command) -> None:
        await self._current_workshop_call(command, services.help_ask)

    async def ask_more_time(self, command: Command) -> None:
        await self._current_workshop_call(command, services.more_time_ask)

    async def visit(self, command: Command) -> None:
        socket = self.socket
        workshop_id, hidden = command.data.workshop_id, command.data.hidden
        try:
            room_id = await socket.run_sync(services.visit_check, actor=socket.user, workshop_id=workshop_id, hidden=hidden)
        except AccessDenied as error:
            await socket.send_error(command.request_id, error.code, error.message)
            return
        await socket.send_ack(command, {"room_id": room_id})
        self.visiting = await self.move_to(room_id, self.session_state, hidden=hidden)

    async def return_to_plenary(self, command: Command) -> None:
        if not self.visiting:
            await self.socket.send_error(command.request_id, "not_visiting", _("You are not visiting a workshop."))
            return
        await self.socket.send_ack(command)
        await self.move_to(self.socket.plenary_id, self.session_state)
        if self.session_state:
            await self.follow(self.session_state)

    async def session_log(self, command: Command) -> None:
        def read(*, actor: User, session_id: int) -> dict[str, Any]:
            session = access_session(actor, session_id, perm="workshops.view_log")
            return {"entries": selectors.session_log(session=session), "whereabouts": selectors.whereabouts(session=session)}

        await self.socket.call_service(command, read, session_id=command.data.session_id)

    # -- shared notes and report back

    async def notes_update(self, command: Command) -> None:
        socket = self.socket
        asked = self.notes_workshop_id if command.data.workshop_id is None else command.data.workshop_id
        if self.notes_workshop_id is None or asked != self.notes_workshop_id:
            # `workshop_id` (optional) keeps an update typed in one workshop out of the next one.
            await socket.send_error(command.request_id, "not_in_workshop", _("You are not in this workshop."))
            return
        try:
            update = decode_update(command.data.update)
        except InvalidInput as error:
            await socket.send_error(command.request_id, error.code, error.message)
            return
        await socket.call_service(command, notes_apply, workshop_id=self.notes_workshop_id, update=update)

    async def save_report(self, command: Command) -> None:
        await self.socket.call_service(command, report_save, **command.data.model_dump())

    async def reports_list(self, command: Command) -> None:
        await self.socket.call_service(command, reports_read, session_id=command.data.session_id)

    async def notes_updated(self, message: dict[str, Any]) -> None:
        # Sent to the workshop's room group; a socket that has just left that room may still
        # have one in flight: the page would apply it to the next workshop's notes.
        if message["payload"]["workshop_id"] == self.notes_workshop_id:
            await self.socket.forward(message)



# -- snapshot sections: the same for every socket of a person in a room (registered in apps.py)


def _plenary_id(room: Any) -> int:
    return int(room.parent_id or room.pk)


def agenda_section(user: Any, room: Any) -> dict[str, Any] | None:
    """The meeting's agenda (None for those who may not see it), wherever in the meeting the socket is."""
    section: dict[str, Any] | None = _agenda_snapshot(user, _plenary_id(room))["agenda"]
    return section


def speakers_section(user: Any, room: Any) -> dict[str, Any] | None:
    section: dict[str, Any] | None = _agenda_snapshot(user, _plenary_id(room))["speakers"]
    return section


def _agenda_snapshot(user: Any, plenary_id: int) -> dict[str, Any]:
    """agenda_snapshot, once per person for both sections (within a unit of work)."""
    return recall(("agenda_snapshot", user.pk, plenary_id), lambda: agenda_snapshot(user=user, room_id=plenary_id))


def reports_section(user: Any, room: Any) -> list[dict[str, Any]] | None:
    """The current session's reports once this person may see them."""
    return reports_visible_to(user=user, plenary_id=_plenary_id(room))
