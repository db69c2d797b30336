"""Celery tasks of the core: the deadline sweep of every module (council/core/deadlines.py)."""

from celery import shared_task

from council.core import deadlines


@shared_task(ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def deadlines_apply() -> int:
    """Apply every deadline that is due (the beat sweep, and the fast path at a deadline); idempotent."""
    return deadlines.deadlines_apply()


deadlines_apply_task = deadlines_apply
