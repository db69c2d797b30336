"""Sockets' database work on a few threads of its own, not on Channels' single one."""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync
from django.db import connections

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
            release_connections()

    return await SyncToAsync(call, thread_sensitive=False, executor=_database_pool)()


def release_connections() -> None:
    """After a call: close this thread's connections that failed, were left mid-transaction or are too old.

    Channels' close_old_connections, run before and after every call, also makes the next
    query ping the server first (CONN_HEALTH_CHECKS): one more round trip per call, and a
    socket connecting makes several. A connection that broke is closed here once a query
    on it failed instead (a pool thread keeps nothing past CONN_MAX_AGE either way).
    """
    for connection in connections.all(initialized_only=True):
        if connection.connection is None:
            continue
        if (
            connection.errors_occurred
            or connection.get_autocommit() != connection.settings_dict["AUTOCOMMIT"]
            or (connection.close_at is not None and time.monotonic() >= connection.close_at)
        ):
            connection.close_if_unusable_or_obsolete()
