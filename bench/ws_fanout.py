"""WebSocket fan-out benchmark: one sender, N listeners in one room, Council against a bare baseline.

Prints its figures; it is not a test. It sets up everything it needs itself:

* a PostgreSQL database of its own (BENCH_DATABASE_URL, default council_bench), migrated, with a
  council, a room, N member accounts and a facilitator who sends, logged in by sessions written
  directly to the session store;
* a Redis database of its own (BENCH_REDIS_URL, default db 12), flushed before every case;
* one or two Daphne processes (DJANGO_SETTINGS_MODULE=council.settings.base, RedisChannelLayer);
* the listeners in two separate load processes (``websockets`` asyncio), so this measuring process
  does not starve.

For each case it prints connections held, connect rate, p50/p99/max delivery latency (the sender
embeds a timestamp in each text), messages lost, server CPU per delivered message and RSS per
connection (psutil on the Daphne processes). The same load is run against
``bench/bare_consumer.py`` and Council's CPU per delivery is printed as a ratio to it.

    .venv/bin/python bench/ws_fanout.py                      # full matrix (about 10 minutes)
    .venv/bin/python bench/ws_fanout.py --clients 100 --servers 2 --duration 5
    .venv/bin/python bench/ws_fanout.py --idle-soak 600 --clients 1000 --servers 2
    .venv/bin/python bench/ws_fanout.py --storm --clients 2000 --duration 20   # 1,000 on the killed one
"""

import argparse
import asyncio
import contextlib
import datetime
import gc
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import common  # bench/common.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DAPHNE = str(Path(sys.executable).with_name("daphne"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/council_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
PORTS = (8761, 8762)
LOAD_PROCESSES = 2
CONNECT_CONCURRENCY = 8  # handshakes in flight per load process (Daphne drops a handshake after 5 s)
SETTLE_SECONDS = 2.0  # let coalesced presence broadcasts of the connect storm go out
FILLER = " la seance reprend apres la pause, merci de rester connectes"
APPS = {
    "council": ("asgi:application", "/ws/rooms/room/{room_id}/"),
    "bare": ("bench.bare_asgi:application", "/ws/bare/"),
}


def server_env() -> dict[str, str]:
    return common.daphne_env(DATABASE_URL, REDIS_URL)


# Fixture: database, accounts, sessions (runs before the event loop starts).


def prepare_fixture(n_users: int) -> dict:
    common.setup_django(DATABASE_URL, REDIS_URL)
    from council.rooms.models import Room

    emails = ["bench-sender@bench.invalid"] + [f"bench{i:05d}@bench.invalid" for i in range(n_users)]
    council, users = common.council_accounts(
        slug="bench", name="Bench council", emails=emails, display_name=lambda email: f"Voisin {email[5:10]}"
    )
    room = Room.objects.filter(council=council, name="Bench room").first()
    if room is None:
        room = Room.objects.create(council=council, name="Bench room")
    _fill_history(room, sender=users[0])
    keys = common.login_sessions(users)
    return {"room_id": room.pk, "sender_session": keys[0], "sessions": keys[1:]}


def _fill_history(room, *, sender) -> None:
    """Give the room its whole history on join (ROOM_HISTORY_ON_JOIN messages of a bench's length).

    Each snapshot carries that history: without it a new database's connects are cheaper than an
    old one's (641/s against 356/s measured), and figures would depend on earlier runs.
    """
    from django.conf import settings

    from council.rooms.models import Message
    from council.rooms.services import message_post

    for k in range(settings.ROOM_HISTORY_ON_JOIN - Message.objects.filter(room=room).count()):
        message_post(actor=sender, room_id=room.pk, text=f"bench:history:{k}:{time.time():.6f}{FILLER}")


def reset_state(room_id: int) -> None:
    """Forget sockets of earlier cases: their groups in Redis and their presence rows."""
    import redis
    from django.db import close_old_connections

    from council.rooms.models import Presence

    redis.Redis.from_url(REDIS_URL).flushdb()
    close_old_connections()
    Presence.objects.filter(room_id=room_id).delete()


