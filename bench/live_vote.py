"""Live vote benchmark: N residents in one room vote in a burst, in a live poll and in a secret ballot.

Prints its figures; it is not a test. It sets up everything it needs itself:

* a PostgreSQL database of its own (BENCH_DATABASE_URL, default council_livevote_bench), migrated,
  with a council, N member accounts and a facilitator, logged in by sessions written directly
  to the session store; each case gets a fresh plenary room, a poll and a binding vote in it;
* a Redis database of its own (BENCH_REDIS_URL, default db 4), flushed before every case;
* one or two Daphne processes (DJANGO_SETTINGS_MODULE=council.settings.base, RedisChannelLayer);
* the residents' sockets in load processes (``websockets`` asyncio, --loads, default 3), spread
  over the Daphne processes; the facilitator acts from this process, through the services (its
  events reach the sockets through the same Redis).

Per case, the poll is launched and every resident sends ``polls.answer`` at a moment of their own
drawn uniformly within --spread seconds (5 by default: "3,000 residents voting within 5 s"; 0
sends them all in the same instant, a harder case than a hall); then the binding vote (secret,
frozen electorate of everyone) is opened and every resident sends ``ballots.cast`` the same way,
with a tracker of its own (the ack carries it back: the receipt). Then each is
closed. It prints, for each: votes per second ingested (acked votes over the time from the first
send to the last ack), p50/p99/max ack latency, how many were refused or unanswered, the time
from the closing until the final result was on every socket (p50 and max), and votes lost (acked
but not counted: an answer missing from the poll, a receipt missing from the box).

    .venv/bin/python bench/live_vote.py                      # 3,000 residents, 1 and 2 Daphne
    .venv/bin/python bench/live_vote.py --people 300 --servers 2
    .venv/bin/python bench/live_vote.py --people 300 --servers 1 --profile /tmp/lv-prof  # cProfile of Daphne
"""

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

