"""Deleted endorsements and comments leave the stored counters, wherever they are deleted from.

The services count what they create and hide (`services.count_change`, in their transaction);
rows also go without them: an account deleted with its support and, if the council chose so,
its comments (`council.accounts.services.account_delete`), a reply deleted with its parent.
These receivers move the counters in the same transaction as the deletion.
"""

from typing import Any

from django.db.models.signals import post_delete

from council.consultation.models import Comment
from council.consultation.models import Endorsement


def _endorsement_deleted(sender: Any, instance: Endorsement, **kwargs: Any) -> None:
    from council.consultation.services import count_change

    count_change(instance.contribution_id, endorsements=-1)


def _comment_deleted(sender: Any, instance: Comment, **kwargs: Any) -> None:
    from council.consultation.services import count_change

    if not instance.hidden:
        count_change(instance.contribution_id, comments=-1)


def connect() -> None:
    post_delete.connect(_endorsement_deleted, sender=Endorsement, dispatch_uid="consultation_endorsement_count")
    post_delete.connect(_comment_deleted, sender=Comment, dispatch_uid="consultation_comment_count")
