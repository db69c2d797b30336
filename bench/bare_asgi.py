"""ASGI app of the bare baseline: `daphne bench.bare_asgi:application` (same settings as Council)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings.base")
django.setup()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench.bare_consumer import BroadcastConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/bare/", BroadcastConsumer.as_asgi())])}
)
