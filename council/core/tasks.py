"""Celery tasks of the core: the deadline sweep of every module (council/core/deadlines.py), and the
purge of records kept by law once their retention is over (council/core/retention.py)."""

from celery import shared_task

from council.core import deadlines
from council.core import retention


@shared_task(ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def deadlines_apply() -> int:
    """Apply every deadline that is due (the beat sweep, and the fast path at a deadline); idempotent."""
    return deadlines.deadlines_apply()


deadlines_apply_task = deadlines_apply


@shared_task  # type: ignore[untyped-decorator]  # celery ships no types
def kept_records_purge() -> dict[str, int]:
    """Daily (beat): delete the records kept by law whose retention is over (council/core/retention.py)."""
    return retention.kept_records_purge()


kept_records_purge_task = kept_records_purge
