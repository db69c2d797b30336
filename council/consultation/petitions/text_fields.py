"""Text of petitions that people write (see council.core.text_fields)."""

from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("petitions.Petition", "title", "body", "answer", "client_request_id")
not_written_by_people("petitions.Petition", "verification_requirement", reason="kinds and a mode, checked by council.verifications")
not_written_by_people("petitions.PetitionSettings", "verification_requirement", reason="kinds and a mode, checked by council.verifications")
