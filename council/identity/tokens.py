"""Checking what FranceConnect signs: the ID token and the userinfo, both JWTs (PyJWT does the JOSE).

FranceConnect v2 signs with ES256 or RS256, as chosen for the client in its partner space;
keys come from its JWKS. An unsigned token, an HMAC one (signed with the client secret) or
any other algorithm is refused.
"""

from typing import Any

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

ALGORITHMS = ["ES256", "RS256"]
LEEWAY_SECONDS = 30  # clocks of two servers


def signing_keys(jwks_url: str) -> jwt.PyJWKSet:
    """The provider's published keys (read once per log-in: the ID token and the userinfo share them)."""
    with get_adapter().get_requests_session() as session:
        response = session.get(jwks_url)
        response.raise_for_status()
    try:
        return jwt.PyJWKSet.from_dict(response.json())
    except (ValueError, jwt.PyJWKError, jwt.PyJWKSetError) as e:
        raise OAuth2Error("Unreadable JWKS") from e


def _key(keys: jwt.PyJWKSet, token: str) -> jwt.PyJWK:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError as e:
        raise OAuth2Error("Unreadable JWT") from e
    for key in keys.keys:
        if key.key_id == kid and key.algorithm_name in ALGORITHMS:
            return key
    raise OAuth2Error(f"No signing key {kid!r} in the provider's JWKS")


def verified_claims(
    token: str, *, keys: jwt.PyJWKSet, issuer: str, audience: str, required: list[str]
) -> dict[str, Any]:
    """The claims of `token` once its signature, issuer, audience and expiry were checked."""
    key = _key(keys, token)
    try:
        return jwt.decode(
            token,
            key=key,
            algorithms=ALGORITHMS,
            issuer=issuer,
            audience=audience,
            leeway=LEEWAY_SECONDS,
            options={"require": required, "verify_iat": True},
        )
    except jwt.PyJWTError as e:
        raise OAuth2Error(f"JWT refused: {e}") from e