def redis_cpu_seconds() -> float:
    import redis

    info = redis.Redis.from_url(REDIS_URL).info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


# Load process: holds a share of the listeners, answers the controller on stdin/stdout.


async def load_process() -> None:
    import websockets

    # One process holds a thousand pages' sockets, each page being a browser of its own: full
    # collections of this big heap (300 ms and more) would delay what it records, not the server.
    gc.freeze()
    gc.set_threshold(20_000, 20, 10)

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)  # the first line lists every client
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    cfg = json.loads(await reader.readline())
    pattern = re.compile(re.escape(f"bench:{cfg['run']}:") + r"(\d+):(\d+\.\d+)")
    clients = cfg["clients"]
    received = [0] * len(clients)
    latencies: list[float] = []
    state = {"connected": 0, "failed": 0, "closed": 0, "connect_seconds": None}
    close_codes: dict[str, int] = {}
    errors: list[str] = []
    quitting = False
    gate = asyncio.Semaphore(cfg.get("concurrency", CONNECT_CONCURRENCY))
    started = time.monotonic()
    sockets = []

    def settled() -> None:
        if state["connected"] + state["failed"] == len(clients):
            state["connect_seconds"] = time.monotonic() - started

    storm_url = cfg.get("storm_url")
    keys: list[set[int]] = [set() for _ in clients]  # storm: the run's messages each client holds
    resynced_at: list[float] = []  # storm: when a client that lost its server had its snapshot again
    reopened_at: list[float] = []  # storm: when its handshake with the other server was done
    joined = [False] * len(clients)  # storm: the clients whose first connect succeeded

    async def client(index: int, url: str, session: str | None) -> None:
        headers = {"Origin": "http://127.0.0.1"}
        if session:
            headers["Cookie"] = f"sessionid={session}"
        if storm_url:
            await storm_client(index, url, headers)
            return
        async with gate:
            try:
                ws = await websockets.connect(
                    url, additional_headers=headers, ping_interval=None, compression=None,
                    max_size=None, open_timeout=60, close_timeout=1,
                )
                if cfg["first_frame"]:
                    first = await asyncio.wait_for(ws.recv(), 60)
                    if '"rooms.room_synced"' not in first:
                        raise RuntimeError(first[:160])
            except Exception as error:
                state["failed"] += 1
                errors.append(repr(error)[:200])
                settled()
                return
        sockets.append(ws)
        state["connected"] += 1
        settled()
        try:
            async for frame in ws:
                match = pattern.search(frame)
                if match:
                    latencies.append(time.time() - float(match.group(2)))
                    received[index] += 1
        except websockets.ConnectionClosed:
            pass
        if not quitting:
            state["closed"] += 1
            code = str(ws.close_code)
            close_codes[code] = close_codes.get(code, 0) + 1

    async def storm_client(index: int, url: str, headers: dict[str, str]) -> None:
        """A page as client.js keeps it: after its server dies it comes back to the other one with
        the same jittered back-off, its page's `?tab=` (the row of its dead socket goes at once)
        and `?since=` the last seq it holds with none missing before."""
        contiguous: int | None = None
        seqs: set[int] = set()
        attempt, lost_server = 0, False
        tab = uuid.uuid4().hex[:16]  # client.js: one id per page load, sent with every connection
        while not quitting:
            query = f"?tab={tab}" + ("" if contiguous is None else f"&since={contiguous}")
            try:
                async with gate if not lost_server else contextlib.nullcontext():
                    ws = await websockets.connect(
                        (storm_url if lost_server else url) + query, additional_headers=headers,
                        ping_interval=None, compression=None, max_size=None, open_timeout=30, close_timeout=1,
                    )
            except Exception as error:
                if not lost_server:
                    state["failed"] += 1
                    errors.append(repr(error)[:200])
                    settled()
                    return
                ceiling = min(30.0, 0.5 * 2**attempt)
                attempt += 1
                await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)
                continue
            attempt = 0
            first = True
            if lost_server:
                reopened_at.append(time.time())
            try:
                async for raw in ws:
                    frame = json.loads(raw)
                    payload = frame.get("payload") or {}
                    if frame["type"] == "rooms.room_synced":
                        messages = payload["messages"]
                        if payload.get("since_seq") is None:
                            contiguous = (messages[0]["seq"] if messages else payload["room"]["last_seq"] + 1) - 1
                    elif frame["type"] == "rooms.message_posted":
                        messages = [payload]
                    else:
                        messages = []
                    for message in messages:
                        seqs.add(message["seq"])
                        for match in pattern.finditer(message.get("text", "")):
                            keys[index].add(int(match.group(1)))
                    while contiguous is not None and contiguous + 1 in seqs:
                        contiguous += 1
                    if first:
                        first = False
                        if lost_server:
                            resynced_at.append(time.time())
                        else:
                            sockets.append(ws)
                            joined[index] = True
                            state["connected"] += 1
                            settled()
            except websockets.ConnectionClosed:
                pass
            if quitting:
                return
            if not lost_server:
                state["closed"] += 1
            lost_server = True
            ceiling = 0.5  # client.js: the first retry after 250-500 ms
            await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)

    tasks = [
        asyncio.create_task(client(i, url, session)) for i, (url, session) in enumerate(clients)
    ]
    while line := (await reader.readline()).strip():
        command = line.decode()
        if command == "status":
            answer = {**state, "received": sum(received) + sum(len(held) for held in keys),
                      "resynced": len(resynced_at)}
        elif command == "results":
            answer = {
                **state,
                "received": sum(received),
                "latencies_ms": [round(x * 1000, 2) for x in latencies],
                "close_codes": close_codes,
                "errors": errors[:5],
                "keys_held": [len(held) for held, ok in zip(keys, joined, strict=True) if ok],
                "resynced_at": resynced_at,
                "reopened_at": reopened_at,
            }
        else:
            break
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    quitting = True
    for task in tasks:
        task.cancel()


