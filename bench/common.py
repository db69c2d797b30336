"""What every benchmark sets up the same way: its own PostgreSQL database, Daphne's environment."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_database(database_url: str) -> None:
    """Create the benchmark's own database if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    name = database_url.rsplit("/", 1)[1]
    connection = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def daphne_env(database_url: str, redis_url: str) -> dict[str, str]:
    """Production settings against the benchmark's database and Redis, without the rate limit."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="council.settings.base",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ALLOWED_HOSTS="127.0.0.1",
        ROOM_RATE_LIMIT="100000/10",
        DEBUG="False",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        PYTHONPATH=str(ROOT),
    )
    return env
