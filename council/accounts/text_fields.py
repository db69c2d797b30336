"""Text of accounts that people write (see council.core.text_fields)."""

from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

# The address is shown to administrators; a quoted local part may hold almost anything.
written_by_people("accounts.User", "display_name", "email")
not_written_by_people("accounts.User", "password", reason="a hash computed by Django")
# Names and dates as the identity provider (FranceConnect) signed them; shown to their holder only.
not_written_by_people("accounts.Verification", "claims", reason="claims signed by an identity provider")
not_written_by_people("accounts.Verification", "kind", reason="a key of council.verifications.kinds")