async def ask_all(loads: list[common.LoadProcess], command: str) -> dict:
    answers, total = await common.ask_all(loads, command, ("connected", "failed", "closed", "received", "resynced"))
    if command == "results":
        total["latencies_ms"] = [x for a in answers for x in a["latencies_ms"]]
        total["close_codes"] = {}
        for a in answers:
            for code, count in a["close_codes"].items():
                total["close_codes"][code] = total["close_codes"].get(code, 0) + count
        total["errors"] = [e for a in answers for e in a["errors"]][:5]
        total["keys_held"] = [k for a in answers for k in a["keys_held"]]
        total["resynced_at"] = [t for a in answers for t in a["resynced_at"]]
        total["reopened_at"] = [t for a in answers for t in a["reopened_at"]]
    return total


# Servers.


def start_servers(app: str, count: int) -> list[subprocess.Popen]:
    commands = {port: [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "-v", "0", APPS[app][0]] for port in PORTS[:count]}
    return common.start_daphnes(commands, server_env(), "council-bench-daphne")


def cpu_seconds(processes) -> float:
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


def rss_bytes(processes) -> int:
    return sum(p.memory_info().rss for p in processes)


# Sender.


class Sender:
    def __init__(self, url: str, session: str | None, council: bool, run: str) -> None:
        self.url, self.session, self.council, self.run = url, session, council, run
        self.sent = self.acked = 0
        self.errors: list[str] = []

    async def connect(self) -> None:
        import websockets

        headers = {"Origin": "http://127.0.0.1"}
        if self.session:
            headers["Cookie"] = f"sessionid={self.session}"
        self.ws = await websockets.connect(
            self.url, additional_headers=headers, ping_interval=None, compression=None,
            max_size=None, open_timeout=60,
        )
        if self.council:
            await asyncio.wait_for(self.ws.recv(), 60)
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for frame in self.ws:
                if f'"request_id":"{self.run}-' in frame:
                    if frame.startswith('{"type":"ack"'):
                        self.acked += 1
                    else:
                        self.errors.append(frame[:200])

    async def send(self, rate: float, count: int) -> None:
        start = time.monotonic()
        for k in range(count):
            await asyncio.sleep(max(0.0, start + k / rate - time.monotonic()))
            text = f"bench:{self.run}:{k}:{time.time():.6f}{FILLER}"
            if self.council:
                text = json.dumps(
                    {"type": "rooms.send_message", "request_id": f"{self.run}-{k}",
                     "payload": {"text": text}}
                )
            await self.ws.send(text)
            self.sent += 1

    @property
    def broadcast(self) -> int:
        """Messages the server took on (acknowledged by Council; every frame for the bare one)."""
        return self.acked if self.council else self.sent

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()
        self.reader.cancel()