import common  # bench/common.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
DAPHNE = str(Path(sys.executable).with_name("daphne"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/council_livevote_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
PORTS = (8781, 8782)
CONNECT_CONCURRENCY = 8  # handshakes in flight per load process (Daphne drops one after 5 s)
SETTLE_SECONDS = 2.0  # presence summaries of the arrivals go out before the burst
ACK = '{"type":"ack"'
ERROR = '{"type":"error"'
POLL_CLOSED = '{"type":"polls.poll_closed"'
VOTE_CHANGED = '{"type":"ballots.vote_changed"'
SYNCED = '{"type":"rooms.room_synced"'
# BENCH_STAGES=/tmp/prefix: the same application with timestamps per stage of each vote (bench/stages.py)
APPLICATION = "bench.stages:application" if os.environ.get("BENCH_STAGES") else "asgi:application"


# Fixture: database, accounts, sessions (runs before the event loop starts).


def prepare_fixture(n_people: int) -> dict:
    common.setup_django(DATABASE_URL, REDIS_URL)
    emails = ["bench-facilitator@bench.invalid"] + [
        f"bench-lv{i:05d}@bench.invalid" for i in range(n_people)
    ]
    council, users = common.council_accounts(
        slug="bench-live-vote",
        name="Bench live vote council",
        emails=emails,
        display_name=lambda email: f"Voisin {email[8:13]}",
    )
    keys = common.login_sessions(users)
    return {"council_id": council.pk, "facilitator_id": users[0].pk, "sessions": keys[1:]}


def fresh_meeting(fixture: dict, label: str) -> dict:
    """A new plenary room with a poll in preparation and a binding vote whose electorate is frozen."""
    import redis
    from django.db import close_old_connections

    from council.accounts.models import User
    from council.councils.models import Council
    from council.rooms.models import Presence
    from council.rooms.models import Room
    from council.voting.ballots import services as ballots
    from council.voting.ballots.services import VoteDraft
    from council.voting.polls import services as polls

    redis.Redis.from_url(REDIS_URL).flushdb()
    close_old_connections()
    council = Council.objects.get(pk=fixture["council_id"])
    Presence.objects.filter(room__council=council).delete()
    facilitator = User.objects.get(pk=fixture["facilitator_id"])
    room = Room.objects.create(council=council, name=f"Bench live vote {label}")
    poll_id = polls.poll_create(
        actor=facilitator, room_id=room.pk, question="Un banc place du marché ?", kind="yes_no"
    )["poll_id"]
    draft = VoteDraft(
        title=f"Budget du quartier {label}", method="majority_simple", secret=True, room_id=room.pk
    )
    vote = ballots.vote_create(actor=facilitator, council=council, draft=draft)
    ballots.vote_freeze(actor=facilitator, vote_id=vote.pk)
    return {"room_id": room.pk, "poll_id": poll_id, "vote_id": vote.pk}


def facilitator_does(fixture: dict, action: str, meeting: dict) -> float:
    """Open or close the poll or the vote as the facilitator; return when it was asked (epoch s)."""
    from django.db import close_old_connections

    from council.accounts.models import User
    from council.voting.ballots import services as ballots
    from council.voting.polls import services as polls

    close_old_connections()
    facilitator = User.objects.get(pk=fixture["facilitator_id"])
    asked = time.time()
    room_id, poll_id, vote_id = meeting["room_id"], meeting["poll_id"], meeting["vote_id"]
    {
        "open poll": lambda: polls.poll_open(actor=facilitator, room_id=room_id, poll_id=poll_id),
        "close poll": lambda: polls.poll_close(actor=facilitator, room_id=room_id, poll_id=poll_id),
        "open vote": lambda: ballots.vote_open(actor=facilitator, vote_id=vote_id),
        "close vote": lambda: ballots.vote_close(actor=facilitator, vote_id=vote_id),
    }[action]()
    return asked


def counted(meeting: dict) -> dict:
    """What the database holds: who answered the poll, the trackers in the box, the participation."""
    from django.db import close_old_connections

    from council.voting.ballots.models import BoxEntry
    from council.voting.ballots.models import Participation
    from council.voting.polls.models import Answer

    close_old_connections()
    return {
        "answered": list(
            Answer.objects.filter(poll_id=meeting["poll_id"]).values_list("user_id", flat=True)
        ),
        "box": list(
            BoxEntry.objects.filter(vote_id=meeting["vote_id"]).values_list("tracker", flat=True)
        ),
        "participation": Participation.objects.filter(vote_id=meeting["vote_id"]).count(),
    }


# Load process: holds a share of the residents, answers the controller on stdin/stdout.


def write_client_stages(votes: list[dict]) -> None:
    """When each vote was sent and acked, as the client saw it (bench/stages.py joins them)."""
    with open(f"{os.environ['BENCH_STAGES']}-client-{os.getpid()}.jsonl", "a") as out:
        out.writelines(json.dumps(vote) + "\n" for vote in votes)


async def load_process() -> None:
    import websockets

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    cfg = json.loads(await reader.readline())
    clients = cfg["clients"]
    sockets: list = [None] * len(clients)
    user_ids: list[int | None] = [None] * len(clients)
    sent: dict[str, float] = {}  # request id -> when sent
    answers: dict[str, tuple[float, bool]] = {}  # request id -> (when answered, acked)
    finals: dict[str, list[float]] = {
        "poll": [],
        "vote": [],
    }  # when each socket got the final result
    state = {"connected": 0, "failed": 0, "closed": 0, "connect_seconds": None}
    errors: list[str] = []
    quitting = False
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    started = time.monotonic()
    all_answered = asyncio.Event()

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
                    open_timeout=120,
                    close_timeout=1,
                )
                first = await asyncio.wait_for(ws.recv(), 120)
                if not first.startswith(SYNCED):
                    raise RuntimeError(first[:160])
                user_ids[index] = json.loads(first)["payload"]["me"]["id"]
            except Exception as error:
                state["failed"] += 1
                errors.append(repr(error)[:200])
                settled()
                return
        sockets[index] = ws
        state["connected"] += 1
        settled()
        try:
            async for frame in ws:
                at = time.time()
                if frame.startswith((ACK, ERROR)):
                    request_id = json.loads(frame)["request_id"]
                    answers[request_id] = (at, frame.startswith(ACK))
                    if not frame.startswith(ACK) and len(errors) < 20:
                        errors.append(frame[:200])
                    if len(answers) >= len(sent):
                        all_answered.set()
                elif frame.startswith(POLL_CLOSED):
                    finals["poll"].append(at)
                elif frame.startswith(VOTE_CHANGED) and '"status":"closed"' in frame:
                    finals["vote"].append(at)
        except websockets.ConnectionClosed:
            pass
        if not quitting:
            state["closed"] += 1
            errors.append(f"closed {ws.close_code}")

    async def burst(kind: str, object_id: int, within: float, spread: float) -> dict:
        """Every socket sends its vote at a moment drawn within `spread` seconds (0: all at once);
        wait for every answer (or `within` seconds)."""
        all_answered.clear()
        frames = []
        for index, ws in enumerate(sockets):
            if ws is None:
                continue
            request_id = f"{kind}-{os.getpid()}-{index}"
            if kind == "poll":
                vote = ("yes", "no", "abstain")[index % 3]
                payload = {"poll_id": object_id, "answer": {"kind": "yes_no", "vote": vote}}
                frame_type = "polls.answer"
            else:
                tracker = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")
                payload = {
                    "vote_id": object_id,
                    "content": {"choice": ("for", "against")[index % 2]},
                    "tracker": tracker,
                }
                frame_type = "ballots.cast"
            frames.append(
                (
                    ws,
                    request_id,
                    json.dumps({"type": frame_type, "request_id": request_id, "payload": payload}),
                )
            )
        start = time.time()
        draw = random.Random(f"{kind}-{len(frames)}-{os.getpid()}")
        schedule = sorted((draw.uniform(0, spread), index) for index in range(len(frames)))
        for moment, index in schedule:  # each resident votes at a moment of their own within the spread
            ws, request_id, text = frames[index]
            delay = start + moment - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            sent[request_id] = time.time()
            with contextlib.suppress(Exception):
                await ws.send(text)
        mine = [request_id for _, request_id, _ in frames]
        deadline = time.monotonic() + within
        while any(r not in answers for r in mine) and time.monotonic() < deadline:
            all_answered.clear()  # set by the receivers as acks come in (a spread burst catches up midway)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_answered.wait(), 0.5)
        acked = [r for r in mine if r in answers and answers[r][1]]
        if os.environ.get("BENCH_STAGES"):  # the client's side of each vote, for bench/stages.py
            write_client_stages([{"rid": r, "sent": sent[r], "acked": answers[r][0]} for r in acked])
        result = {
            "sent": len(mine),
            "acked": len(acked),
            "refused": sum(1 for r in mine if r in answers and not answers[r][1]),
            "first_sent": min((sent[r] for r in mine), default=None),
            "last_ack": max((answers[r][0] for r in acked), default=None),
            "latencies": [1000 * (answers[r][0] - sent[r]) for r in acked],
        }
        if kind == "poll":
            result["acked_users"] = [user_ids[int(r.rsplit("-", 1)[1])] for r in acked]
        else:
            result["acked_trackers"] = [
                json.loads(text)["payload"]["tracker"] for _, r, text in frames if r in acked
            ]
        return result

    tasks = [
        asyncio.create_task(client(i, url, session)) for i, (url, session) in enumerate(clients)
    ]
    while line := (await reader.readline()).strip():
        command, *args = line.decode().split()
        if command == "status":
            answer = dict(state)
        elif command == "burst":
            answer = {**state, **(await burst(args[0], int(args[1]), float(args[2]), float(args[3])))}
        elif command == "finals":
            answer = {**state, "finals": finals[args[0]], "errors": errors[:5]}
        else:
            break
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    quitting = True
    for task in tasks:
        task.cancel()


# One case.


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "p50": statistics.median(values),
        "p99": values[min(len(values) - 1, round(0.99 * (len(values) - 1)))],
        "max": values[-1],
    }


