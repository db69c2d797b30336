"""The custom user: e-mail is the login, and other people never see the address."""

import pytest
from django.utils import translation

from council.accounts.models import User

pytestmark = pytest.mark.django_db


def test_public_name_never_shows_the_email():
    named = User.objects.create_user("Alice@Example.ORG", "x", display_name="Alice")
    unnamed = User.objects.create_user("bob@example.org", "x")

    assert named.public_name == "Alice"
    with translation.override("fr"):
        assert unnamed.public_name == f"Personne n°\u00a0{unnamed.pk}"
    with translation.override("en"):
        assert unnamed.public_name == f"Participant {unnamed.pk}"
    assert "bob@" not in str(unnamed)
    assert named.email == "Alice@example.org"  # the domain is normalised


def test_email_is_required():
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user("", "x")


def test_superuser_is_staff():
    root = User.objects.create_superuser("root@example.org", "x")

    assert (root.is_staff, root.is_superuser) == (True, True)
