"""Text of youth that people write (see council.core.text_fields)."""

from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

# Typed by the young person; shown to them, and in the e-mail to the parent.
written_by_people("youth.ParentalConsent", "parent_name", "parent_email")
not_written_by_people("youth.ParentalConsent", "token_hash", reason="a SHA-256 hex digest computed by Council")
