"""Video forwarding benchmark: one publisher to N subscribers through one media process.

The SFU runs in a child process (``--serve``): either Council's ``MediaRoom`` (forwarding encoded
frames) or a small room built on aiortc's ``MediaRelay`` (decode once, re-encode per subscriber).
This process runs the aiortc client peers: the publisher replays a VP8 clip encoded once
(640x360, 30 fps, a keyframe every second, frames numbered in their pixels) and the subscribers
only reassemble what they receive (tapped, not decoded). Signalling is JSON lines over TCP.

Prints, per case: SFU CPU (% of one core, and per forwarded stream), frames delivered / frames
sent x subscribers, end-to-end frame latency p50/p99 (publisher's send to a subscriber's
reassembled frame; forwarding: every frame of every subscriber, matched by its bytes; re-encoding:
the first subscriber's frames, decoded to read their number).

    .venv/bin/python bench/sfu.py                        # full run, about 3-4 minutes
    .venv/bin/python bench/sfu.py --subscribers 1,5 --relay 1 --no-workshop --duration 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aioice.ice
import av

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

from aiortc import RTCConfiguration  # noqa: E402
from aiortc import RTCPeerConnection  # noqa: E402
from aiortc import RTCSessionDescription  # noqa: E402
from aiortc.contrib.media import MediaRelay  # noqa: E402

from council.rooms.media.sfu import MediaRoom  # noqa: E402
from council.rooms.media.testing import ClientPeer  # noqa: E402
from council.rooms.media.testing import PreEncodedVideoTrack  # noqa: E402
from council.rooms.media.testing import encode_clip  # noqa: E402
from council.rooms.media.testing import read_frame_number  # noqa: E402

# Server side (child process) -------------------------------------------------------------------


class RelayRoom:
    """The re-encoding baseline: aiortc MediaRelay, one encoder per subscriber."""

    def __init__(self):
        self.relay = MediaRelay()
        self.pcs: dict[str, RTCPeerConnection] = {}
        self.sources = []

    def _pc(self, key):
        pc = self.pcs[key] = RTCPeerConnection(RTCConfiguration(iceServers=[]))
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
            elif op == "close":
                await room.close()
                writer.write(b"null\n")
                await writer.drain()
                asyncio.get_running_loop().call_soon(stop.set)
                return
            writer.write(json.dumps(result).encode() + b"\n")
            await writer.drain()

    stop = asyncio.Event()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()
    server.close()


# Client side (this process) --------------------------------------------------------------------


class RemoteRoom:
    """The MediaRoom methods the client peers call, over the child's JSON-lines socket."""

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


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def run_case(mode, publishers, subscribers_each, clip, args, *, all_to_all=False):
    """Start an SFU child, connect the peers, measure for args.duration seconds."""
    child = subprocess.Popen(  # noqa: ASYNC220 (started once per case)
        [sys.executable, __file__, "--serve", mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(child.stdout.readline())
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        room = RemoteRoom(reader, writer)
        index_of = {data: i for i, (data, _) in enumerate(clip)}
        latencies: list[float] = []
        measuring = False
        sources: dict[str, PreEncodedVideoTrack] = {}
        decode_first = mode == "relay"
        relay_frames: list[tuple[bytes, float]] = []

        def hook_for(peer_index):
            def hook(received, codec, frame):
                if decode_first:
                    if peer_index == 0:  # from the start: decoding needs the first keyframe
                        relay_frames.append((frame.data, time.monotonic(), measuring))
                    return
                if not measuring:
                    return
                index = index_of.get(frame.data)
                if index is not None:
                    sent = sources_sent_at(received.track_id, index)
                    if sent:
                        latencies.append(time.monotonic() - sent)

            return hook

        track_owner: dict[str, str] = {}

        def sources_sent_at(track_id, index):
            owner = track_owner.get(track_id)
            source = sources.get(owner) if owner else next(iter(sources.values()))
            return source.sent_at[index]

        publisher_peers = []
        for p in range(publishers):
            peer = ClientPeer(room, f"pub{p}", keep_data=False, frame_hook=hook_for(p))
            sources[peer.participant_id] = PreEncodedVideoTrack(clip, fps=args.fps)
            await peer.publish(sources[peer.participant_id])
            publisher_peers.append(peer)
        subscriber_peers = []
        if all_to_all:
            for peer in publisher_peers:
                await peer.subscribe()
                subscriber_peers.append(peer)
        else:
            for s in range(subscribers_each):
                peer = ClientPeer(room, f"sub{s}", keep_data=False, frame_hook=hook_for(s))
                await peer.subscribe()
                subscriber_peers.append(peer)
        await asyncio.sleep(args.warmup)
        for track in await room.call(op="tracks"):
            track_owner[track["track_id"]] = track["participant_id"]
        streams = sum(len(p.received) for p in subscriber_peers)
        received_before = sum(t.count for p in subscriber_peers for t in p.received.values())
        sent_before = sum(s.frames_sent for s in sources.values())
        cpu_before, wall_before = await room.call(op="cpu"), time.monotonic()
        measuring = True
        await asyncio.sleep(args.duration)
        measuring = False
        cpu_after, wall_after = await room.call(op="cpu"), time.monotonic()
        received = (
            sum(t.count for p in subscriber_peers for t in p.received.values()) - received_before
        )
        sent = sum(s.frames_sent for s in sources.values()) - sent_before
        expected = sent * (publishers - 1 if all_to_all else subscribers_each)
        if decode_first and relay_frames:
            source = next(iter(sources.values()))
            decoder = av.CodecContext.create("libvpx", "r")
            for data, arrived, measured in relay_frames:
                try:
                    frames = decoder.decode(av.Packet(data))
                except av.FFmpegError:
                    continue
                for frame in frames:
                    index = read_frame_number(frame)
                    if measured and 0 <= index < len(clip):
                        latencies.append(arrived - source.sent_at[index])
        latencies = [x for x in latencies if 0 <= x < 5]
        cpu = 100 * (cpu_after - cpu_before) / (wall_after - wall_before)
        await room.call(op="close")
        for peer in publisher_peers + subscriber_peers:
            await peer.close()
        writer.close()
        return {
            "streams": streams,
            "cpu": cpu,
            "cpu_per_stream": cpu / max(streams, 1),
            "sent": sent,
            "received": received,
            "expected": expected,
            "p50": 1000 * percentile(latencies, 0.5) if latencies else float("nan"),
            "p99": 1000 * percentile(latencies, 0.99) if latencies else float("nan"),
            "samples": len(latencies),
        }
    finally:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def line(label, result):
    ratio = result["received"] / result["expected"] if result["expected"] else float("nan")
    return (
        f"| {label} | {result['streams']} | {result['cpu']:.1f} | {result['cpu_per_stream']:.2f} | "
        f"{result['received']}/{result['expected']} ({100 * ratio:.1f} %) | "
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
        f"warm-up {args.warmup} s, measured {args.duration} s; {os.cpu_count()} cores"
    )
    print(
        "| case | forwarded streams | SFU CPU % of a core | CPU % per stream | frames delivered/sent | latency p50 ms | p99 ms |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in args.subscribers:
        result = await run_case("forward", 1, n, clip, args)
        print(line(f"forward 1→{n}", result), flush=True)
    for n in args.relay:
        result = await run_case("relay", 1, n, clip, args)
        print(line(f"MediaRelay re-encode 1→{n}", result), flush=True)
    if args.workshop:
        result = await run_case("forward", 12, 0, clip, args, all_to_all=True)
        print(line("forward workshop 12x11", result), flush=True)
    print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--serve", choices=["forward", "relay"])
    parser.add_argument("--subscribers", default="1,5,10,25,50")
    parser.add_argument("--relay", default="1,5,10")
    parser.add_argument("--no-workshop", dest="workshop", action="store_false")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=30)
    parsed = parser.parse_args()
    if parsed.serve:
        asyncio.run(serve(parsed.serve))
    else:
        parsed.subscribers = [int(x) for x in parsed.subscribers.split(",") if x]
        parsed.relay = [int(x) for x in parsed.relay.split(",") if x]
        asyncio.run(main(parsed))
