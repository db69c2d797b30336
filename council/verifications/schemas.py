"""A requirement as a socket command carries it (validated once at the edge; council/core/commands.py)."""

from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import Field

from council.core.commands import Payload

MAX_KINDS = 10


class RequirementPayload(Payload):
    """`{"kinds": [...], "mode": "any" | "all"}`; no kinds: nothing required."""

    kinds: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=MAX_KINDS)
    mode: Literal["any", "all"] = "any"  # requirements.ANY, requirements.ALL

    def stored(self) -> dict[str, Any]:
        """As the model keeps it (`{}` for none); the service still checks the council offers each kind."""
        return {"kinds": list(self.kinds), "mode": self.mode} if self.kinds else {}
