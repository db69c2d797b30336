"""A fixed-window rate limit shared by all processes through the Django cache."""

import time

from django.core.cache import cache


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse "20/10" (20 hits per 10 seconds) into (20, 10)."""
    count, _, seconds = rate.partition("/")
    return int(count), int(seconds or 1)


def hit(key: str, rate: str) -> tuple[bool, int]:
    """Count one hit on `key`; return (allowed, hits in the current window)."""
    limit, window = parse_rate(rate)
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window * 2)
    try:
        hits = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window * 2)
        hits = 1
    return hits <= limit, hits
