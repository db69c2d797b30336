"""Plain helpers for tests: talk to the room socket, read its frames."""

import json
from collections.abc import Callable
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django import forms

from council.routing import websocket_urlpatterns

#: frames the server sends on its own schedule; most tests look past them
BACKGROUND_FRAMES = frozenset({"rooms.presence_changed"})


def ws_communicator(path: str, *, user: Any) -> WebsocketCommunicator:
    """Talk to council.routing directly, with `user` already in the scope (skips session auth)."""
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
    communicator.scope["user"] = user
    return communicator


def room_path(room_id: int, since: int | None = None) -> str:
    path = f"/ws/rooms/room/{room_id}/"
    return path if since is None else f"{path}?since={since}"


async def next_frame(
    communicator: WebsocketCommunicator,
    *,
    wait: float = 2,
    skip: frozenset[str] = BACKGROUND_FRAMES,
) -> dict[str, Any]:
    """Return the next frame whose type is not in `skip`; fail on a close instead."""
    while True:
        output = await communicator.receive_output(wait)
        assert output["type"] == "websocket.send", f"expected a frame, got {output}"
        frame = json.loads(output["text"])
        if frame["type"] not in skip:
            return frame


async def first_frame(
    communicator: WebsocketCommunicator, matches: Callable[[dict[str, Any]], bool], *, wait: float = 3.0
) -> dict[str, Any]:
    """The first frame `matches` accepts (background ones included); frames before it are passed over."""
    while True:
        frame = await next_frame(communicator, wait=wait, skip=frozenset())
        if matches(frame):
            return frame


async def next_frame_of(
    communicator: WebsocketCommunicator, frame_type: str, *, wait: float = 3.0
) -> dict[str, Any]:
    """The next frame of `frame_type`."""
    return await first_frame(communicator, lambda frame: frame["type"] == frame_type, wait=wait)


async def answer_to(
    communicator: WebsocketCommunicator, request_id: str, *, wait: float = 3.0
) -> dict[str, Any]:
    """The ack or error answering `request_id`."""
    return await first_frame(
        communicator,
        lambda frame: frame["type"] in ("ack", "error") and frame.get("request_id") == request_id,
        wait=wait,
    )


async def expect_close(
    communicator: WebsocketCommunicator, code: int, *, wait: float = 2
) -> list[str]:
    """Read until the server closes; assert its code and return the frame types seen before."""
    seen = []
    while True:
        output = await communicator.receive_output(wait)
        if output["type"] == "websocket.close":
            assert output.get("code") == code, f"closed with {output.get('code')}, expected {code}"
            # As the browser's side of the closing would: the consumer's clean-up (presence row,
            # summaries) then runs within the test, not under the next test's database flush.
            await communicator.disconnect(code=code, timeout=wait)
            return seen
        seen.append(json.loads(output["text"])["type"])


async def expect_silence(communicator: WebsocketCommunicator, *, wait: float = 0.3) -> None:
    """Assert nothing but background frames arrives within `wait`."""
    while not await communicator.receive_nothing(wait):
        output = await communicator.receive_output()
        assert output["type"] == "websocket.send", f"unexpected {output}"
        frame_type = json.loads(output["text"])["type"]
        assert frame_type in BACKGROUND_FRAMES, f"unexpected frame {output['text']}"


async def connect(path: str, *, user: Any) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    """Open a room socket that is let in; return it with its snapshot frame."""
    communicator = ws_communicator(path, user=user)
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await next_frame(communicator)
    assert snapshot["type"] == "rooms.room_synced", snapshot
    return communicator, snapshot


def command(type_: str, request_id: str | None = None, **payload: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": type_, "payload": payload}
    if request_id is not None:
        frame["request_id"] = request_id
    return frame


def form_as_posted(form: forms.BaseForm) -> dict:
    """What a browser posts for `form` as shown (its current values)."""
    data: dict = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{bound.html_name}_{index}"] = "" if part is None else part
        elif isinstance(widget, forms.FileInput):
            continue  # no new file
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [getattr(item, "pk", item) for item in value]
        elif value is not None:
            data[bound.html_name] = value
    return data


def admin_page_as_posted(response) -> dict:
    """The admin page's main form and inline formsets, as posted unchanged."""
    data = form_as_posted(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_as_posted(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_as_posted(form))
    return data
