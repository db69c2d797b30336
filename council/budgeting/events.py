"""The events of participatory budgeting (documented in docs/asyncapi.yaml)."""

ANNOUNCEMENT_CHANGED = "budgeting.announcement_changed"  # the whole meeting: the results revealed so far
