"""Text of the meeting rules that people write (see council.core.text_fields)."""

from council.core.text_fields import written_by_people

# A proxy's statement is shown to officials on the proxies page.
written_by_people("assembly.Proxy", "statement")