async def connect_residents(servers: int, fixture: dict, meeting: dict, args) -> tuple[list, dict]:
    urls = [
        f"ws://127.0.0.1:{port}/ws/rooms/room/{meeting['room_id']}/" for port in PORTS[:servers]
    ]
    clients = [(urls[i % servers], fixture["sessions"][i]) for i in range(args.people)]
    loads = [common.LoadProcess(__file__) for _ in range(args.loads)]
    for index, load in enumerate(loads):
        await load.start({"clients": clients[index :: args.loads]})
    while True:
        await asyncio.sleep(0.5)
        _, status = await common.ask_all(loads, "status", ("connected", "failed", "closed"))
        if status["connected"] + status["failed"] == args.people:
            return loads, status


async def one_vote(
    kind: str, loads: list, fixture: dict, meeting: dict, args, connected: int, servers: list
) -> dict:
    """Open, burst, close; the figures of one kind of vote."""
    object_id = meeting["poll_id"] if kind == "poll" else meeting["vote_id"]
    await asyncio.to_thread(facilitator_does, fixture, f"open {kind}", meeting)
    await asyncio.sleep(SETTLE_SECONDS)  # the launch reached every screen
    daphne_pids = [proc.pid for proc in servers]
    database_pids = common.postgres_pids()
    load_pids = [load.proc.pid for load in loads]
    cpu_before = common.cpu_seconds(daphne_pids), common.cpu_seconds(database_pids)
    loads_before = common.cpu_seconds(load_pids)
    if os.environ.get("BENCH_SPY"):  # a py-spy sample of each Daphne over the burst, for whoever studies it
        for pid in daphne_pids:
            common.spy(pid, f"{os.environ['BENCH_SPY']}-{kind}-{pid}.txt", seconds=8)
    answers = await asyncio.gather(
        *(load.ask(f"burst {kind} {object_id} {args.timeout} {args.spread}") for load in loads)
    )
    daphne_cpu = common.cpu_used(cpu_before[0], common.cpu_seconds(daphne_pids))
    database_cpu = common.cpu_used(cpu_before[1], common.cpu_seconds(database_pids))
    clients_cpu = common.cpu_used(loads_before, common.cpu_seconds(load_pids))
    first = min(a["first_sent"] for a in answers if a["first_sent"] is not None)
    last = max((a["last_ack"] for a in answers if a["last_ack"] is not None), default=first)
    acked = sum(a["acked"] for a in answers)
    latencies = [ms for a in answers for ms in a["latencies"]]
    await asyncio.sleep(SETTLE_SECONDS)  # the coalesced tallies go out
    closed_at = await asyncio.to_thread(facilitator_does, fixture, f"close {kind}", meeting)
    deadline = time.monotonic() + args.timeout
    while True:
        finals = await asyncio.gather(*(load.ask(f"finals {kind}") for load in loads))
        times = [at for f in finals for at in f["finals"]]
        if len(times) >= connected or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    db = await asyncio.to_thread(counted, meeting)
    if kind == "poll":
        acked_ids = [u for a in answers for u in a["acked_users"]]
        lost = len(set(acked_ids) - set(db["answered"]))
        stored = len(db["answered"])
    else:
        acked_ids = [t for a in answers for t in a["acked_trackers"]]
        lost = len(set(acked_ids) - set(db["box"]))
        stored = len(db["box"])
        assert db["participation"] == stored, ("participation", db["participation"], "box", stored)
    closing = percentiles([1000 * (at - closed_at) for at in times])
    return {
        "kind": kind,
        "sent": sum(a["sent"] for a in answers),
        "acked": acked,
        "refused": sum(a["refused"] for a in answers),
        "votes_per_s": acked / max(last - first, 1e-6),
        "burst_s": last - first,
        "ack": percentiles(latencies),
        "final_p50": closing["p50"],
        "final_max": closing["max"],
        "screens": len(times),
        "stored": stored,
        "lost": lost,
        "doubled": stored - len(set(db["answered"] if kind == "poll" else db["box"])),
        "errors": [e for f in finals for e in f["errors"]][:3],
        # CPU per acked vote over the burst (tallies and presence sent meanwhile included)
        "daphne_cpu_ms": 1000 * daphne_cpu / max(acked, 1),
        "postgres_cpu_ms": 1000 * database_cpu / max(acked, 1),
        # the bench's own clients (the load processes): their cost is not the server's
        "clients_cpu_ms": 1000 * clients_cpu / max(acked, 1),
    }


