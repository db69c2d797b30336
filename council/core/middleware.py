"""HTTP middleware of our own: plumbing that every page shares."""

import logging
from collections.abc import Callable

import redis.exceptions
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

#: Seconds a browser or proxy is told to wait: Redis restarts in about that long.
RETRY_AFTER_SECONDS = 30

# Django's Redis cache lets redis-py's errors through (django/core/cache/backends/redis.py
# catches nothing): allauth's log-in limits, sessions kept in the cache and the socket
# rate limits all raise these while Redis is down or restarting.
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class ServiceUnavailableMiddleware:
    """Answer 503 "try again shortly" when a view fails because Redis is unreachable.

    Redis is down for seconds (a restart, a fail-over); a page saying so, with Retry-After,
    tells the person to send the same request again, where a 500 says the site is broken.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, REDIS_DOWN):
            return None
        logger.warning("Redis unreachable during %s %s: %s", request.method, request.path, exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
