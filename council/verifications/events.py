"""Events of verifications, sent to a person's private group (council/councils/events.py)."""

#: internal (never forwarded): the person gave up a verification; their sockets re-check what
#: their rooms and polls require (a room that required it closes with the link to obtain it again)
REVOKED = "verifications.revoked"
