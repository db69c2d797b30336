"""Text of consultations that people write (see council.core.text_fields)."""

from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("consultation.Consultation", "title", "description", "image_description", "embed_origins")
written_by_people("consultation.Category", "name")
written_by_people(
    "consultation.Contribution", "title", "body", "status_reason", "hidden_reason", "answer", "client_request_id",
    "image_description",
)
written_by_people("consultation.Comment", "body", "hidden_reason", "client_request_id")
written_by_people("consultation.AbuseReport", "details")
not_written_by_people("consultation.Consultation", "verification_requirement", reason="kinds and a mode, checked by council.verifications")
