"""Text of petitions that people write (see council.core.text_fields)."""

from council.core.text_fields import written_by_people

written_by_people("petitions.Petition", "title", "body", "answer", "client_request_id")
