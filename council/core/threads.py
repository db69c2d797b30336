"""Sockets' database work on a few threads of its own, not on Channels' single one."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.db import database_sync_to_async
from django.db import close_old_connections

#: threads (each with its own database connection) for the sockets' database work
DATABASE_THREADS = 4
_database_pool = ThreadPoolExecutor(max_workers=DATABASE_THREADS, thread_name_prefix="room-db")


async def run_in_database_thread(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `func` on one of a few database threads; the caller's context (memo) goes along.

    When workshops open, hundreds of sockets join and read their new room at once; on
    one thread each query would wait for the others' round trips to PostgreSQL. Each
    call is a unit of its own (its own transaction), so none needs the thread of
    another; commands (call_service) stay on Channels' single thread.
    """

    def call() -> Any:
        try:
            return func(*args, **kwargs)
        finally:
            # As Channels does after each call, and also under its test harness, which
            # turns that off: a thread of the pool keeps no connection past CONN_MAX_AGE.
            close_old_connections()

    return await database_sync_to_async(call, thread_sensitive=False, executor=_database_pool)()
