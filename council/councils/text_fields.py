"""Text of councils that people write (see council.core.text_fields)."""

from council.core.text_fields import JSON
from council.core.text_fields import not_written_by_people
from council.core.text_fields import written_by_people

written_by_people("councils.Council", "name", "description", "host_name")
not_written_by_people("councils.Council", "slug", reason="a SlugField: letters, digits, - and _")
not_written_by_people("councils.Council", "brand_colour", reason="validated as #RRGGBB")
written_by_people("councils.CouncilPage", "body")
written_by_people("councils.AuditEntry", "target_text")
written_by_people("councils.AuditEntry", "details", holds=JSON)
not_written_by_people("councils.AuditEntry", "target_type", reason="a model's label, set by the code")
