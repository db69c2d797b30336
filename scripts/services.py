"""Check or wait for the PostgreSQL and Redis servers the test suite uses."""

import sys
import time
from urllib.parse import urlparse


def check_postgres(url: str) -> bool:
    import psycopg2

    parts = urlparse(url)
    try:
        psycopg2.connect(
            host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
            password=parts.password or "", dbname="postgres", connect_timeout=3,
        ).close()
    except psycopg2.OperationalError:
        return False
    return True


def check_redis(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=3).ping())
    except redis.RedisError:
        return False


def main() -> int:
    action, url = sys.argv[1], sys.argv[2]
    check = check_postgres if action.endswith("postgres") else check_redis
    if action.startswith("check"):
        return 0 if check(url) else 1
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if check(url):
            return 0
        time.sleep(0.5)
    print(f"{url} did not answer in 30 s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
