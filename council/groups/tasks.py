"""Celery tasks of the groups app: load by id, call the service."""

from celery import shared_task

from council.groups import notifications


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def notification_send_deliver(self, send_id: int) -> None:
    """Deliver a notification send; re-run after a lost worker, it carries on where it was."""
    try:
        notifications.notification_send_process(send_id=send_id)
    except notifications.SendBusy as busy:
        # Another worker is delivering it (a message delivered twice): look again later.
        raise self.retry(countdown=30, max_retries=None) from busy
