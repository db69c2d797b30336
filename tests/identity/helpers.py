"""Plain helpers of the log-in tests against the loopback provider (provider.py)."""

from urllib.parse import urlsplit

from allauth.account.models import EmailAddress

from tests.factories import UserFactory


def come_back(client, url: str):
    """Follow the provider's redirect back to Council with the test client."""
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return client.get(f"{parts.path}?{parts.query}")


def logged_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def verified_person(**fields):
    """Someone who signed up here and confirmed their address, as every account has (reads English)."""
    user = UserFactory(**{"preferred_language": "en", **fields})
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def authorize(client, fc, process="login") -> str:
    """Start a FranceConnect log-in (or connection) at the council's client; return the provider's address."""
    response = client.post(f"/accounts/franceconnect/{fc.provider_id}/login/", {"process": process})
    assert response.status_code == 302
    return response["Location"]


def log_in(client, fc, oidc_provider, login: str, process="login"):
    """Go through the loopback provider as `login` and come back to Council."""
    return come_back(client, oidc_provider.log_in(authorize(client, fc, process), login))
