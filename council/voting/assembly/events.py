"""Event types of the meeting rules (documented in docs/asyncapi.yaml), sent to the room's group."""

QUORUM_CHANGED = "assembly.quorum_changed"  # the sitting's public state: quorum, counts, requests
HALL_PRESENCE_CHANGED = "assembly.presence_changed"  # one person signed into or out of the hall
