import pytest


@pytest.fixture
def facilitator(room, user_with_role):
    return user_with_role("facilitator", room.council, display_name="Fatou Animatrice")


@pytest.fixture
def alice(room, user_with_role):
    return user_with_role("resident", room.council, display_name="Alice Zébulon", email="alice@example.org")


@pytest.fixture
def bob(room, user_with_role):
    return user_with_role("resident", room.council, display_name="Bob Résident")


@pytest.fixture
def _fast_votes(settings):
    settings.QUESTIONS_VOTES_COALESCE_SECONDS = 0.2
