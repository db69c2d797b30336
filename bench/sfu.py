"""Video forwarding benchmark: publishers to subscribers through one media process.

Three kinds of process, all started from here:

- the SFU (``--serve``), alone in its process: either Council's ``MediaRoom`` (forwarding encoded
  frames) or a small room built on aiortc's ``MediaRelay`` (decode once, re-encode per subscriber);
- load processes (``--load``, ``--loads`` of them, 3 by default) that run the aiortc client peers:
  publishers replay a VP8 clip encoded once (640x360, 30 fps, a keyframe every second, frames
  numbered in their pixels) and subscribers only reassemble what they receive (tapped, not
  decoded). Subscribers are spread round-robin over the load processes so that the clients, which
  are Python too, are not the bottleneck; in the workshop every participant's publisher and
  subscriber share a process, as in a browser;
- this coordinator, which starts them, talks JSON lines to each (signalling goes over TCP to the
  SFU), and computes the figures.

Prints, per case: SFU CPU (% of one core, and per forwarded stream), each load process's CPU, the
whole machine's busy share over the measured window (``/proc/stat``, both cores), frames
delivered / frames sent x subscribers, frames lost (gaps in the sequence of frame numbers each
subscriber received), end-to-end frame latency p50/p99 (publisher's send to a subscriber's
reassembled frame, ``time.monotonic()`` is shared by the processes; forwarding: every frame of
every subscriber, matched by its bytes; re-encoding: the first subscriber's frames, decoded to
read their number). A second line gives the frames the SFU reassembled from the publishers (so a
loss can be placed before or after it), and the frames each subscriber stream received.

    .venv/bin/python bench/sfu.py                        # full run, about 2-3 minutes
    .venv/bin/python bench/sfu.py --subscribers 100 --relay "" --no-workshop
    .venv/bin/python bench/sfu.py --subscribers 1,5 --relay 1 --no-workshop --duration 5
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aioice.ice
import av

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

from aiortc import RTCBundlePolicy  # noqa: E402
from aiortc import RTCConfiguration  # noqa: E402
from aiortc import RTCPeerConnection  # noqa: E402
from aiortc import RTCSessionDescription  # noqa: E402
from aiortc.contrib.media import MediaRelay  # noqa: E402

from council.rooms.media.sfu import MediaRoom  # noqa: E402
from council.rooms.media.testing import VIDEO_CLOCK  # noqa: E402
from council.rooms.media.testing import ClientPeer  # noqa: E402
from council.rooms.media.testing import PreEncodedVideoTrack  # noqa: E402
from council.rooms.media.testing import encode_clip  # noqa: E402
from council.rooms.media.testing import read_frame_number  # noqa: E402

STREAM_LIMIT = 2**26  # JSON lines carrying every measured frame's arrival


# SFU process (--serve) -------------------------------------------------------------------------


class RelayRoom:
    """The re-encoding baseline: aiortc MediaRelay, one encoder per subscriber."""

    def __init__(self):
        self.relay = MediaRelay()
        self.pcs: dict[str, RTCPeerConnection] = {}
        self.sources = []

    def _pc(self, key):
        pc = self.pcs[key] = RTCPeerConnection(
            RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        return pc

    async def publish(self, participant_id, sdp):
        pc = self._pc(("pub", participant_id))
        pc.on("track", lambda track: self.sources.append((participant_id, track)))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def subscribe(self, participant_id):
        pc = self._pc(("sub", participant_id))
        for publisher, track in self.sources:
            if publisher != participant_id:
                pc.addTransceiver(self.relay.subscribe(track), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        return pc.localDescription.sdp

    async def subscriber_answer(self, participant_id, sdp):
        pc = self.pcs[("sub", participant_id)]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def close(self):
        for pc in self.pcs.values():
            await pc.close()


async def serve(mode: str) -> None:
    async def ignore(*args):
        return None

    room = MediaRoom(1, ice_servers=[], on_event=ignore) if mode == "forward" else RelayRoom()

    async def handle(reader, writer):
        while line := await reader.readline():
            request = json.loads(line)
            op = request["op"]
            if op == "publish":
                result = await room.publish(request["pid"], request["sdp"])
            elif op == "subscribe":
                result = await room.subscribe(request["pid"])
            elif op == "answer":
                result = await room.subscriber_answer(request["pid"], request["sdp"])
            elif op == "tracks":
                result = room.tracks() if mode == "forward" else []
            elif op == "cpu":
                result = time.process_time()
            elif op == "frames_in":  # frames the SFU reassembled from the publishers
                result = sum(f.frames_in for f in room.forwarders()) if mode == "forward" else None
            elif op == "close":
                result = await room.close()
            elif op == "exit":
                stop.set()
                return
            writer.write(json.dumps(result).encode() + b"\n")
            await writer.drain()

    stop = asyncio.Event()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()
    server.close()


# Load processes (--load) -----------------------------------------------------------------------


class RemoteRoom:
    """The MediaRoom methods the client peers call, over the SFU's JSON-lines socket."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.lock = asyncio.Lock()

    async def call(self, **request):
        async with self.lock:
            self.writer.write(json.dumps(request).encode() + b"\n")
            await self.writer.drain()
            return json.loads(await self.reader.readline())

    async def publish(self, pid, sdp):
        return await self.call(op="publish", pid=pid, sdp=sdp)

    async def subscribe(self, pid):
        return await self.call(op="subscribe", pid=pid)

    async def subscriber_answer(self, pid, sdp):
        return await self.call(op="answer", pid=pid, sdp=sdp)


