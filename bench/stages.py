"""Timestamps per stage of each vote inside a Daphne process (bench/live_vote.py with BENCH_STAGES=/tmp/prefix).

With BENCH_STAGES set, bench/live_vote.py serves `bench.stages:application`: the project's own
ASGI application, with these probes. Each Daphne writes one JSON line per vote command to
<prefix>-<pid>.jsonl: when the frame reached the consumer's inbox, when the consumer took it,
when it joined a batch, when its batch left for the database thread, ran there and came back,
and when its ack was handed to Daphne; the hub's group deliveries (how many sockets, when); the
event loop's lateness (a 5 ms ticker late by more than 20 ms, with the CPU its thread used
meanwhile) and every garbage collection over 5 ms. The load processes write when each vote was
sent and acked (<prefix>-client-<pid>.jsonl). `python bench/stages.py /tmp/prefix` joins them
and prints, per kind of vote, the mean and max of each stage for all votes, the slowest 5 % and
the slowest 1 %, and what happened in the processes during the burst.
"""

import asyncio
import contextvars
import gc
import glob
import json
import os
import statistics
import sys
import time
from typing import Any

PREFIX = os.environ.get("BENCH_STAGES", "")
_out: Any = None
_current: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("stage", default=None)
_batch_times: dict[int, tuple[float, float, float, float, int]] = {}
_ticker: list[asyncio.Task[None]] = []


def _write(record: dict[str, Any]) -> None:
    _out.write(json.dumps(record) + "\n")


def install() -> None:
    """Wrap the project's consumers, batches and hub with the probes (in a Daphne process)."""
    global _out
    from council.core import batching
    from council.core import consumers
    from council.core import hub

    _out = open(f"{PREFIX}-{os.getpid()}.jsonl", "a", buffering=1)  # noqa: SIM115 - for the life of the process
    gc.callbacks.append(_gc)
    _originals.update(
        feed=consumers.CouncilConsumer._feed,
        dispatch=consumers.CouncilConsumer.dispatch,
        send_ack=consumers.CouncilConsumer.send_ack,
        submit=batching.Batcher.submit,
        run_in_database_thread=batching.run_in_database_thread,
        route=hub.Hub.route,
    )
    consumers.CouncilConsumer._feed = staticmethod(feed)
    consumers.CouncilConsumer.dispatch = dispatch
    consumers.CouncilConsumer.send_ack = send_ack
    batching.Batcher.submit = submit
    batching.run_in_database_thread = run_in_database_thread
    hub.Hub.route = route


_originals: dict[str, Any] = {}


async def _tick() -> None:
    while True:
        before, cpu_before = time.monotonic(), time.thread_time()
        await asyncio.sleep(0.005)
        late = time.monotonic() - before - 0.005
        if late > 0.02:  # cpu: what the loop's thread computed meanwhile (the rest it waited: GIL, CPU)
            _write({"lag": late, "at": time.time(), "cpu": time.thread_time() - cpu_before})


_gc_started: list[float] = []


