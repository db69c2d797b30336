"""Text of identity that people write (see council.core.text_fields)."""

from council.core.text_fields import not_written_by_people

for field, reason in [
    ("issuer", "an address checked as a URL, used only by the server"),
    ("client_id", "given by FranceConnect, used only by the server"),
    ("secret", "given by FranceConnect, never shown"),
    ("claims", "claim names chosen from a fixed list"),
]:
    not_written_by_people("identity.FranceConnectClient", field, reason=reason)

for field, reason in [
    ("issuer", "an address checked as a URL, used only by the server"),
    ("client_id", "given by ProConnect, used only by the server"),
    ("secret", "given by ProConnect, never shown"),
    ("claims", "claim names chosen from a fixed list"),
]:
    not_written_by_people("identity.ProConnectClient", field, reason=reason)

for field, reason in [
    ("client_id", "given by the provider, used only by the server"),
    ("secret", "given by the provider, never shown"),
    ("server_url", "an address checked as a URL, set by the instance's superuser, shown as its host name"),
]:
    not_written_by_people("identity.CouncilSocialApp", field, reason=reason)
