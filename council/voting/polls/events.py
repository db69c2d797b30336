"""The events of live polls (documented in docs/asyncapi.yaml)."""

POLL_OPENED = "polls.poll_opened"  # the meeting: a poll was launched
POLL_CLOSED = "polls.poll_closed"  # the meeting: a poll closed, with its final result
RESULTS_CHANGED = "polls.results_changed"  # coalesced tallies: the meeting (live) or its facilitators (hidden)
RESULTS_SHOWN = "polls.results_shown"  # the meeting: a facilitator shows (or stops showing) results full screen
POLLS_CHANGED = "polls.polls_changed"  # the facilitators: every poll of the meeting, drafts included
