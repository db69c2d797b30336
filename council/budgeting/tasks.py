"""Celery tasks of participatory budgeting: load by id, call the service."""

from celery import shared_task

from council.budgeting import results


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def result_compute(result_id: int, run: int) -> None:
    """Compute a budget's results; a newer run, or one already done, makes it a no-op."""
    results.result_compute(result_id=result_id, run=run)
