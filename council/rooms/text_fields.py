"""Text of live rooms that people write (see council.core.text_fields)."""

from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("rooms.Room", "name", "description")
# The request id comes from the browser's frame as it is (any string up to 64 characters).
written_by_people("rooms.Message", "text", "client_request_id")
not_written_by_people("rooms.Presence", "channel_name", reason="named by Channels, never by a person")
not_written_by_people("rooms.Presence", "tab", reason="a random id of the page, refused unless letters, digits, - and _")
not_written_by_people("rooms.Room", "verification_requirement", reason="kinds and a mode, checked by council.verifications")
