"""Celery task of consultation exports: load by id, call the service."""

from celery import shared_task

from council.consultation.exports import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def export_write(export_id: int) -> None:
    """Write an export's file; a redelivered task finds it claimed and does nothing."""
    services.export_write(export_id=export_id)