def _gc(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _gc_started[:] = [time.perf_counter()]
    elif _gc_started:
        took = time.perf_counter() - _gc_started[0]
        if took > 0.005:
            _write({"gc": info["generation"], "at": time.time(), "took": took, "collected": info["collected"]})





async def feed(receive: Any, inbox: Any) -> None:
    async def timed_receive() -> dict[str, Any]:
        message = await receive()
        message["_t_in"] = time.time()
        return message

    await _originals["feed"](timed_receive, inbox)




async def dispatch(self: Any, message: dict[str, Any]) -> None:
    if not _ticker:
        _ticker.append(asyncio.ensure_future(_tick()))
    text = message.get("text") if message.get("type") == "websocket.receive" else None
    if not text or ('"polls.answer"' not in text and '"ballots.cast"' not in text):
        await _originals["dispatch"](self, message)
        return
    record = {"rid": json.loads(text).get("request_id"), "in": message.get("_t_in"), "disp": time.time()}
    token = _current.set(record)
    try:
        await _originals["dispatch"](self, message)
    finally:
        _current.reset(token)
        record["done"] = time.time()
        _write(record)




async def submit(self: Any, item: Any) -> Any:
    record = _current.get()
    if record is not None:
        record["sub"] = time.time()
    try:
        return await _originals["submit"](self, item)
    finally:
        if record is not None:
            record["resolved"] = time.time()
            times = _batch_times.pop(id(item), None)
            if times is not None:
                record["q"], record["start"], record["end"], record["back"], record["size"] = times




async def run_in_database_thread(func: Any, items: list[Any]) -> Any:
    queued = time.time()
    spans: list[float] = []

    def timed(batch: list[Any]) -> Any:
        spans.append(time.time())
        try:
            return func(batch)
        finally:
            spans.append(time.time())

    try:
        return await _originals["run_in_database_thread"](timed, items)
    finally:
        back = time.time()
        for item in items:
            _batch_times[id(item)] = (queued, spans[0] if spans else back, spans[-1] if spans else back, back, len(items))




async def send_ack(self: Any, command: Any, payload: Any = None) -> None:
    record = _current.get()
    if record is not None:
        record["ack0"] = time.time()
    await _originals["send_ack"](self, command, payload)
    if record is not None:
        record["ack"] = time.time()




def route(self: Any, message_channel: Any, message: dict[str, Any]) -> list[str]:
    started = time.time()
    unknown = _originals["route"](self, message_channel, message)
    names = message_channel if isinstance(message_channel, list) else [message_channel]
    fanned = sum(len(self.members.get(self.group_of_hub_channel.get(n, ""), ())) for n in names)
    if fanned > 1:
        _write({"route": message.get("type"), "at": started, "to": fanned, "took": time.time() - started})
    return unknown




# The report: python bench/stages.py /tmp/prefix

STAGES = [  # (to, from, name)
    ("in", "sent", "net_in"),  # client send -> the consumer's inbox (Daphne's receive path)
    ("disp", "in", "inbox"),  # waiting in the inbox (behind events) for the consumer
    ("sub", "disp", "pre"),  # parse, rate limit, validate
    ("q", "sub", "gather"),  # waiting for the batch it joined to leave
    ("start", "q", "thr_q"),  # waiting for a database thread
    ("end", "start", "db"),  # the batch on the database thread (its commit included)
    ("back", "end", "back"),  # the thread done -> the loop resumes the batcher
    ("resolved", "back", "resolve"),  # -> the consumer resumes
    ("ack0", "resolved", "post"),
    ("ack", "ack0", "send"),  # the ack handed to Daphne
    ("acked", "ack", "out"),  # -> the client reads it
]


def report(prefix: str) -> None:
    client: dict[str, dict[str, Any]] = {}
    for path in glob.glob(f"{prefix}-client-*.jsonl"):
        with open(path) as lines:
            for line in lines:
                record = json.loads(line)
                client[record["rid"]] = record
    server: dict[str, dict[str, Any]] = {}
    events: dict[str, list[dict[str, Any]]] = {"route": [], "lag": [], "gc": []}
    for path in glob.glob(f"{prefix}-[0-9]*.jsonl"):
        with open(path) as lines:
            for line in lines:
                record = json.loads(line)
                if "rid" in record:
                    server[record["rid"]] = record
                else:
                    events[next(key for key in events if key in record)].append(record)
    for kind in ("poll", "vote"):
        votes = sorted(
            ({**server[rid], **sent} for rid, sent in client.items() if rid.startswith(kind) and "q" in server.get(rid, {})),
            key=lambda vote: vote["acked"] - vote["sent"],
        )
        if not votes:
            continue
        n = len(votes)
        latency = [round(1000 * (votes[int(p * (n - 1))]["acked"] - votes[int(p * (n - 1))]["sent"])) for p in (0.5, 0.9, 0.99)]
        print(f"{kind}: {n} votes, ack p50/p90/p99 {latency} ms; per stage mean/max ms:")
        for label, chosen in (("all", votes), ("slowest 5 %", votes[int(0.95 * n) :]), ("slowest 1 %", votes[int(0.99 * n) :])):
            parts = []
            for to, since, name in STAGES:
                spans = [1000 * (vote[to] - vote[since]) for vote in chosen if to in vote and since in vote]
                if spans:
                    parts.append(f"{name} {statistics.mean(spans):.0f}/{max(spans):.0f}")
            size = statistics.mean(vote["size"] for vote in chosen)
            print(f"  {label:12} {', '.join(parts)}; batch size {size:.0f}")
        start, end = min(v["sent"] for v in votes), max(v["acked"] for v in votes)
        during = {key: [r for r in records if start <= r["at"] <= end] for key, records in events.items()}
        print("  the slowest 1 % sent at (s):", sorted(round(v["sent"] - start, 2) for v in votes[int(0.99 * n) :])[:12], "…")
        print("  group deliveries (s, type, sockets, ms):", [(round(r["at"] - start, 2), r["route"], r["to"], round(1000 * r["took"], 1)) for r in during["route"]])
        lags = sorted(during["lag"], key=lambda r: -r["lag"])
        print(f"  loop late > 20 ms: {len(lags)} times; worst (s, ms late, ms computed):", [(round(r["at"] - start, 2), round(1000 * r["lag"]), round(1000 * r["cpu"])) for r in lags[:8]])
        print("  collections > 5 ms (s, generation, ms):", [(round(r["at"] - start, 2), r["gc"], round(1000 * r["took"])) for r in during["gc"]])


if __name__ == "__main__":
    report(sys.argv[1])
else:  # served by Daphne as bench.stages:application
    from asgi import application  # noqa: F401 - the project's, wrapped below

    install()
