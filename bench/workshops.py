"""Breakout workshops benchmark: a plenary of N people split into workshops and merged back.

Prints its figures; it is not a test. It sets up everything it needs itself:

* a PostgreSQL database of its own (BENCH_DATABASE_URL, default council_bench_workshops), migrated,
  with a council, N member accounts and a facilitator, logged in by sessions written directly
  to the session store; each case gets a fresh plenary room;
* a Redis database of its own (BENCH_REDIS_URL, default db 11), flushed before every case;
* one or two Daphne processes (DJANGO_SETTINGS_MODULE=council.settings.base, RedisChannelLayer);
* the participants' sockets in load processes (``websockets`` asyncio, --loads, default 3), so
  the client side is not the bottleneck; the facilitator's socket is in this process.

Each round, the facilitator creates a session of W workshops, draws everyone at random, then
sends ``workshops.open``: the time from sending it until each participant's socket has received
the ``rooms.room_synced`` snapshot of its own breakout room is that participant's move. After a
pause it sends ``workshops.close`` with no countdown (grace 0) and the time until each socket
has the plenary's snapshot again is its return. A participant without its snapshot after
--timeout seconds is left behind; one that lands in another workshop than the one it was
drawn into counts as wrong. Media is not included (bench/sfu.py measures video).

    .venv/bin/python bench/workshops.py                       # 200 people, 20 workshops, 1 and 2 Daphne
    .venv/bin/python bench/workshops.py --people 50 --workshops 5 --servers 1 --rounds 1
    .venv/bin/python bench/workshops.py --servers 1 --profile /tmp/ws-prof   # cProfile of Daphne

With --profile DIR each Daphne runs under cProfile, every thread profiled (the event loop and
the database thread of ``database_sync_to_async``); one .prof file per thread is written to
DIR when the server stops, and the top functions by cumulative time are printed.
"""

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common  # bench/common.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DAPHNE = str(Path(sys.executable).with_name("daphne"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/council_bench_workshops"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
PORTS = (8771, 8772)
CONNECT_CONCURRENCY = 8  # handshakes in flight per load process (Daphne drops one after 5 s)
SETTLE_SECONDS = 2.0  # let the presence summaries and session updates of a phase go out
SYNCED = '{"type":"rooms.room_synced"'


def server_env() -> dict[str, str]:
    return common.daphne_env(DATABASE_URL, REDIS_URL)


# Fixture: database, accounts, sessions (runs before the event loop starts).


def prepare_fixture(n_people: int) -> dict:
    common.setup_django(DATABASE_URL, REDIS_URL)
    emails = ["bench-facilitator@bench.invalid"] + [f"bench-ws{i:05d}@bench.invalid" for i in range(n_people)]
    council, users = common.council_accounts(
        slug="bench-workshops", name="Bench workshops council", emails=emails,
        display_name=lambda email: f"Voisin {email[8:13]}",
    )
    keys = common.login_sessions(users)
    return {"council_id": council.pk, "facilitator_session": keys[0], "sessions": keys[1:]}


def fresh_plenary(council_id: int, label: str) -> int:
    """A new plenary room for one case; Redis flushed and stale presence rows removed."""
    import redis
    from django.db import close_old_connections

    from council.rooms.models import Presence
    from council.rooms.models import Room

    redis.Redis.from_url(REDIS_URL).flushdb()
    close_old_connections()
    Presence.objects.filter(room__council_id=council_id).delete()
    return Room.objects.create(council_id=council_id, name=f"Bench plenary {label}").pk


# Load process: holds a share of the participants, answers the controller on stdin/stdout.