class LoggedVideoTrack(PreEncodedVideoTrack):
    """A pre-encoded clip that logs (clip index, send time) of every frame."""

    def __init__(self, clip, fps):
        super().__init__(clip, fps=fps)
        self.log: list[tuple[int, float]] = []

    async def recv(self):
        packet = await super().recv()
        self.log.append(
            (packet.pts // (VIDEO_CLOCK // self.fps) % len(self.clip), time.monotonic())
        )
        return packet


class Load:
    """The client peers of one load process; each method is one command from the coordinator."""

    def __init__(self, room: RemoteRoom, clip, fps: int, mode: str):
        self.room, self.clip, self.fps, self.mode = room, clip, fps, mode
        self.index_of = {data: i for i, (data, _) in enumerate(clip)}
        self.publishers: dict[str, tuple[ClientPeer, LoggedVideoTrack]] = {}
        self.subscribers: dict[str, ClientPeer] = {}
        self.measuring = False
        self.arrivals: list[tuple[str, str, int, float]] = []  # (subscriber, track, index, time)
        self.raw: list[tuple[str, bytes, float, bool]] = []  # re-encoding: sub0's frames
        self.window: dict = {}

    def _hook(self, pid):
        if self.mode == "relay":
            if pid != "sub0":
                return None

            def keep(received, codec, frame):  # from the start: decoding needs a keyframe
                self.raw.append((received.track_id, frame.data, time.monotonic(), self.measuring))

            return keep

        def hook(received, codec, frame):
            if self.measuring:
                index = self.index_of.get(frame.data, -1)
                self.arrivals.append((pid, received.track_id, index, time.monotonic()))

        return hook

    async def publish(self, pids):
        for pid in pids:
            peer = ClientPeer(self.room, pid, keep_data=False)
            track = LoggedVideoTrack(self.clip, self.fps)
            await peer.publish(track)
            self.publishers[pid] = (peer, track)

    async def subscribe(self, pids):
        for pid in pids:
            peer = ClientPeer(self.room, pid, keep_data=False, frame_hook=self._hook(pid))
            await peer.subscribe()
            self.subscribers[pid] = peer

    def _ready(self, tracks_each):
        return sum(
            len(peer.received) >= tracks_each and all(t.count for t in peer.received.values())
            for peer in self.subscribers.values()
        )

    async def ready(self, tracks_each, within):
        """Wait until every subscriber receives frames on its tracks; return how many do."""
        deadline = time.monotonic() + within
        # Frame counts change in receiver callbacks: poll them.
        while self._ready(tracks_each) < len(self.subscribers) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        return self._ready(tracks_each)

    def _received(self):
        return sum(t.count for p in self.subscribers.values() for t in p.received.values())

    async def start(self):
        self.window = {
            "cpu": time.process_time(),
            "wall": time.monotonic(),
            "received": self._received(),
            "sent": {pid: track.frames_sent for pid, (_, track) in self.publishers.items()},
        }
        self.measuring = True

    async def stop(self):
        self.measuring = False
        cpu, wall = time.process_time(), time.monotonic()
        started = self.window
        arrivals = self.arrivals
        if self.raw:  # re-encoding: decode sub0's frames to read their numbers
            decoder = av.CodecContext.create("libvpx", "r")
            for track_id, data, arrived, measured in self.raw:
                try:
                    frames = decoder.decode(av.Packet(data))
                except av.FFmpegError:
                    continue
                for frame in frames:
                    index = read_frame_number(frame)
                    if measured and 0 <= index < len(self.clip):
                        arrivals.append(("sub0", track_id, index, arrived))
        since = started["wall"] - 5
        return {
            "cpu": 100 * (cpu - started["cpu"]) / (wall - started["wall"]),
            "streams": sum(len(p.received) for p in self.subscribers.values()),
            "received": self._received() - started["received"],
            "sent": {
                pid: track.frames_sent - started["sent"][pid]
                for pid, (_, track) in self.publishers.items()
            },
            "sends": {
                pid: [entry for entry in track.log if entry[1] >= since]
                for pid, (_, track) in self.publishers.items()
            },
            "arrivals": arrivals,
        }

    async def close(self):
        for peer, _ in self.publishers.values():
            await peer.close()
        for peer in self.subscribers.values():
            await peer.close()


async def load_main(port: int, clip: list, mode: str, fps: int) -> None:
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader(limit=STREAM_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    load = Load(RemoteRoom(reader, writer), clip, fps, mode)
    while line := await commands.readline():
        request = json.loads(line)
        op = request.pop("op")
        result = await getattr(load, op)(**request)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        if op == "close":
            break
    writer.close()


# Coordinator -----------------------------------------------------------------------------------


class LoadProcess:
    def __init__(self, process):
        self.process = process

    @classmethod
    async def start(cls, port, clip_path, mode, fps):
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--load",
            str(port),
            "--clip",
            clip_path,
            "--mode",
            mode,
            "--fps",
            str(fps),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=STREAM_LIMIT,
        )
        return cls(process)

    async def call(self, **request):
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"load process exited ({await self.process.wait()})")
        return json.loads(line)

    async def finish(self):
        try:
            await asyncio.wait_for(self.call(op="close"), 20)
            await asyncio.wait_for(self.process.wait(), 10)
        except (TimeoutError, RuntimeError):
            self.process.kill()
            await self.process.wait()


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


