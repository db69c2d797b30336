"""Second factors for test people: a real TOTP authenticator through allauth, and its codes."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.totp.internal.auth import format_hotp_value
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.totp.internal.auth import hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time

from council.councils.mfa import must_use_mfa


def totp_give(user) -> str:
    """Activate an authenticator app for `user` as allauth would; return its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_give_if_required(user) -> None:
    """Officials in tests hold a second factor, as the site requires of them (one app each)."""
    if must_use_mfa(user) and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        totp_give(user)


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now for `secret` (allauth's own computation).

    `steps_ahead=1`: the next period's, which the site accepts too (MFA_TOTP_TOLERANCE, a phone's
    clock running ahead) — a second log-in within the period, whose code is spent, uses it.
    """
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2] + steps_ahead))
