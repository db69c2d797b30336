"""frontend/src/realtime/client.js under Node, with a scripted WebSocket standing in for the server."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "frontend" / "src" / "realtime" / "client.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")

# A fake browser: sockets open at once when the test says so, timers run when flushed.
HARNESS = """
import { RealtimeClient } from "./client.mjs";

const sockets = [];
class FakeSocket {
  static OPEN = 1;
  static CLOSED = 3;
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.listeners = {};
    sockets.push(this);
  }
  addEventListener(name, fn) { this.listeners[name] = fn; }
  send(frame) { this.sent.push(JSON.parse(frame)); }
  open() { this.readyState = 1; this.listeners.open(); }
  serverClose(code) { this.readyState = 3; this.listeners.close({ code }); }
  answer(frame) { this.listeners.message({ data: JSON.stringify(frame) }); }
}
const timers = [];
globalThis.WebSocket = FakeSocket;
globalThis.window = { location: { protocol: "http:", host: "council.test" } };
globalThis.setTimeout = (fn) => timers.push(fn);
const flush = () => { while (timers.length) timers.shift()(); };
const statuses = [];
const client = new RealtimeClient("/ws/rooms/room/1/", {
  accept: (frame) => !(frame.payload && frame.payload.room_id === 99),
});
client.on("client.status", (status) => statuses.push(status.state === "closed" ? `closed ${status.code}` : status.state));
const settled = [];
const outcome = (promise) => promise.then(
  (value) => settled.push({ ok: value }),
  (error) => settled.push({ error }),
);
const last = () => sockets[sockets.length - 1];

SCENARIO

await new Promise((resolve) => setImmediate(resolve));
console.log(JSON.stringify(RESULT));
"""


def run(tmp_path: Path, scenario: str, result: str) -> object:
    shutil.copy(CLIENT, tmp_path / "client.mjs")
    script = tmp_path / "scenario.mjs"
    script.write_text(HARNESS.replace("SCENARIO", scenario).replace("RESULT", result))
    done = subprocess.run(
        ["node", str(script)], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_command_that_kills_every_socket_is_given_up_after_three_connections(tmp_path):
    result = run(
        tmp_path,
        """
        client.connect();
        last().open();
        outcome(client.send("rooms.send_message", { text: "boom" }));
        outcome(client.send("rooms.raise_hand"));
        last().answer({ type: "ack", request_id: last().sent[1].request_id, payload: {} });
        for (let i = 0; i < 3; i += 1) {
          last().serverClose(1011);
          flush();
          last().open();
        }
        """,
        "{ sent: sockets.map((s) => s.sent.map((f) => f.type)), settled, statuses }",
    )

    assert result == {
        "sent": [
            ["rooms.send_message", "rooms.raise_hand"],
            ["rooms.send_message"],
            ["rooms.send_message"],
            [],  # the fourth connection does not send it again
        ],
        "settled": [
            {"ok": {}},
            {
                "error": {
                    "code": "undelivered",
                    "message": "The server did not answer this command after 3 attempts.",
                }
            },
        ],
        "statuses": ["connecting", "open"] + ["reconnecting", "connecting", "open"] * 3,
    }


def test_a_command_refused_by_the_server_is_not_sent_again(tmp_path):
    result = run(
        tmp_path,
        """
        client.connect();
        last().open();
        outcome(client.send("rooms.send_message", { text: "a" }));
        last().answer({ type: "error", request_id: last().sent[0].request_id, payload: { code: "bad_frame" } });
        last().serverClose(1006);
        flush();
        last().open();
        """,
        "{ sent: sockets.map((s) => s.sent.length), settled }",
    )

    assert result == {"sent": [1, 0], "settled": [{"error": {"code": "bad_frame"}}]}


def test_the_page_keeps_one_tab_id_across_reconnections(tmp_path):
    result = run(
        tmp_path,
        """
        client.connect();
        last().serverClose(1006);
        flush();
        """,
        "sockets.map((s) => new URL(s.url).searchParams.get('tab'))",
    )

    first, second = result
    assert len(first) == 16
    assert first.isalnum()
    assert second == first


def test_too_many_sockets_is_final(tmp_path):
    result = run(
        tmp_path,
        """
        client.connect();
        last().open();
        last().serverClose(4409);
        flush();
        """,
        "{ sockets: sockets.length, statuses }",
    )

    assert result == {"sockets": 1, "statuses": ["connecting", "open", "closed 4409"]}


def test_each_module_subscribes_to_its_own_frame_types(tmp_path):
    result = run(
        tmp_path,
        """
        const seen = [];
        client.on("rooms.message_posted", (payload) => seen.push(`chat ${payload.text}`));
        const stop = client.on("rooms.hands_changed", (payload) => seen.push(`room hands ${payload.queue.length}`));
        client.on("rooms.hands_changed", (payload, frame) => seen.push(`video hands ${frame.type}`));
        client.on("error", (payload) => seen.push(`error ${payload.code}`));
        client.connect();
        last().open();
        last().answer({ type: "rooms.hands_changed", payload: { room_id: 1, queue: [1, 2] } });
        last().answer({ type: "rooms.message_posted", payload: { room_id: 1, text: "Bonjour" } });
        last().answer({ type: "rooms.message_posted", payload: { room_id: 99, text: "old room" } });
        last().answer({ type: "workshops.unknown", payload: {} });
        last().answer({ type: "error", request_id: "nobody", payload: { code: "invalid" } });
        stop();
        last().answer({ type: "rooms.hands_changed", payload: { room_id: 1, queue: [] } });
        """,
        "seen",
    )

    assert result == [
        "room hands 2",
        "video hands rooms.hands_changed",
        "chat Bonjour",
        "error invalid",
        "video hands rooms.hands_changed",
    ]
