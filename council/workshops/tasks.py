"""Celery tasks of workshops: load nothing, call the service."""

from celery import shared_task

from council.workshops import deadlines


@shared_task(ignore_result=True)
def deadlines_apply() -> int:
    """Apply every deadline that is due (the beat sweep, and the fast path at a deadline); idempotent."""
    return deadlines.deadlines_apply()


deadlines_apply_task = deadlines_apply
