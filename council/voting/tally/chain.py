"""The ballot box's hash chain: one definition shared by the app and the tests.

`tools/recount.py` re-implements these three lines on purpose (it imports nothing from
Council), so that a citizen can check a published box without trusting this code.
"""

import hashlib
import json
from typing import Any

FORMAT = "council-ballot-box/1"


def canonical(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def genesis(vote_id: str) -> str:
    """The hash the chain starts from, bound to the vote so boxes cannot be swapped."""
    return hashlib.sha256(f"{FORMAT}:{vote_id}".encode()).hexdigest()


def link(prev: str, entry: dict[str, Any]) -> str:
    """The hash of one entry (`{"tracker": ..., "content": ...}`) chained to the previous hash."""
    return hashlib.sha256((prev + canonical(entry)).encode("utf-8")).hexdigest()


def head(vote_id: str, entries: list[dict[str, Any]]) -> str:
    """The last hash of a box holding these entries in this order (the genesis when empty)."""
    current = genesis(vote_id)
    for entry in entries:
        current = link(current, entry)
    return current