# One case.


async def connect_listeners(app, servers, n, fixture, run, concurrency=CONNECT_CONCURRENCY, storm=False):
    path = APPS[app][1].format(room_id=fixture["room_id"])
    urls = [f"ws://127.0.0.1:{port}{path}" for port in PORTS[:servers]]
    clients = [
        (urls[i % servers], fixture["sessions"][i] if app == "council" else None) for i in range(n)
    ]
    loads = [common.LoadProcess(__file__) for _ in range(LOAD_PROCESSES)]
    for index, load in enumerate(loads):
        await load.start({"clients": clients[index::LOAD_PROCESSES], "run": run, "first_frame": app == "council",
                          "concurrency": concurrency, "storm_url": urls[-1] if storm else None})
    while True:
        await asyncio.sleep(0.5)
        status = await ask_all(loads, "status")
        if status["connected"] + status["failed"] == n:
            return loads, status, urls


async def deliver(loads, sender, rate, count, receivers, drain) -> float:
    """Send `count` messages at `rate`; wait until every listener has them or `drain` expires."""
    await sender.send(rate, count)
    deadline = time.monotonic() + drain
    while time.monotonic() < deadline:
        status = await ask_all(loads, "status")
        if sender.broadcast == count and status["received"] >= count * receivers:
            break
        await asyncio.sleep(0.2)
    return time.monotonic()


async def run_case(app: str, servers: int, n: int, args, fixture) -> dict:
    import psutil

    run = uuid.uuid4().hex[:8]
    await asyncio.to_thread(reset_state, fixture["room_id"])
    procs = start_servers(app, servers)
    loads = []
    sender = None
    try:
        servers_ps = [psutil.Process(p.pid) for p in procs]
        rss_before = rss_bytes(servers_ps)
        connect_cpu_start = cpu_seconds(servers_ps)
        if os.environ.get("BENCH_SPY"):  # and while the listeners connect
            for proc in procs:
                common.spy(proc.pid, f"{os.environ['BENCH_SPY']}-connect-{app}-{n}-{proc.pid}.txt",
                           seconds=int(os.environ.get("BENCH_SPY_CONNECT_SECONDS", "15")))
        loads, status, urls = await connect_listeners(app, servers, n, fixture, run, args.connect_concurrency)
        held = status["connected"]
        connect_cpu = cpu_seconds(servers_ps) - connect_cpu_start
        connect_rate = held / status["connect_seconds"] if status["connect_seconds"] else 0.0
        sender = Sender(urls[0], fixture["sender_session"] if app == "council" else None,
                        app == "council", run)
        await sender.connect()
        await asyncio.sleep(SETTLE_SECONDS)
        rss_held = rss_bytes(servers_ps)
        cpu_start, redis_start, started = cpu_seconds(servers_ps), redis_cpu_seconds(), time.monotonic()
        if os.environ.get("BENCH_SPY"):  # a py-spy sample of each Daphne while sending, for whoever studies it
            for proc in procs:
                common.spy(proc.pid, f"{os.environ['BENCH_SPY']}-{app}-{n}-{proc.pid}.txt",
                           seconds=max(1, int(args.duration) - 1))
        count = round(args.rate * args.duration)
        ended = await deliver(loads, sender, args.rate, count, held, args.drain)
        cpu = cpu_seconds(servers_ps) - cpu_start
        redis_cpu = redis_cpu_seconds() - redis_start
        results = await ask_all(loads, "results")
    finally:
        if sender is not None:
            await sender.close()
        for load in loads:
            await load.stop()
        common.stop_servers(procs, wait=10)
    latencies = sorted(results["latencies_ms"])
    expected = sender.broadcast * held
    delivered = results["received"]
    return {
        "app": app, "servers": servers, "clients": n, "held": held,
        "failed": results["failed"], "closed": results["closed"],
        "connect_rate": connect_rate,
        "cpu_ms_per_connect": 1000 * connect_cpu / held if held else float("nan"),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
        "sent": sender.sent, "broadcast": sender.broadcast, "sender_errors": sender.errors[:3],
        "expected": expected, "delivered": delivered, "lost": expected - delivered,
        "cpu_ms_per_delivery": 1000 * cpu / delivered if delivered else float("nan"),
        "cpu_percent": 100 * cpu / (ended - started),
        "redis_cpu_percent": 100 * redis_cpu / (ended - started),
        "deliveries_per_s": delivered / (ended - started),
        "rss_mb": rss_held / 2**20,
        "rss_kb_per_conn": (rss_held - rss_before) / 1024 / held if held else float("nan"),
        "errors": results["errors"],
    }


