"""The base of every Council WebSocket consumer: envelope, limits, acks and errors.

Frames in both directions share one envelope: ``{"type", "request_id", "payload"}``.
A client command is answered by ``ack`` or ``error`` carrying its ``request_id``.
Bad input never raises out of the consumer and never closes the socket unless the
client keeps flooding: a socket closed by a frame would be re-sent that frame by the
client after reconnecting, and crash again.

Every frame leaves through ``CouncilConsumer.send``. With ``settings.FRAME_LOG`` set (the
end-to-end and browser tests set it for their server processes) each one is also appended
to that file, with the command an ack answers, for tests/protocol.py to check against
docs/asyncapi.yaml.
"""

import asyncio
import functools
import json
import logging
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from typing import Any
from typing import TextIO

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from council.core import ratelimit
from council.core.batching import Batcher
from council.core.collector import collector
from council.core.commands import Payload
from council.core.commands import parse_payload
from council.core.errors import CouncilError
from council.core.errors import InvalidInput
from council.core.hub import Hub
from council.core.hub import Inbox
from council.core.hub import hub_for
from council.core.realtime import envelope
from council.core.threads import run_in_database_thread
from council.core.wire import Wire

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY_SOCKETS = 4409
CLOSE_REMOVED = 4410
CLOSE_RESYNC = 4408  # fell behind or missed events: the client reconnects and resyncs
CLOSE_FLOODING = 4429
MAX_REQUEST_ID_CHARS = 64
FLOOD_CLOSE_FACTOR = 5  # close when a client sends this many times its allowance
UNSTORABLE_TEXT = gettext_lazy("Text may not hold the character U+0000 or a lone surrogate.")

# user id -> sockets that person holds in this process (ROOM_MAX_SOCKETS_PER_PERSON): each
# costs a presence row and a snapshot, and one account once opened 100 in 5 s.
_sockets_per_person: Counter[int] = Counter()


@functools.cache
def _frame_log(path: str) -> TextIO:
    """The frame log of this process, opened once; line-buffered, so a killed process loses nothing."""
    return open(path, "a", encoding="utf-8", buffering=1)  # open for the life of the process


def log_frame(text: str, *, acked: str | None, direct: bool = False) -> None:
    """Append one sent frame to settings.FRAME_LOG (test runs only; a no-op otherwise).

    `direct`: written to the socket by the hub without waking the consumer (council/core/wire.py).
    """
    if settings.FRAME_LOG:
        entry = {"frame": text, "acked": acked, **({"direct": True} if direct else {})}
        _frame_log(settings.FRAME_LOG).write(json.dumps(entry) + "\n")


class FrameError(CouncilError):
    """A frame refused before any handler ran; carries its request_id when it had a valid one."""

    def __init__(self, message: Any, *, code: str, request_id: str | None = None) -> None:
        super().__init__(message, code=code)
        self.request_id = request_id


def _unstorable(value: str) -> bool:
    """True for text PostgreSQL refuses (U+0000) or UTF-8 cannot encode (a lone surrogate)."""
    if "\x00" in value:
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return True
    return False


