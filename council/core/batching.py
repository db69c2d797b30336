"""Group commit: the calls a crowd sends together run as a few batches, not one transaction each.

When a room of a thousand votes within seconds, each vote run alone pays its own
transaction, its own permission reads and its own insert: the queries of one vote times a
thousand, on a few database threads. A `Batcher` gathers the calls of one process: the
first runs at once, and whatever arrives while a batch is running waits for the next one,
which takes it all (up to `max_items`). No timer: a lone call is not delayed, and under a
burst the batches grow by themselves to what the database can absorb ("smart batching").

`run(items)` gets the items in order and returns one outcome per item: its result, or the
`Exception` that refuses it alone (the others stand). An exception raised by `run` itself
fails the whole batch; the batch function is expected to fall back to one-by-one then.
Each caller waits for its own outcome, so an acknowledgement still follows the commit.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Generic
from typing import TypeVar

from council.core.threads import run_in_database_thread

I = TypeVar("I")  # noqa: E741 - the item, beside R the result
R = TypeVar("R")


@dataclass
class _LoopState(Generic[I, R]):
    waiting: list[tuple[I, "asyncio.Future[R]"]] = field(default_factory=list)
    running: int = 0
    tasks: set["asyncio.Task[None]"] = field(default_factory=set)


class Batcher(Generic[I, R]):
    """Run `run(items)` on the database threads for the calls that arrive together."""

    def __init__(self, run: Callable[[list[I]], list[R | Exception]], *, max_items: int = 200, concurrency: int = 2):
        self.run = run
        self.max_items = max_items
        #: batches in flight at once: one gathering while another commits
        self.concurrency = concurrency
        self._states: dict[int, _LoopState[I, R]] = {}  # per event loop (each test has its own)

    def _state(self, loop: asyncio.AbstractEventLoop) -> _LoopState[I, R]:
        state = self._states.get(id(loop))
        if state is None:
            self._states = {key: kept for key, kept in self._states.items() if kept.running or kept.waiting}
            state = self._states[id(loop)] = _LoopState()
        return state

    async def submit(self, item: I) -> R:
        """The item's result once its batch has committed; its own refusal raised."""
        loop = asyncio.get_running_loop()
        state = self._state(loop)
        future: asyncio.Future[R] = loop.create_future()
        state.waiting.append((item, future))
        if state.running < self.concurrency:
            state.running += 1
            task = loop.create_task(self._drain(state))
            state.tasks.add(task)
            task.add_done_callback(state.tasks.discard)
        return await future

    async def _drain(self, state: _LoopState[I, R]) -> None:
        try:
            while state.waiting:
                batch, state.waiting = state.waiting[: self.max_items], state.waiting[self.max_items :]
                try:
                    outcomes = await run_in_database_thread(self.run, [item for item, _ in batch])
                except Exception as error:  # the whole batch failed: every caller hears it
                    outcomes = [error] * len(batch)
                if len(outcomes) != len(batch):
                    outcomes = [RuntimeError(f"{self.run!r} returned {len(outcomes)} outcomes for {len(batch)} items")] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # the caller went away (socket closed)
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            state.running -= 1