async def load_process() -> None:
    import websockets

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    cfg = json.loads(await reader.readline())
    clients = cfg["clients"]
    # Per client: its user id (from the first snapshot) and every later snapshot as
    # (receive time, room id, parent id): the rooms it was moved into, in order.
    user_ids: list[int | None] = [None] * len(clients)
    snapshots: list[list[tuple[float, int, int | None]]] = [[] for _ in clients]
    state = {"connected": 0, "failed": 0, "closed": 0, "connect_seconds": None}
    errors: list[str] = []
    quitting = False
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    started = time.monotonic()

    def settled() -> None:
        if state["connected"] + state["failed"] == len(clients):
            state["connect_seconds"] = time.monotonic() - started

    async def client(index: int, url: str, session: str) -> None:
        headers = {"Origin": "http://127.0.0.1", "Cookie": f"sessionid={session}"}
        async with gate:
            try:
                ws = await websockets.connect(
                    url,
                    additional_headers=headers,
                    ping_interval=None,
                    compression=None,
                    max_size=None,
                    open_timeout=60,
                    close_timeout=1,
                )
                first = await asyncio.wait_for(ws.recv(), 60)
                if not first.startswith(SYNCED):
                    raise RuntimeError(first[:160])
                user_ids[index] = json.loads(first)["payload"]["me"]["id"]
            except Exception as error:
                state["failed"] += 1
                errors.append(repr(error)[:200])
                settled()
                return
        state["connected"] += 1
        settled()
        try:
            async for frame in ws:
                if frame.startswith(SYNCED):
                    at = time.time()
                    room = json.loads(frame)["payload"]["room"]
                    snapshots[index].append((at, room["id"], room["parent_id"]))
        except websockets.ConnectionClosed:
            pass
        if not quitting:
            state["closed"] += 1
            errors.append(f"closed {ws.close_code}")

    def arrived(since: float, kind: str) -> int:
        """Clients whose first snapshot after `since` is of a breakout (or of the plenary)."""
        count = 0
        for events in snapshots:
            first = next((e for e in events if e[0] >= since), None)
            if first is not None and (first[2] is not None) == (kind == "breakout"):
                count += 1
        return count

    tasks = [
        asyncio.create_task(client(i, url, session)) for i, (url, session) in enumerate(clients)
    ]
    while line := (await reader.readline()).strip():
        command, *args = line.decode().split()
        if command == "status":
            answer = dict(state)
            if args:
                answer["arrived"] = arrived(float(args[0]), args[1])
        elif command == "results":
            answer = {**state, "user_ids": user_ids, "snapshots": snapshots, "errors": errors[:5]}
        else:
            break
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    quitting = True
    for task in tasks:
        task.cancel()


async def ask_all(loads: list[common.LoadProcess], command: str) -> dict:
    answers, total = await common.ask_all(loads, command, ("connected", "failed", "closed", "arrived"))
    if command == "results":
        total["user_ids"] = [u for a in answers for u in a["user_ids"]]
        total["snapshots"] = [s for a in answers for s in a["snapshots"]]
        total["errors"] = [e for a in answers for e in a["errors"]][:5]
    return total


# Servers (optionally profiled: see profiled_daphne).


def start_servers(count: int, profile_dir: str | None) -> list[subprocess.Popen]:
    commands = {
        port: [PYTHON, __file__, "--profiled-daphne", str(port), profile_dir]
        if profile_dir
        else [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "-v", "0", "asgi:application"]
        for port in PORTS[:count]
    }
    return common.start_daphnes(commands, server_env(), "council-bench-workshops-daphne")


def profiled_daphne(port: str, out_dir: str) -> None:
    """Run Daphne with cProfile in every thread; write one .prof per thread when it exits."""
    import atexit
    import cProfile
    import threading

    from daphne.cli import CommandLineInterface

    Path(out_dir).mkdir(parents=True, exist_ok=True)
    profiles: list[tuple[str, cProfile.Profile]] = []
    run = threading.Thread.run

    def profiled_run(thread: threading.Thread) -> None:
        profile = cProfile.Profile()
        profiles.append((thread.name, profile))
        profile.enable()
        try:
            run(thread)
        finally:
            profile.disable()

    threading.Thread.run = profiled_run
    main = cProfile.Profile()
    profiles.append(("main", main))

    def dump() -> None:
        main.disable()
        for index, (name, profile) in enumerate(profiles):
            with contextlib.suppress(Exception):
                profile.dump_stats(f"{out_dir}/daphne-{port}-{index}-{name.replace(' ', '_')}.prof")

    atexit.register(dump)  # Daphne (Twisted) stops its reactor on SIGTERM, then exits normally
    main.enable()
    CommandLineInterface().run(["-b", "127.0.0.1", "-p", port, "-v", "0", "asgi:application"])


def print_profiles(profile_dir: str, top: int = 30) -> None:
    """The event loop's thread, then every other thread (the database work) merged."""
    import io
    import pstats

    paths = sorted(Path(profile_dir).glob("*.prof"))
    groups = {
        "event loop (main thread)": [p for p in paths if p.name.endswith("-main.prof")],
        "database threads, merged": [p for p in paths if not p.name.endswith("-main.prof")],
    }
    for title, members in groups.items():
        if not members:
            continue
        stats = pstats.Stats(*map(str, members))
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats("cumulative").print_stats(top)
        print(f"\n## {title}: {stats.total_tt:.1f} s in profiled calls ({len(members)} files)")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