async def run_case(mode, publishers, subscribers_each, clip_path, clip_len, args, *, all_to_all):
    """Start an SFU and the load processes, connect the peers, measure for args.duration seconds."""
    child = subprocess.Popen(  # noqa: ASYNC220 (started once per case)
        [sys.executable, __file__, "--serve", mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    loads: list[LoadProcess] = []
    try:
        port = int(child.stdout.readline())
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        room = RemoteRoom(reader, writer)
        count = max(1, args.loads)
        loads = [await LoadProcess.start(port, clip_path, mode, args.fps) for _ in range(count)]
        if all_to_all:
            pids = [f"p{i}" for i in range(publishers)]
            publish_on = subscribe_on = [pids[k::count] for k in range(count)]
            tracks_each = publishers - 1
        else:
            pids = [f"pub{p}" for p in range(publishers)]
            publish_on = [pids[k::count] for k in range(count)]
            subs = [f"sub{s}" for s in range(subscribers_each)]
            # Round-robin, starting after the publisher's process.
            subscribe_on = [subs[(count - 1 - k) % count :: count] for k in range(count)]
            tracks_each = publishers
        await asyncio.gather(
            *(ld.call(op="publish", pids=p) for ld, p in zip(loads, publish_on, strict=True))
        )
        await asyncio.gather(
            *(ld.call(op="subscribe", pids=p) for ld, p in zip(loads, subscribe_on, strict=True))
        )
        ready = await asyncio.gather(
            *(ld.call(op="ready", tracks_each=tracks_each, within=60) for ld in loads)
        )
        await asyncio.sleep(args.warmup)
        track_owner = {t["track_id"]: t["participant_id"] for t in await room.call(op="tracks")}
        busy_before = machine_busy()
        in_before = await room.call(op="frames_in")
        cpu_before, wall_before = await room.call(op="cpu"), time.monotonic()
        await asyncio.gather(*(ld.call(op="start") for ld in loads))
        await asyncio.sleep(args.duration)
        results = await asyncio.gather(*(ld.call(op="stop") for ld in loads))
        cpu_after, wall_after = await room.call(op="cpu"), time.monotonic()
        in_after = await room.call(op="frames_in")  # None: MediaRelay does not count
        frames_in = in_after - in_before if in_before is not None else "-"
        busy_after = machine_busy()
        await room.call(op="close")
        for ld in loads:
            await ld.finish()
        loads = []
        writer.write(b'{"op": "exit"}\n')
        writer.close()
    finally:
        for ld in loads:
            ld.process.kill()
            await ld.process.wait()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    sent = {pid: n for r in results for pid, n in r["sent"].items()}
    sends: dict[tuple[str, int], list[float]] = {}
    for r in results:
        for pid, log in r["sends"].items():
            for index, at in log:
                sends.setdefault((pid, index), []).append(at)
    only_publisher = next(iter(sent)) if len(sent) == 1 else None
    latencies, lost, duplicated, unmatched, last = [], 0, 0, 0, {}
    per_stream: dict[tuple[str, str], int] = {}
    for r in results:
        for subscriber, track_id, index, arrived in r["arrivals"]:
            stream = (subscriber, track_id)
            per_stream[stream] = per_stream.get(stream, 0) + 1
            if index < 0:
                unmatched += 1
                continue
            previous = last.get(stream)
            last[stream] = index
            if previous is not None:
                step = (index - previous) % clip_len
                lost += max(step - 1, 0)
                duplicated += step == 0
            owner = track_owner.get(track_id, only_publisher)
            times = sends.get((owner, index), [])
            k = bisect.bisect_right(times, arrived)
            if k and arrived - times[k - 1] < 5:
                latencies.append(arrived - times[k - 1])
    streams = sum(r["streams"] for r in results)
    cpu = 100 * (cpu_after - cpu_before) / (wall_after - wall_before)
    fanout = publishers - 1 if all_to_all else subscribers_each
    return {
        "streams": streams,
        "ready": f"{sum(ready)}/{len(pids) if all_to_all else subscribers_each}",
        "cpu": cpu,
        "cpu_per_stream": cpu / max(streams, 1),
        "clients_cpu": [r["cpu"] for r in results],
        "machine": 100 * (busy_after[0] - busy_before[0]) / max(busy_after[1] - busy_before[1], 1),
        "sent": sum(sent.values()),
        "received": sum(r["received"] for r in results),
        "expected": sum(sent.values()) * fanout,
        "lost": lost,
        "duplicated": duplicated,
        "unmatched": unmatched,
        "frames_in": frames_in,
        "per_stream": sorted(per_stream.values()),
        "p50": 1000 * percentile(latencies, 0.5),
        "p99": 1000 * percentile(latencies, 0.99),
        "samples": len(latencies),
    }


HEADER = (
    "| case | forwarded streams | SFU CPU % of a core | SFU CPU % per stream | "
    "load processes CPU % | machine busy % (2 cores) | frames delivered/sent x subs | "
    "frames lost | latency p50 ms | p99 ms |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def line(label, result):
    ratio = result["received"] / result["expected"] if result["expected"] else float("nan")
    clients = " + ".join(f"{c:.0f}" for c in result["clients_cpu"])
    return (
        f"| {label} | {result['streams']} | {result['cpu']:.1f} | {result['cpu_per_stream']:.2f} | "
        f"{clients} | {result['machine']:.0f} | "
        f"{result['received']}/{result['expected']} ({100 * ratio:.1f} %) | {result['lost']} | "
        f"{result['p50']:.0f} | {result['p99']:.0f} |"
    )


async def main(args):
    started = time.monotonic()
    clip = encode_clip(
        args.width, args.height, args.fps * 10, fps=args.fps, keyframe_every=args.fps, textured=True
    )
    size = sum(len(d) for d, _ in clip) * 8 / 10 / 1000
    print(
        f"clip: {args.width}x{args.height} {args.fps} fps VP8, {len(clip)} frames, ~{size:.0f} kbit/s; "
        f"warm-up {args.warmup} s, measured {args.duration} s; {os.cpu_count()} cores; "
        f"{args.loads} load processes; load average before {os.getloadavg()[0]:.2f}"
    )
    print(HEADER)
    with tempfile.NamedTemporaryFile(suffix=".clip") as clip_file:
        clip_file.write(pickle.dumps(clip))
        clip_file.flush()

        async def case(label, mode, publishers, subscribers, all_to_all=False):
            result = await run_case(
                mode,
                publishers,
                subscribers,
                clip_file.name,
                len(clip),
                args,
                all_to_all=all_to_all,
            )
            print(line(label, result), flush=True)
            counts = result["per_stream"]
            print(
                f"  SFU reassembled {result['frames_in']} of {result['sent']} frames sent; "
                f"frames per stream min/median/max {counts[0] if counts else 0}/"
                f"{counts[len(counts) // 2] if counts else 0}/{counts[-1] if counts else 0} "
                f"over {len(counts)} streams; duplicated {result['duplicated']}, "
                f"unmatched {result['unmatched']}; {result['samples']} latency samples",
                flush=True,
            )
            if not result["ready"].startswith(result["ready"].split("/")[1] + "/"):
                print(f"  (subscribers receiving every track before measuring: {result['ready']})")

        for n in args.subscribers:
            await case(f"forward 1→{n}", "forward", 1, n)
        for n in args.relay:
            await case(f"MediaRelay re-encode 1→{n}", "relay", 1, n)
        if args.workshop:
            await case("forward workshop 12x11", "forward", 12, 0, all_to_all=True)
    print(f"total {time.monotonic() - started:.0f} s; load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--serve", choices=["forward", "relay"])
    parser.add_argument("--load", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--clip", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="forward", help=argparse.SUPPRESS)
    parser.add_argument("--subscribers", default="1,5,10,25,50,100")
    parser.add_argument("--relay", default="1,5,10")
    parser.add_argument("--no-workshop", dest="workshop", action="store_false")
    parser.add_argument("--loads", type=int, default=3, help="client processes (default 3)")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=30)
    parsed = parser.parse_args()
    if parsed.serve:
        asyncio.run(serve(parsed.serve))
    elif parsed.load:
        clip = pickle.loads(Path(parsed.clip).read_bytes())  # our own temporary file
        asyncio.run(load_main(parsed.load, clip, parsed.mode, parsed.fps))
    else:
        parsed.subscribers = [int(x) for x in parsed.subscribers.split(",") if x]
        parsed.relay = [int(x) for x in parsed.relay.split(",") if x]
        asyncio.run(main(parsed))