def _holds_unstorable_text(content: Any) -> bool:
    """Walk a decoded frame once, without recursion (it may be nested as deep as json allows)."""
    stack = [content]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _unstorable(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def frames_limited_to(limit: int) -> str:
    return ngettext("Frames are limited to %(limit)d byte.", "Frames are limited to %(limit)d bytes.", limit) % {
        "limit": limit
    }


def unknown_command(command_type: str) -> str:
    return _("Unknown command “%(type)s”.") % {"type": command_type}


def slow_down(limit: int, window: int) -> str:
    return ngettext(
        "Slow down: at most %(limit)d command every %(window)d s.",
        "Slow down: at most %(limit)d commands every %(window)d s.",
        limit,
    ) % {"limit": limit, "window": window}


@dataclass(frozen=True)
class Command:
    type: str
    request_id: str | None
    payload: dict[str, Any]
    #: the payload validated against the command's schema (None for a command without one)
    data: Any = None


def parse_command(text: str | None) -> Command:
    """Parse one client frame; raise FrameError with a precise code if it is malformed.

    Text holding U+0000 or a lone surrogate is refused here, anywhere in the frame: it
    cannot be stored (psycopg2 raises ValueError) nor always sent back (UTF-8).
    """
    if text is None:
        raise FrameError(_("Binary frames are not accepted."), code="bad_frame")
    try:
        content = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: nested thousands deep
        raise FrameError(_("The frame is not valid JSON."), code="bad_json") from error
    if not isinstance(content, dict) or not isinstance(content.get("type"), str):
        raise FrameError(_("A frame is an object with a string “type”."), code="bad_envelope")
    request_id = content.get("request_id")
    if request_id is not None and (
        not isinstance(request_id, str) or not 0 < len(request_id) <= MAX_REQUEST_ID_CHARS
    ):
        raise FrameError(_("“request_id” is a string of 1 to 64 characters."), code="bad_envelope")
    if request_id is not None and _unstorable(request_id):
        raise FrameError(UNSTORABLE_TEXT, code="bad_frame")
    if _holds_unstorable_text(content):
        raise FrameError(UNSTORABLE_TEXT, code="bad_frame", request_id=request_id)
    payload = content.get("payload", {})
    if not isinstance(payload, dict):
        raise FrameError(_("“payload” is an object."), code="bad_envelope", request_id=request_id)
    return Command(type=content["type"], request_id=request_id, payload=payload)


class CouncilConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels ships no types
    """Parse, rate-limit and dispatch commands; relay pre-serialised group events."""

    #: client frame type -> name of the handler method, which takes the Command
    commands: dict[str, str] = {}
    #: the type of the command whose ack is being sent (set by send_ack, read by send)
    answering: str | None = None
    #: the process's hub when the layer has one (council/core/hub.py): it delivers this
    #: socket's group and channel messages to its inbox
    hub: Hub | None = None
    #: the Daphne socket behind `send`, written to directly where it can be (none without the hub)
    socket_wire = Wire(None)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Channels' loop, but group and channel messages come from the hub's inbox where there is one."""
        collector.start()  # full garbage collections at quiet moments (council/core/collector.py)
        layer = get_channel_layer(self.channel_layer_alias)
        hub = hub_for(layer) if layer is not None else None
        if hub is None:  # the in-memory layer of the embedded default
            await super().__call__(scope, receive, send)
            return
        self.scope = scope
        self.channel_layer = layer
        self.channel_name = await layer.new_channel()
        self.hub = hub
        inbox = hub.open_inbox(self.channel_name)
        self.base_send = send
        self.socket_wire = Wire(send)
        inbox.relay = self.relay_frame
        feeder = asyncio.ensure_future(self._feed(receive, inbox))
        try:
            while True:  # one message at a time, in the order they came, as Channels does
                await self.dispatch(await inbox.get())
        except StopConsumer:
            pass
        finally:
            feeder.cancel()
            hub.close_inbox(self.channel_name)

    @staticmethod
    async def _feed(receive: Callable[[], Awaitable[dict[str, Any]]], inbox: Inbox) -> None:
        """Queue the client's frames (and its connect and disconnect) with the hub's events."""
        while True:
            inbox.put(await receive(), droppable=False)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Call the message's handler, without Channels' close_old_connections hop first.

        Channels sends every message through its one sync thread to close stale database
        connections: one thread hop per socket per broadcast. Every handler here reaches the
        database through database_sync_to_async or run_in_database_thread, which close them
        around each call themselves.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def hub_interrupted(self, message: dict[str, Any]) -> None:
        """This process lost Redis: events stop reaching the socket until `hub_resync` (a hook)."""

    async def hub_resync(self, message: dict[str, Any]) -> None:
        """Events for this socket were dropped (it fell behind, or Redis was lost): start afresh.

        The client reconnects at once with what it has (`?since=`) and gets the state again;
        consumers that can resend their state in place override this.
        """
        await self.close(code=CLOSE_RESYNC)

    def command_handler(
        self, type_: str
    ) -> tuple[type[Payload] | None, Callable[[Command], Awaitable[None]]] | None:
        """The schema and the handler of a command type (None if unknown)."""
        name = self.commands.get(type_)
        return None if name is None else (None, getattr(self, name))

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        self.joined_groups: list[str] = []
        self.socket_place: int | None = None
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        try:
            await super().websocket_disconnect(message)
        finally:  # whatever disconnect() raised, the place is given back
            self.release_socket_place()

    def take_socket_place(self) -> bool:
        """Count this socket against its person's ROOM_MAX_SOCKETS_PER_PERSON; False when full."""
        user_id = self.scope["user"].pk
        if _sockets_per_person[user_id] >= settings.ROOM_MAX_SOCKETS_PER_PERSON:
            return False
        _sockets_per_person[user_id] += 1
        self.socket_place = user_id
        return True

    def release_socket_place(self) -> None:
        if self.socket_place is None:
            return
        _sockets_per_person[self.socket_place] -= 1
        if _sockets_per_person[self.socket_place] <= 0:
            del _sockets_per_person[self.socket_place]
        self.socket_place = None

    async def join(self, group: str) -> None:
        if self.hub is not None:
            await self.hub.join(group, self.channel_name)
        else:
            await self.channel_layer.group_add(group, self.channel_name)
        self.joined_groups.append(group)

    async def leave(self, group: str) -> None:
        if self.hub is not None:
            await self.hub.leave(group, self.channel_name)
        else:
            await self.channel_layer.group_discard(group, self.channel_name)
        if group in self.joined_groups:
            self.joined_groups.remove(group)

    async def leave_all_groups(self) -> None:
        for group in list(self.joined_groups):
            await self.leave(group)

    async def disconnect(self, code: int) -> None:
        await self.leave_all_groups()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        collector.heard_frame()
        with translation.override(self.language):  # every answer in the person's language
            await self.receive_frame(text_data, bytes_data)

    async def receive_frame(self, text_data: str | None, bytes_data: bytes | None) -> None:
        # surrogatepass: a lone surrogate is measured here and refused by parse_command
        size = len(text_data.encode("utf-8", "surrogatepass")) if text_data is not None else len(bytes_data or b"")
        if size > settings.ROOM_MAX_FRAME_BYTES:
            await self.send_error(None, "frame_too_large", frames_limited_to(settings.ROOM_MAX_FRAME_BYTES))
            return
        try:
            command = parse_command(text_data)
        except FrameError as error:
            await self.send_error(error.request_id, error.code, error.message)
            return
        await self.dispatch_command(command)

    @property
    def language(self) -> str:
        """The language of the person on this socket: their preference, else the instance's."""
        user = self.scope.get("user")
        return getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE

    async def dispatch_command(self, command: Command) -> None:
        """Rate-limit and run a command; a failure is answered, not a crash of the socket (1011).

        Only Exception is caught: CancelledError (a BaseException) must reach the event loop.
        """
        try:
            if not await self.within_rate_limit(command):
                return
            found = self.command_handler(command.type)
            if found is None:
                await self.send_error(command.request_id, "unknown_type", unknown_command(command.type))
                return
            schema, handler = found
            if schema is not None:
                try:  # the field's message in the person's language (receive() set it)
                    command = replace(command, data=parse_payload(schema, command.payload))
                except InvalidInput as error:  # one error frame naming the field; nothing ran
                    await self.send_error(command.request_id, error.code, error.message, error.link)
                    return
            await handler(command)
        except Exception:
            logger.exception("command %s failed", command.type)
            await self.send_error(
                command.request_id, "internal", _("The server could not carry out this command.")
            )

    async def within_rate_limit(self, command: Command) -> bool:
        rate = settings.ROOM_RATE_LIMIT
        allowed, hits = await ratelimit.hit_async(f"ws:{self.scope['user'].pk}", rate)
        if allowed:
            return True
        limit, window = ratelimit.parse_rate(rate)
        if hits > limit * FLOOD_CLOSE_FACTOR:
            await self.close(code=CLOSE_FLOODING)
        else:
            await self.send_error(
                command.request_id, "rate_limited", slow_down(limit, window)
            )
        return False

    async def call_service(
        self, command: Command, service: Callable[..., Any], *, pooled: bool = False, **kwargs: Any
    ) -> Any:
        """Run a sync service as the connected user; answer with ack or error.

        `pooled` runs it on the database threads (council/core/threads.py) instead of Channels'
        single one: for a service that is its own transaction and is sent by a crowd at once
        (a vote), so that the sockets of one process do not wait for each other's commits. A
        socket's own commands stay in order either way (a consumer handles one frame at a time).
        """
        actor = self.scope["user"]
        language = self.language

        def run_in_language() -> Any:
            with translation.override(language):  # error messages in the person's language
                return service(actor=actor, **kwargs)

        if pooled:
            return await self.answer(command, run_in_database_thread(run_in_language))
        return await self.answer(command, database_sync_to_async(run_in_language)())

    async def call_batched(self, command: Command, batcher: "Batcher[Any, Any]", item: Any) -> Any:
        """call_service for a command a crowd sends at once: `item` joins the process's next batch.

        Answered the same way (ack with the result, or the error in the person's language),
        once the batch holding it has committed (council/core/batching.py).
        """
        return await self.answer(command, batcher.submit(item))

    async def answer(self, command: Command, outcome: Awaitable[Any]) -> Any:
        """Await the command's outcome and answer it: ack with the result, or its refusal; None if refused."""
        try:
            result = await outcome
        except CouncilError as error:
            await self.send_error(command.request_id, error.code, error.message, error.link)
            return None
        except ValidationError as error:
            await self.send_error(command.request_id, "invalid", " ".join(error.messages))
            return None
        await self.send_ack(command, result if isinstance(result, dict) else {})
        return result

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False) -> None:
        """The one way out for frames; written down too when settings.FRAME_LOG is set.

        A text frame goes straight to a Daphne socket when it can (council/core/wire.py): what
        Daphne and autobahn would write, without their per-frame coroutine and checks. In order:
        every earlier frame of this consumer was already handed to the transport.
        """
        if text_data is not None:
            log_frame(text_data, acked=self.answering)
            if bytes_data is None and not close and self.socket_wire.write_text(text_data):
                return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def send_ack(self, command: Command, payload: dict[str, Any] | None = None) -> None:
        self.answering = command.type  # read by send before its first await
        try:
            await self.send(text_data=envelope("ack", payload or {}, command.request_id or ""))
        finally:
            self.answering = None

    async def send_error(self, request_id: str | None, code: str, message: Any, link: str = "") -> None:
        """Answer with an error frame; a lazy message is told in the person's language.

        `link`: a page where the person can remedy the refusal (obtain a verification).
        """
        with translation.override(self.language):
            message = str(message)
        payload = {"code": code, "message": message, **({"link": link} if link else {})}
        await self.send(text_data=envelope("error", payload, request_id or ""))

    async def send_event(self, event_type: str, payload: dict[str, Any]) -> None:
        await self.send(text_data=envelope(event_type, payload))

    async def forward(self, message: dict[str, Any]) -> None:
        """Relay a group event whose frame was serialised once by the sender."""
        await self.send(text_data=message["frame"])

    def relays(self, message_type: str) -> bool:
        """Whether this socket does nothing with events of this type but `forward` them."""
        return getattr(type(self), message_type.replace(".", "_"), None) is CouncilConsumer.forward

    def relay_frame(self, message: dict[str, Any]) -> bool:
        """Called by the hub while this consumer is idle: write a relayed event's frame without waking it.

        False leaves the message to the consumer (an event it handles, a socket that is not a
        plain open Daphne WebSocket); the frame leaves exactly as `forward` would send it.
        """
        frame = message.get("frame")
        if not isinstance(frame, str) or not self.relays(message.get("type", "")):
            return False
        try:
            written = self.socket_wire.write_text(frame)
        except Exception:  # never let one socket break the hub's delivery to the others
            logger.exception("writing a relayed frame failed; this socket's events go through its consumer")
            self.socket_wire = Wire(None)
            return False
        if written:
            log_frame(frame, acked=None, direct=True)
        return written

    async def run_sync(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await database_sync_to_async(func)(*args, **kwargs)
