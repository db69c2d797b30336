"""The events of a consultation's page (documented in docs/asyncapi.yaml), all public.

Everyone following the consultation (`consultation.<id>`, visitors included) hears only what
anyone may read: a hidden, withdrawn or merged contribution leaves the page with
`contribution_removed`, never with its content or the moderator's reason.
"""

CONSULTATION_SYNCED = "consultation.consultation_synced"  # the snapshot a socket gets on connect
CONTRIBUTION_PUBLISHED = "consultation.contribution_published"  # a new contribution
CONTRIBUTION_CHANGED = "consultation.contribution_changed"  # edited, answered, new status, merged into
CONTRIBUTION_REMOVED = "consultation.contribution_removed"  # withdrawn, hidden or merged away
ENDORSEMENTS_CHANGED = "consultation.endorsements_changed"  # a contribution's count, coalesced
COMMENT_POSTED = "consultation.comment_posted"
COMMENT_HIDDEN = "consultation.comment_hidden"
CAPABILITIES_CHANGED = "consultation.capabilities_changed"  # to one socket: what its person may now do
RIGHTS_CHANGED = "consultation.rights_changed"  # to the sockets, never sent on: read your rights again

RELAYED = (CONTRIBUTION_PUBLISHED, CONTRIBUTION_CHANGED, CONTRIBUTION_REMOVED, ENDORSEMENTS_CHANGED, COMMENT_POSTED, COMMENT_HIDDEN)


def consultation_group(consultation_id: int) -> str:
    """Everyone with the consultation's pages open."""
    return f"consultation.{consultation_id}"


def endorsements_key(contribution_id: int) -> str:
    """The coalescing key of a contribution's endorsement count (council/core/coalesce.py)."""
    return f"consultation.endorsements.{contribution_id}"