HEADER = (
    f"{'app':8} {'srv':>3} {'clients':>7} {'held':>5} {'conn/s':>7} {'ms/conn':>7} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'max ms':>8} {'lost':>7} {'deliv/s':>8} {'CPU ms/deliv':>12} {'srv CPU%':>8} "
    f"{'redis%':>6} {'RSS MB':>7} {'KB/conn':>7}"
)


def row(r: dict) -> str:
    return (
        f"{r['app']:8} {r['servers']:>3} {r['clients']:>7} {r['held']:>5} {r['connect_rate']:>7.0f} "
        f"{r['cpu_ms_per_connect']:>7.2f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['max']:>8.1f} {r['lost']:>7} "
        f"{r['deliveries_per_s']:>8.0f} {r['cpu_ms_per_delivery']:>12.3f} {r['cpu_percent']:>8.0f} "
        f"{r['redis_cpu_percent']:>6.1f} {r['rss_mb']:>7.0f} {r['rss_kb_per_conn']:>7.1f}"
    )


async def matrix(args, fixture) -> None:
    print(
        f"{args.rate:g} msg/s for {args.duration:g} s to every listener, drain up to {args.drain:g} s; "
        f"latency = receive time - send time in the text; lost = expected - received after the drain;\n"
        f"CPU = user+system of the Daphne processes from first send to last delivery; "
        f"KB/conn = RSS growth after connect / connections; ms/conn = Daphne CPU while the listeners connect / connections."
    )
    print(HEADER, flush=True)
    results = []
    for n in args.clients:
        for servers in args.servers:
            if servers == 1 and n > 1000 and not args.all:
                print(f"{'':8} {servers:>3} {n:>7}  skipped: {n} x {args.rate:g} msg/s is several times "
                      f"what one process delivers (run with --all to see it)", flush=True)
                continue
            for app in args.apps:
                result = await run_case(app, servers, n, args, fixture)
                results.append(result)
                print(row(result), flush=True)
                for note in [*result["errors"], *result["sender_errors"]]:
                    print(f"    ! {note}", flush=True)
                if result["closed"]:
                    print(f"    ! {result['closed']} sockets closed during the case", flush=True)
    by_key = {(r["app"], r["servers"], r["clients"]): r for r in results}
    pairs = [
        (by_key[("council", s, n)], by_key[("bare", s, n)])
        for n in args.clients for s in args.servers
        if ("council", s, n) in by_key and ("bare", s, n) in by_key
    ]
    if pairs:
        print("\nCouncil CPU per delivered message / bare Channels consumer, same load:")
        for council, bare in pairs:
            ratio = council["cpu_ms_per_delivery"] / bare["cpu_ms_per_delivery"]
            print(
                f"  {council['servers']} Daphne, {council['clients']:>4} clients: "
                f"{council['cpu_ms_per_delivery']:.3f} / {bare['cpu_ms_per_delivery']:.3f} ms "
                f"= {ratio:.2f}x"
            )


