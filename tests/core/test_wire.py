"""The frames the hub writes straight to sockets are well-formed WebSocket text frames, of any size."""

import pytest
from websockets.frames import Frame
from websockets.frames import Opcode
from websockets.streams import StreamReader

from council.core.wire import encoded
from council.core.wire import text_frame


def parsed(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("the frame is incomplete")


@pytest.mark.parametrize("length", [0, 125, 126, 65535, 65536, 200_000])
def test_a_text_frame_of_any_length_parses_back_to_its_text(length):
    text = ("é" * length)[: length // 2] + "x" * (length - length // 2)
    frame = parsed(text_frame(text.encode()))
    assert frame.opcode is Opcode.TEXT
    assert frame.fin
    assert frame.data.decode() == text


def test_the_sockets_of_one_broadcast_share_one_encoding():
    text = '{"type":"polls.results_changed","payload":{"total":3}}'
    assert encoded(text) is encoded(text)
    assert parsed(encoded("autre")).data == b"autre"
