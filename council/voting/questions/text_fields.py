"""Text of the Q&A that people write (see council.core.text_fields)."""

from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("questions.Question", "text", "hidden_reason", "client_request_id")
written_by_people("questions.ModerationEntry", "reason")
not_written_by_people("questions.ModerationEntry", "action", reason="the name of a service, set by the services")
not_written_by_people("questions.ModerationEntry", "details", reason="ids of the questions involved, set by the services")
