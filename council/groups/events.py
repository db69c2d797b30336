"""Events of the groups app; access re-checks go to the person's own group."""

MEMBERSHIP_CHANGED = "groups.membership_changed"
NOTIFICATION_PROGRESSED = "groups.notification_progressed"


def send_group(send_id: int) -> str:
    """Those watching the progress of one notification send."""
    return f"notification_send.{send_id}"