HEADER = (
    f"{'srv':>3} {'kind':>6} {'people':>6} {'sent':>5} {'acked':>5} {'refus':>5} | {'votes/s':>7} {'burst s':>7} "
    f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} | {'final p50':>9} {'final max':>9} {'screens':>7} | {'stored':>6} "
    f"{'lost':>4} {'dbl':>3} | {'cpu ms/vote daphne':>18} {'postgres':>8} {'clients':>7}"
)


def row(servers: int, people: int, r: dict) -> str:
    a = r["ack"]
    return (
        f"{servers:>3} {r['kind']:>6} {people:>6} {r['sent']:>5} {r['acked']:>5} {r['refused']:>5} | "
        f"{r['votes_per_s']:>7.0f} {r['burst_s']:>7.2f} {a['p50']:>7.0f} {a['p99']:>7.0f} {a['max']:>7.0f} | "
        f"{r['final_p50']:>9.0f} {r['final_max']:>9.0f} {r['screens']:>7} | {r['stored']:>6} {r['lost']:>4} "
        f"{r['doubled']:>3} | {r['daphne_cpu_ms']:>18.2f} {r['postgres_cpu_ms']:>8.2f} {r['clients_cpu_ms']:>7.2f}"
        + (f"\n    ! {r['errors']}" if r["errors"] else "")
    )


