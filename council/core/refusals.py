"""What a person is told when a rule says no: one sentence per action permission.

A refusal names the action in words, in the person's language ("Vous ne pouvez pas écrire
dans cette discussion."), never the permission ("rooms.send_message"), which means nothing
to a resident and tells a prober which rule exists. Each app declares the sentences of its
own actions in its ``refusals.py``, imported by its ``apps.py`` (core knows no app), and a
test fails on an action rule without a sentence.
"""

from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

GENERIC_REFUSAL = _("You are not allowed to do this.")

_refusals: dict[str, Any] = {}


def register_refusals(messages: dict[str, Any]) -> None:
    """Declare the sentence told when each of these permissions refuses (lazy strings)."""
    _refusals.update(messages)


def registered_refusals() -> dict[str, Any]:
    return dict(_refusals)


def _refusal_text(perm: str | None) -> str:
    return str(_refusals.get(perm or "", GENERIC_REFUSAL))


#: the sentence for a permission, translated when it is shown (in the reader's language)
refusal_message = lazy(_refusal_text, str)