# The facilitator's socket.


class Facilitator:
    def __init__(self, url: str, session: str) -> None:
        self.url, self.session = url, session
        self.frames: list[dict] = []
        self._count = 0
        self._arrived = asyncio.Event()

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(
            self.url,
            additional_headers={
                "Origin": "http://127.0.0.1",
                "Cookie": f"sessionid={self.session}",
            },
            ping_interval=None,
            compression=None,
            max_size=None,
            open_timeout=60,
        )
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                if raw.startswith(
                    ('{"type":"ack"', '{"type":"error"', '{"type":"workshops.session_updated"')
                ):
                    self.frames.append(json.loads(raw))
                    self._arrived.set()

    async def wait(self, predicate, within: float = 60) -> dict:
        deadline = time.monotonic() + within
        seen = 0
        while True:
            for frame in self.frames[seen:]:
                if predicate(frame):
                    return frame
            seen = len(self.frames)
            self._arrived.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("the facilitator's socket got no answer in time")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)

    async def send(self, frame_type: str, payload: dict) -> tuple[float, str]:
        self._count += 1
        request_id = f"bench-{self._count}"
        sent_at = time.time()
        await self.ws.send(
            json.dumps({"type": frame_type, "request_id": request_id, "payload": payload})
        )
        return sent_at, request_id

    async def command(self, frame_type: str, payload: dict) -> tuple[dict, float, float]:
        """Send a command; return its payload, when it was sent and how long its ack took (ms)."""
        sent_at, request_id = await self.send(frame_type, payload)
        answer = await self.wait(lambda f: f.get("request_id") == request_id)
        if answer["type"] != "ack":
            raise RuntimeError(f"{frame_type} refused: {answer['payload']}")
        return answer["payload"], sent_at, 1000 * (time.time() - sent_at)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()
        self.reader.cancel()


# One case.


async def connect_participants(servers: int, n: int, fixture: dict, room_id: int, loads_count: int):
    urls = [f"ws://127.0.0.1:{port}/ws/rooms/room/{room_id}/" for port in PORTS[:servers]]
    clients = [(urls[i % servers], fixture["sessions"][i]) for i in range(n)]
    loads = [common.LoadProcess(__file__) for _ in range(loads_count)]
    for index, load in enumerate(loads):
        await load.start({"clients": clients[index::loads_count]})
    while True:
        await asyncio.sleep(0.5)
        status = await ask_all(loads, "status")
        if status["connected"] + status["failed"] == n:
            return loads, status, urls


async def wait_arrivals(loads, since: float, kind: str, expected: int, within: float) -> None:
    deadline = time.time() + within
    while time.time() < deadline:
        status = await ask_all(loads, f"status {since} {kind}")
        if status["arrived"] >= expected:
            return
        await asyncio.sleep(0.1)


def postgres_processes() -> list:
    """PostgreSQL's server processes on this machine (their CPU is part of every move)."""
    import psutil

    return [
        p for p in psutil.process_iter(["name"]) if p.info["name"] in ("postgres", "postmaster")
    ]


def cpu_by_process(processes: list) -> dict[int, float]:
    times = {}
    for process in processes:
        with contextlib.suppress(Exception):  # a backend that ended meanwhile
            cpu = process.cpu_times()
            times[process.pid] = cpu.user + cpu.system
    return times


