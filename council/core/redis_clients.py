"""Council's own Redis clients (REDIS_URL), for what is asked of Redis on every frame or vote.

`loop_client()`: one per event loop and URL (a redis.asyncio client belongs to its loop);
`thread_client()`: one per URL shared by the threads (sync services). Both on a blocking
pool: in a storm of calls it waits for a free connection instead of raising, which the default
pool does past its cap (docs: ../shared/notes/realtime-here.md, django/channels_redis#422); the
socket timeout stays above any blocking call made on it. A command that finds its pooled
connection broken is sent once more on a new one: after Redis restarted, every idle connection
fails once though Redis answers again.
"""

import asyncio
from typing import TYPE_CHECKING
from typing import Any

from django.conf import settings

if TYPE_CHECKING:
    import redis
    import redis.asyncio

MAX_CONNECTIONS = 50
_clients: dict[tuple[int, str], "redis.asyncio.Redis"] = {}
_thread_clients: dict[str, "redis.Redis"] = {}


def retry_once(*, asyncio_client: bool = True) -> Any:
    """The retry of Council's clients: once, at once, when the connection was broken."""
    import redis.asyncio.retry
    import redis.backoff
    import redis.exceptions
    import redis.retry

    retry_class = redis.asyncio.retry.Retry if asyncio_client else redis.retry.Retry
    return retry_class(redis.backoff.NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,))


def loop_client() -> "redis.asyncio.Redis | None":
    """The running loop's client, or None without REDIS_URL (the embedded default)."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    import redis.asyncio

    key = (id(asyncio.get_running_loop()), url)
    if key not in _clients:
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url, max_connections=MAX_CONNECTIONS, timeout=10, socket_timeout=10, retry=retry_once()
        )
        _clients[key] = redis.asyncio.Redis(connection_pool=pool)
    return _clients[key]


def thread_client() -> "redis.Redis | None":
    """The process's client for sync code (thread-safe), or None without REDIS_URL."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    import redis

    if url not in _thread_clients:
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=20, timeout=10, socket_timeout=10, retry=retry_once(asyncio_client=False)
        )
        _thread_clients[url] = redis.Redis(connection_pool=pool)
    return _thread_clients[url]