async def run_case(servers: int, args, fixture: dict) -> list[dict]:
    label = f"{servers}srv-{time.time():.0f}"
    meeting = await asyncio.to_thread(fresh_meeting, fixture, label)
    commands = {
        port: [
            sys.executable,
            str(ROOT / "bench" / "workshops.py"),
            "--profiled-daphne",
            str(port),
            args.profile,
        ]
        if args.profile
        else [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "-v", "0", APPLICATION]
        for port in PORTS[:servers]
    }
    procs = common.start_daphnes(
        commands, common.daphne_env(DATABASE_URL, REDIS_URL), "council-bench-live-vote-daphne"
    )
    loads: list[common.LoadProcess] = []
    results = []
    try:
        loads, status = await connect_residents(servers, fixture, meeting, args)
        print(
            f"{servers} Daphne: {status['connected']} of {args.people} residents connected "
            f"({status['failed']} failed) in {status['connect_seconds']:.1f} s",
            flush=True,
        )
        await asyncio.sleep(SETTLE_SECONDS)
        for kind in ("poll", "ballot"):
            result = await one_vote(
                "poll" if kind == "poll" else "vote",
                loads,
                fixture,
                meeting,
                args,
                status["connected"],
                procs,
            )
            result["kind"] = kind
            results.append({"servers": servers, "people": status["connected"], **result})
            print(row(servers, status["connected"], result), flush=True)
    finally:
        for load in loads:
            await load.stop()
        common.stop_servers(procs)
    return results


async def main_async(args, fixture: dict) -> None:
    print(
        f"{args.people} residents voting within {args.spread:g} s, {args.loads} load processes; "
        f"votes/s = acked votes / (last ack - first "
        f"send); p50/p99/max = ack latency of each vote (the ballot's ack carries its receipt); final = "
        f"closing asked -> the final result on each socket (poll: polls.poll_closed; ballot: "
        f"ballots.vote_changed closed); lost = acked but not counted; dbl = counted more than once."
    )
    print(HEADER, flush=True)
    everything = []
    for servers in args.servers:
        everything.extend(await run_case(servers, args, fixture))
    if args.profile:
        import workshops  # bench/workshops.py: the same profiled Daphne and report

        workshops.print_profiles(args.profile)
    print()
    for r in everything:
        if r["servers"] != 2:
            continue
        ack_target = 250 if r["kind"] == "poll" else 500
        met = (
            args.spread <= 5
            and r["ack"]["p99"] <= ack_target
            and r["final_max"] <= 1000
            and r["lost"] == 0
            and r["acked"] == args.people
        )
        print(
            f"  2 Daphne, {r['kind']}: targets ({args.people} voting within 5 s (here {args.spread:g} s), "
            f"p99 ack < {ack_target} ms, "
            f"final result everywhere within 1 s, none lost) {'met' if met else 'NOT met'}"
        )


def main() -> None:
    if "--load-process" in sys.argv:
        asyncio.run(load_process())
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--servers", default="1,2", type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument(
        "--spread", type=float, default=5.0,
        help="seconds over which the residents vote, each at a random moment (0: all in the same instant)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for acks and final results"
    )
    parser.add_argument(
        "--profile", help="run each Daphne under cProfile, one .prof per thread in this folder"
    )
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load average {os.getloadavg()}", flush=True)
    fixture = prepare_fixture(args.people)
    asyncio.run(main_async(args, fixture))


if __name__ == "__main__":
    main()
