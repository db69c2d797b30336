"""The stored counters when an account is deleted with its support and, if the council chose so, its comments.

The services count what they create, delete and hide (`services.count_change`, in their
transaction). An account's deletion (`council.accounts.services.account_delete`) deletes rows
without them: before it, the contributions the person supported or commented are noted; after
it, in the same transaction, their counters are counted again from the rows. (Not signals on each
deleted row: deleting a consultation would then update each of its contributions once per
endorsement and comment.)
"""

from council.consultation.models import Comment
from council.consultation.models import Endorsement

_touched: dict[int, set[int]] = {}


def _note(user_id: int) -> None:
    endorsed = Endorsement.objects.filter(user_id=user_id).values_list("contribution_id", flat=True)
    commented = Comment.objects.filter(author_id=user_id).values_list("contribution_id", flat=True)
    _touched[user_id] = set(endorsed) | set(commented)


def _count_again(user_id: int) -> None:
    from council.consultation.services import count_again

    for contribution_id in sorted(_touched.pop(user_id, ())):
        count_again(contribution_id)


def connect() -> None:
    from council.accounts.services import before_account_deleted
    from council.accounts.services import on_account_deleted

    before_account_deleted(_note)
    on_account_deleted(_count_again)