async def idle_soak(args, fixture) -> None:
    import psutil

    n, servers = args.clients[0], args.servers[-1]
    run = uuid.uuid4().hex[:8]
    await asyncio.to_thread(reset_state, fixture["room_id"])
    procs = start_servers("council", servers)
    loads = []
    sender = None
    try:
        servers_ps = [psutil.Process(p.pid) for p in procs]
        rss_before = rss_bytes(servers_ps)
        loads, status, urls = await connect_listeners("council", servers, n, fixture, run)
        held = status["connected"]
        print(f"idle soak: {held} of {n} Council sockets held on {servers} Daphne "
              f"({status['failed']} failed), {held / status['connect_seconds']:.0f} connections/s",
              flush=True)
        await asyncio.sleep(SETTLE_SECONDS)
        cpu_start, started = cpu_seconds(servers_ps), time.monotonic()
        while (elapsed := time.monotonic() - started) < args.idle_soak:
            await asyncio.sleep(min(30.0, args.idle_soak - elapsed))
            status = await ask_all(loads, "status")
            print(f"  {time.monotonic() - started:6.0f} s: {status['closed']} closed", flush=True)
        idle_cpu = cpu_seconds(servers_ps) - cpu_start
        rss_held = rss_bytes(servers_ps)
        sender = Sender(urls[0], fixture["sender_session"], True, run)
        await sender.connect()
        await deliver(loads, sender, args.rate, 1, held, args.drain)
        results = await ask_all(loads, "results")
    finally:
        if sender is not None:
            await sender.close()
        for load in loads:
            await load.stop()
        common.stop_servers(procs, wait=10)
    print(
        f"after {args.idle_soak:g} s idle: {results['closed']} of {held} sockets closed "
        f"{results['close_codes'] or ''}; a message sent at the end reached "
        f"{results['received']} of {held}; idle server CPU "
        f"{100 * idle_cpu / args.idle_soak:.1f} %; RSS {rss_held / 2**20:.0f} MB, "
        f"{(rss_held - rss_before) / 1024 / held:.1f} KB per connection"
    )


