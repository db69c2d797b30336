"""The events of participatory budgeting (documented in docs/asyncapi.yaml).

Everyone with the budget's page open (`budget.<id>`, visitors included) hears only a count:
how many ballots are submitted, never who voted nor what (a draft is not counted). A meeting's
room hears the results revealed so far when they are announced on its stage.
"""

BUDGET_SYNCED = "budgeting.budget_synced"  # the snapshot a socket gets on connect
BUDGET_PARTICIPATION_CHANGED = "budgeting.participation_changed"  # the count of submitted ballots, coalesced
ANNOUNCEMENT_CHANGED = "budgeting.announcement_changed"  # the whole meeting: the results revealed so far


def budget_group(budget_id: int) -> str:
    """Everyone with the budget's page open."""
    return f"budget.{budget_id}"


def participation_key(budget_id: int) -> str:
    """The coalescing key of a budget's participation count (council/core/coalesce.py)."""
    return f"budgeting.participation.{budget_id}"
