"""Text of live polls that people write (see council.core.text_fields)."""

from council.core.text_fields import JSON
from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("polls.Poll", "question", "scale_min_label", "scale_max_label", "label")
written_by_people("polls.Poll", "options", holds=JSON)
# The stored result repeats the options' labels.
written_by_people("polls.Poll", "result", holds=JSON)
# The request ids come from the browser's frames as they are (any string up to 64 characters).
written_by_people("polls.Poll", "client_request_id")
written_by_people("polls.Answer", "request_id")
not_written_by_people("polls.Poll", "code", reason="a random short code the server draws from its own alphabet")
not_written_by_people("polls.Answer", "token", reason="a random token the server makes for an anonymous phone")
not_written_by_people("polls.Answer", "value", reason="numbers (options' indexes, a scale's value), checked by the service")
not_written_by_people("polls.Poll", "verification_requirement", reason="kinds and a mode, checked by council.verifications")
