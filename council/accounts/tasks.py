from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from council.accounts import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(message: dict) -> None:
    """Send one rendered e-mail; retried on SMTP/network errors."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
    )
    for content, mimetype in message.get("alternatives", []):
        email.attach_alternative(content, mimetype)
    email.send()


email_send_task = email_send


@shared_task
def inactive_accounts_delete() -> int:
    """Daily (beat, when INACTIVE_ACCOUNT_RETENTION_DAYS is set): delete the accounts inactive past it."""
    return services.inactive_accounts_delete()


inactive_accounts_delete_task = inactive_accounts_delete
