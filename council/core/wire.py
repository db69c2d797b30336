"""Relayed frames written straight to a Daphne socket, without waking its consumer (issue 12, 16).

A broadcast (a live tally, a presence summary) reaches every socket of a process with the
same frame. Through the consumer, each delivery costs a task wake-up, the consumer's dispatch,
Daphne's reply coroutine and autobahn building the WebSocket frame again: a tally for 1,500
sockets kept a process's loop busy 60 to 100 ms while votes waited. Here the frame's bytes
are built once per message and written to each idle socket's transport.

Only when nothing can change the outcome: the consumer is idle (waiting on its inbox, so no
frame of its own can be overtaken, council/core/hub.py), the event is one it would only have
relayed, and the socket is an open Daphne WebSocket with nothing queued, no compression and
no fragmentation. Anything else (another ASGI server, TLS terminated by Daphne itself, a
socket closing) answers False and the message goes through the consumer as before. A
consumer's own text frames (acks, snapshots) take the same way out (CouncilConsumer.send),
skipping Daphne's reply coroutine and autobahn's checks for each, and each frame is sent on
the socket at once when nothing is queued before it (`send_now`). This
reads Daphne's, autobahn's and Twisted's attributes, which is why they are pinned exactly
and tests/e2e/test_relayed_frames.py checks them on every upgrade.
"""

import functools
import struct
from typing import Any

OPCODE_TEXT_FIN = 0x81  # FIN + text frame; a server's frames are never masked (RFC 6455 5.1)

_last: tuple[str, bytes] = ("", b"")  # the frame most recently encoded: a broadcast's sockets share it


def text_frame(payload: bytes) -> bytes:
    """One unmasked, unfragmented WebSocket text frame carrying `payload`."""
    length = len(payload)
    if length < 126:
        header = bytes((OPCODE_TEXT_FIN, length))
    elif length < 1 << 16:
        header = struct.pack("!BBH", OPCODE_TEXT_FIN, 126, length)
    else:
        header = struct.pack("!BBQ", OPCODE_TEXT_FIN, 127, length)
    return header + payload


def encoded(text: str) -> bytes:
    """The frame of `text`, encoded once for all the sockets a broadcast goes to."""
    global _last
    if _last[0] is not text:
        _last = (text, text_frame(text.encode("utf-8")))
    return _last[1]


class Wire:
    """The Daphne WebSocket behind one consumer's `send`, if it has one."""

    def __init__(self, base_send: Any) -> None:
        self.server: Any = None
        self.protocol: Any = None
        server = getattr(getattr(base_send, "func", None), "__self__", None)
        if (
            isinstance(base_send, functools.partial)
            and base_send.args
            and type(server).__module__ == "daphne.server"
            and type(base_send.args[0]).__module__ == "daphne.ws_protocol"
        ):
            self.server, self.protocol = server, base_send.args[0]

    def writable(self) -> bool:
        """Whether a frame written now goes out exactly as autobahn's sendMessage would write it."""
        protocol = self.protocol
        if protocol is None:
            return False
        try:
            connection = self.server.connections.get(protocol)
            transport = protocol.transport
            return bool(
                connection is not None
                and not connection.get("disconnected")
                and protocol.state == protocol.STATE_OPEN
                and protocol._perMessageCompress is None
                and not protocol.autoFragmentSize
                and not protocol.maskServerFrames
                and not protocol.send_queue
                and not protocol.logFrames
                and not protocol.logOctets
                and transport is not None
                and not transport.disconnecting
            )
        except AttributeError:  # another Daphne or autobahn: never write around them
            self.protocol = None
            return False

    def write_text(self, text: str) -> bool:
        """Write one text frame; False (nothing written) when it must go through the consumer."""
        if not self.writable():
            return False
        frame = encoded(text)
        if 0 < self.protocol.maxMessagePayloadSize < len(frame):  # autobahn would refuse it: let it
            return False
        send_now(self.protocol.transport, frame)
        return True


def send_now(transport: Any, data: bytes) -> None:
    """Write `data` on the socket at once when nothing waits before it; what does not fit, Twisted sends.

    Twisted's own write only buffers and asks the event loop to watch the socket, then
    writes once it is writable and stops watching: two epoll_ctl calls and a turn of the loop
    for each frame, when the socket's buffer almost always has room right now (asyncio's
    transports try at once, for this reason). Only for plain TCP: TLS goes through Twisted.
    """
    try:
        immediate = (
            type(transport).__module__ == "twisted.internet.tcp"
            and not transport.TLS
            and transport.connected
            and not transport._writeDisconnected
            and not transport._tempDataBuffer
            and len(transport.dataBuffer) == transport.offset
        )
    except AttributeError:  # another Twisted: its write is always right
        immediate = False
    if immediate:
        try:
            sent = transport.socket.send(data)
        except OSError:  # full (EAGAIN), or the connection failing: Twisted's write finds out which
            sent = 0
        if sent == len(data):
            return
        data = data[sent:]
    transport.write(data)
