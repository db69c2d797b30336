"""The room's rotating hall code: scanning it signs a person into the hall.

The code is an HMAC of the sitting and the current time window, so it changes every
`ASSEMBLY_HALL_CODE_SECONDS` and the server keeps nothing. The page that signs people in
accepts the current window and the one before (someone who scanned just before it
turned), nothing older: a photo of the QR code sent to someone at home stops working
within two windows, so presence by code means having seen the shared screen lately.
"""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.crypto import salted_hmac

CODE_LENGTH = 20


def _window(at: datetime) -> int:
    seconds: int = settings.ASSEMBLY_HALL_CODE_SECONDS
    return int(at.timestamp()) // seconds


def _code(sitting_id: int, window: int) -> str:
    return salted_hmac("council.assembly.hall_code", f"{sitting_id}:{window}").hexdigest()[:CODE_LENGTH]


def hall_code(sitting_id: int, at: datetime | None = None) -> str:
    """The code shown on the shared screen now."""
    return _code(sitting_id, _window(at or timezone.now()))


def hall_code_is_fresh(sitting_id: int, code: str, at: datetime | None = None) -> bool:
    """Whether `code` is the current code or the one just before it."""
    window = _window(at or timezone.now())
    return any(constant_time_compare(code, _code(sitting_id, w)) for w in (window, window - 1))
