"""Run one media worker: ``python -m council.rooms.media [--worker-id ID]``.

It needs the shared channel layer and Redis (REDIS_URL) to be reachable by the Daphne
processes; see README, "Video". Stops cleanly on SIGINT/SIGTERM (its rooms are closed and
it leaves the list of live workers, so their rooms are re-pinned at once).
"""

import argparse
import asyncio
import contextlib
import logging
import os
import signal


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m council.rooms.media", description=__doc__)
    parser.add_argument("--worker-id", help="a name for this worker (default: host name + token)")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings.base")
    import django

    django.setup()
    logging.basicConfig(level=os.environ.get("MEDIA_LOG_LEVEL", "INFO"))
    from council.rooms.media.worker import serve

    async def run() -> None:
        task = asyncio.current_task()
        assert task is not None  # run() is the main task of asyncio.run
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await serve(arguments.worker_id)

    asyncio.run(run())


if __name__ == "__main__":
    main()