def cpu_since(processes: list, before: dict[int, float]) -> float:
    """CPU seconds used since `before` (a process started meanwhile counts whole, one ended is lost)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in cpu_by_process(processes).items())


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "p50": statistics.median(values),
        "p99": values[min(len(values) - 1, round(0.99 * (len(values) - 1)))],
        "max": values[-1],
    }


async def run_case(servers: int, args, fixture: dict) -> list[dict]:
    import psutil

    label = f"{servers}srv-{time.time():.0f}"
    room_id = await asyncio.to_thread(fresh_plenary, fixture["council_id"], label)
    procs = start_servers(servers, args.profile)
    loads: list[common.LoadProcess] = []
    boss = None
    rounds = []
    try:
        server_ps = [psutil.Process(p.pid) for p in procs]
        loads, status, urls = await connect_participants(
            servers, args.people, fixture, room_id, args.loads
        )
        held = status["connected"]
        print(
            f"{servers} Daphne: {held} of {args.people} participants connected ({status['failed']} failed) "
            f"in {status['connect_seconds']:.1f} s",
            flush=True,
        )
        boss = Facilitator(urls[0], fixture["facilitator_session"])
        await boss.connect()
        await asyncio.sleep(SETTLE_SECONDS)
        for number in range(1, args.rounds + 1):
            workshops = [{"name": f"Atelier {i + 1}"} for i in range(args.workshops)]
            created, _, create_ms = await boss.command(
                "workshops.create_session",
                {
                    "title": f"Ronde {number}",
                    "workshops": workshops,
                    "mode": "random",
                    "duration_seconds": 1200,
                    "grace_seconds": 0,
                },
            )
            session_id = created["session_id"]
            drawn, _, draw_ms = await boss.command("workshops.draw", {"session_id": session_id})
            await asyncio.sleep(SETTLE_SECONDS)

            database_ps = postgres_processes()
            cpu_before, db_before = cpu_by_process(server_ps), cpu_by_process(database_ps)
            _, opened_at, open_ack_ms = await boss.command(
                "workshops.open", {"session_id": session_id}
            )
            view = (
                await boss.wait(
                    lambda f, session_id=session_id: (
                        f["type"] == "workshops.session_updated"
                        and f["payload"]["session_id"] == session_id
                        and f["payload"]["status"] == "open"
                    )
                )
            )["payload"]
            expected_room = {
                p["id"]: next(
                    w["room_id"] for w in view["workshops"] if w["id"] == p["workshop_id"]
                )
                for p in view["people"]
            }
            await wait_arrivals(loads, opened_at, "breakout", len(expected_room), args.timeout)
            open_cpu = cpu_since(server_ps, cpu_before)
            open_db_cpu = cpu_since(postgres_processes(), db_before)
            await asyncio.sleep(SETTLE_SECONDS)

            database_ps = postgres_processes()
            cpu_before, db_before = cpu_by_process(server_ps), cpu_by_process(database_ps)
            _, closed_at, close_ack_ms = await boss.command(
                "workshops.close", {"session_id": session_id, "grace_seconds": 0}
            )
            await wait_arrivals(loads, closed_at, "plenary", len(expected_room), args.timeout)
            close_cpu = cpu_since(server_ps, cpu_before)
            close_db_cpu = cpu_since(postgres_processes(), db_before)
            await asyncio.sleep(SETTLE_SECONDS)

            results = await ask_all(loads, "results")
            moves, returns, wrong, behind_open, behind_close = [], [], 0, 0, 0
            for user_id, snapshots in zip(results["user_ids"], results["snapshots"], strict=True):
                if user_id is None or user_id not in expected_room:
                    continue
                into = next((s for s in snapshots if s[0] >= opened_at and s[0] < closed_at), None)
                if into is None or into[2] is None:
                    behind_open += 1
                else:
                    moves.append(1000 * (into[0] - opened_at))
                    wrong += into[1] != expected_room[user_id]
                back = next((s for s in snapshots if s[0] >= closed_at), None)
                if back is None or back[1] != room_id:
                    behind_close += 1
                else:
                    returns.append(1000 * (back[0] - closed_at))
            rounds.append(
                {
                    "servers": servers,
                    "round": number,
                    "people": held,
                    "assigned": drawn["assigned"],
                    "create_ms": create_ms,
                    "draw_ms": draw_ms,
                    "open_ack_ms": open_ack_ms,
                    "close_ack_ms": close_ack_ms,
                    "open": percentiles(moves),
                    "close": percentiles(returns),
                    "behind_open": behind_open,
                    "behind_close": behind_close,
                    "wrong": wrong,
                    "open_cpu": open_cpu,
                    "close_cpu": close_cpu,
                    "open_db_cpu": open_db_cpu,
                    "close_db_cpu": close_db_cpu,
                    "closed": results["closed"],
                    "errors": results["errors"],
                }
            )
            print(row(rounds[-1]), flush=True)
    finally:
        if boss is not None:
            await boss.close()
        for load in loads:
            await load.stop()
        common.stop_servers(procs)
    return rounds


HEADER = (
    f"{'srv':>3} {'round':>5} {'people':>6} {'drawn':>5} | {'open ack':>8} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'max ms':>7} {'behind':>6} {'wrong':>5} {'CPU s':>5} {'PG s':>5} | {'close ack':>9} {'p50 ms':>7} "
    f"{'p99 ms':>7} {'max ms':>7} {'behind':>6} {'CPU s':>5} {'PG s':>5}"
)


def row(r: dict) -> str:
    o, c = r["open"], r["close"]
    return (
        f"{r['servers']:>3} {r['round']:>5} {r['people']:>6} {r['assigned']:>5} | {r['open_ack_ms']:>8.0f} "
        f"{o['p50']:>7.0f} {o['p99']:>7.0f} {o['max']:>7.0f} {r['behind_open']:>6} {r['wrong']:>5} "
        f"{r['open_cpu']:>5.1f} {r['open_db_cpu']:>5.1f} | {r['close_ack_ms']:>9.0f} {c['p50']:>7.0f} "
        f"{c['p99']:>7.0f} {c['max']:>7.0f} {r['behind_close']:>6} {r['close_cpu']:>5.1f} {r['close_db_cpu']:>5.1f}"
        + (f"\n    ! {r['closed']} sockets closed: {r['errors']}" if r["closed"] else "")
    )


async def main_async(args, fixture: dict) -> None:
    print(
        f"{args.people} participants, {args.workshops} workshops drawn at random, {args.loads} load processes; "
        f"open/close ack = the facilitator's command answered; p50/p99/max = command sent -> the "
        f"participant's room_synced of its breakout (open) or of the plenary (close, grace 0); "
        f"behind = no such snapshot within {args.timeout:g} s; wrong = landed in another workshop than "
        f"drawn; CPU s / PG s = user+system CPU of the Daphne / PostgreSQL processes from the command to "
        f"the last arrival (PG s is a lower bound: a connection that closes meanwhile is not counted)."
    )
    print(HEADER, flush=True)
    all_rounds = []
    for servers in args.servers:
        all_rounds.extend(await run_case(servers, args, fixture))
    print("\nAll rounds together (every participant of every round):")
    for servers in args.servers:
        mine = [r for r in all_rounds if r["servers"] == servers]
        worst_open = max(r["open"]["max"] for r in mine)
        worst_close = max(r["close"]["max"] for r in mine)
        print(
            f"  {servers} Daphne: open max {worst_open:.0f} ms, close max {worst_close:.0f} ms; "
            f"left behind {sum(r['behind_open'] + r['behind_close'] for r in mine)}, "
            f"wrong workshop {sum(r['wrong'] for r in mine)}; target (everyone moved within 2 s, "
            f"none behind): {'met' if max(worst_open, worst_close) <= 2000 and not any(r['behind_open'] or r['behind_close'] or r['wrong'] for r in mine) else 'NOT met'}"
        )
    if args.profile:
        print_profiles(args.profile)


def main() -> None:
    if "--load-process" in sys.argv:
        asyncio.run(load_process())
        return
    if "--profiled-daphne" in sys.argv:
        index = sys.argv.index("--profiled-daphne")
        profiled_daphne(sys.argv[index + 1], sys.argv[index + 2])
        return

    def numbers(text: str) -> list[int]:
        return [int(x) for x in text.split(",")]

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200, help="participants (default 200)")
    parser.add_argument(
        "--workshops", type=int, default=20, help="workshops per session (default 20)"
    )
    parser.add_argument(
        "--servers",
        type=numbers,
        default=[1, 2],
        help="comma-separated Daphne process counts, 1 and/or 2 (default 1,2)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="open/close rounds per case (default 3)"
    )
    parser.add_argument(
        "--loads", type=int, default=3, help="load processes holding the sockets (default 3)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds after which a participant not moved is left behind (default 60)",
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="run Daphne under cProfile, write and print profiles"
    )
    args = parser.parse_args()
    if any(s not in (1, 2) for s in args.servers):
        parser.error("--servers takes 1 and/or 2")
    started = datetime.datetime.now(datetime.UTC)
    print(
        f"# {' '.join(['bench/workshops.py', *sys.argv[1:]])}  ({started:%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs)",
        flush=True,
    )
    fixture = prepare_fixture(args.people)
    print("# load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    asyncio.run(main_async(args, fixture))
    print("# load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"# done in {(datetime.datetime.now(datetime.UTC) - started).total_seconds():.0f} s")


if __name__ == "__main__":
    main()
