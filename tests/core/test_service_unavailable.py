"""Redis down: pages that need it answer 503 "try again shortly", not a bare 500."""

import socket

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down():
    """Point the cache at a port nobody listens on (the shared Redis keeps running)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}}
    with override_settings(CACHES=caches):
        yield


def test_a_log_in_while_redis_is_down_asks_to_try_again_shortly(client, redis_down):
    response = client.post(reverse("account_login"), {"login": "alice@example.org", "password": "x"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Le service est momentanément indisponible, réessayez dans quelques instants." in page
    assert '<html lang="fr">' in page


def test_the_page_is_in_english_for_english_readers(client, redis_down):
    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 503
    assert "The service is briefly unavailable; try again in a few moments." in response.content.decode()