async def storm(args, fixture) -> None:
    """Kill one of two Daphnes under a meeting: its sockets come back to the other, resynced, losing nothing."""
    import psutil

    n = args.clients[0]
    run = uuid.uuid4().hex[:8]
    await asyncio.to_thread(reset_state, fixture["room_id"])
    procs = start_servers("council", 2)
    loads: list[common.LoadProcess] = []
    sender = None
    try:
        survivor = psutil.Process(procs[1].pid)
        loads, status, urls = await connect_listeners("council", 2, n, fixture, run, args.connect_concurrency, storm=True)
        held = status["connected"]
        print(f"storm: {held} of {n} sockets held on 2 Daphnes ({status['failed']} failed) in "
              f"{status['connect_seconds']:.1f} s", flush=True)
        sender = Sender(urls[1], fixture["sender_session"], True, run)  # on the Daphne that stays
        await sender.connect()
        await asyncio.sleep(SETTLE_SECONDS)
        count = round(args.rate * args.duration)
        sending = asyncio.create_task(sender.send(args.rate, count))
        await asyncio.sleep(min(3.0, args.duration / 3))
        cpu_start = cpu_seconds([survivor])
        if os.environ.get("BENCH_SPY"):  # the survivor while they come back, for whoever studies it
            common.spy(survivor.pid, f"{os.environ['BENCH_SPY']}-storm-{survivor.pid}.txt", seconds=8)
        procs[0].send_signal(signal.SIGKILL)  # no goodbye: its sockets just break
        killed_at = time.time()
        await sending
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline:
            status = await ask_all(loads, "status")
            if sender.broadcast == count and status["received"] >= count * held:
                break
            await asyncio.sleep(0.2)
        survivor_cpu = cpu_seconds([survivor]) - cpu_start
        results = await ask_all(loads, "results")
    finally:
        if sender is not None:
            await sender.close()
        for load in loads:
            await load.stop()
        common.stop_servers(procs, wait=10)
    dropped = results["closed"]
    times = sorted(t - killed_at for t in results["resynced_at"])
    opened = sorted(t - killed_at for t in results["reopened_at"])
    lost = sum(max(0, sender.broadcast - k) for k in results["keys_held"])

    def at(q: float, times: list[float] = times) -> str:
        return f"{times[min(len(times) - 1, int(q * (len(times) - 1)))]:.2f} s" if times else "-"

    print(
        f"Daphne killed under {held} sockets: {dropped} lost their server, {len(times)} came back to the other "
        f"and got their snapshot; after the kill: p50 {at(0.5)}, p99 {at(0.99)}, all {at(1.0)}"
        f"{'' if len(times) == dropped else ' (NOT all came back)'}\n"
        f"their handshakes with the other done after the kill: p50 {at(0.5, opened)}, all {at(1.0, opened)} "
        f"({len(opened) - len(times)} more handshakes than snapshots: retries)\n"
        f"messages: {sender.broadcast} acknowledged of {sender.sent} sent at {args.rate:g}/s; "
        f"lost = acknowledged x listeners - distinct messages held at the end = {lost}; "
        f"surviving Daphne CPU {survivor_cpu:.1f} s",
        flush=True,
    )
    for note in [*results["errors"], *sender.errors[:3]]:
        print(f"    ! {note}", flush=True)


def main() -> None:
    if "--load-process" in sys.argv:
        asyncio.run(load_process())
        return

    def numbers(text: str) -> list[int]:
        return [int(x) for x in text.split(",")]

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=numbers, default=[100, 500, 1000, 2000],
                        help="comma-separated listener counts (default 100,500,1000,2000)")
    parser.add_argument("--servers", type=numbers, default=[1, 2],
                        help="comma-separated Daphne process counts, 1 and/or 2 (default 1,2)")
    parser.add_argument("--rate", type=float, default=5.0, help="messages per second (default 5)")
    parser.add_argument("--connect-concurrency", type=int, default=CONNECT_CONCURRENCY,
                        help=f"handshakes in flight per load process (default {CONNECT_CONCURRENCY})")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending (default 10)")
    parser.add_argument("--drain", type=float, default=10.0,
                        help="seconds to wait for the last deliveries (default 10)")
    parser.add_argument("--apps", type=lambda s: s.split(","), default=["council", "bare"],
                        help="council and/or bare (default both)")
    parser.add_argument("--all", action="store_true",
                        help="also run one Daphne with more than 1,000 clients (hopelessly overloaded)")
    parser.add_argument("--storm", action="store_true",
                        help="--clients sockets on 2 Daphnes; kill one while sending: its half reconnects "
                             "to the other (client.js back-off, ?since=); time to resync, messages lost")
    parser.add_argument("--idle-soak", type=float, metavar="SECONDS",
                        help="hold --clients idle Council sockets this long; report closures")
    args = parser.parse_args()
    if any(s not in (1, 2) for s in args.servers):
        parser.error("--servers takes 1 and/or 2")
    started = datetime.datetime.now(datetime.UTC)
    print(f"# {' '.join(['bench/ws_fanout.py', *sys.argv[1:]])}  ({started:%Y-%m-%d %H:%M} UTC, "
          f"{os.cpu_count()} CPUs)", flush=True)
    fixture = prepare_fixture(max(args.clients))
    if args.storm:
        asyncio.run(storm(args, fixture))
    elif args.idle_soak:
        asyncio.run(idle_soak(args, fixture))
    else:
        asyncio.run(matrix(args, fixture))
    print(f"# done in {(datetime.datetime.now(datetime.UTC) - started).total_seconds():.0f} s")


if __name__ == "__main__":
    main()
