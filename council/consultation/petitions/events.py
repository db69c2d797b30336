"""The events of a petition's page (documented in docs/asyncapi.yaml), all public.

Everyone with the petition's page open (`petition.<id>`, visitors included) hears its count of
signatures, coalesced (one count per PETITIONS_SIGNATURES_COALESCE_SECONDS however many sign),
and its state when it changes (threshold reached, answered): never who signed.
"""

PETITION_SYNCED = "petitions.petition_synced"  # the snapshot a socket gets on connect
SIGNATURES_CHANGED = "petitions.signatures_changed"  # the count of signatures, coalesced
PETITION_CHANGED = "petitions.petition_changed"  # threshold reached (on the agenda), answered


def petition_group(petition_id: int) -> str:
    """Everyone with the petition's page open."""
    return f"petition.{petition_id}"


def signatures_key(petition_id: int) -> str:
    """The coalescing key of a petition's count (council/core/coalesce.py)."""
    return f"petitions.signatures.{petition_id}"
