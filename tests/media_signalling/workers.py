"""Media workers as real processes on Redis, for the tests that need one (no fixtures here)."""

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from channels.layers import channel_layers

ROOT = Path(__file__).resolve().parents[2]


def use_redis_media(settings, redis_url: str) -> None:
    """Point the channel layer and the media keys of this test at `redis_url`, as a deployment does."""
    settings.REDIS_URL = redis_url
    settings.MEDIA_EMBEDDED_WORKER = False
    settings.MEDIA_KEY_PREFIX = f"test-media-{secrets.token_hex(4)}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "council.core.channel_layer.ShieldedRedisChannelLayer",
            "CONFIG": {"hosts": [{"address": redis_url}], "expiry": 60},
        }
    }
    channel_layers.backends.clear()


def start_worker(settings, **env: str) -> subprocess.Popen:
    """`python -m council.rooms.media` with this test's Redis and keys (`env` adds variables)."""
    variables = os.environ | {
        "DJANGO_SETTINGS_MODULE": "council.settings.base",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_KEY_PREFIX": settings.MEDIA_KEY_PREFIX,
        "MEDIA_WORKER_HEARTBEAT_SECONDS": str(settings.MEDIA_WORKER_HEARTBEAT_SECONDS),
        **env,
    }
    return subprocess.Popen([sys.executable, "-m", "council.rooms.media"], cwd=ROOT, env=variables)


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
