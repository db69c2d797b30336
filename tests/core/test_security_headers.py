"""Production headers: a Content-Security-Policy with no inline script, HSTS, secure cookies."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import allauth
import django.contrib.admin
import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from django.urls import reverse

from council.accounts.models import User
from council.councils.models import Role

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "un-mot-de-passe-solide-42"
# Ours, and the installed ones we serve: Django's admin and allauth's pages.
TEMPLATE_DIRS = [
    ROOT / "templates",
    *ROOT.glob("council/*/templates"),
    Path(django.contrib.admin.__file__).parent / "templates",
    Path(allauth.__file__).parent / "templates",
]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.fixture
def pages(client, council, room, user_with_role):
    """The main pages, as an administrator of the council who is also staff."""
    administrator = user_with_role(Role.ADMINISTRATOR, council, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    slug = council.slug
    return {
        "home": reverse("home"),
        "council": reverse("council-detail", args=[slug]),
        "zones": reverse("zone-list", kwargs={"council_slug": slug}),
        "room": reverse("room-detail", args=[slug, room.pk]),
        "admin": reverse("admin:index"),
        "profile": reverse("profile"),
    }


@pytest.mark.django_db
def test_every_main_page_forbids_inline_scripts(client, pages):
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name

        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], name
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_map_tiles_are_allowed_from_the_default_tile_server(client):
    assert _policy(client.get(reverse("account_login")))["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


@pytest.mark.parametrize(
    ("tile_url", "origin"),
    [
        ("https://tiles.example.org:8443/osm/{z}/{x}/{y}.png?key=abc", "https://tiles.example.org:8443"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        # tiles Council serves itself: no broken "://" source, which browsers report and ignore
        ("/static/tiles/{z}/{x}/{y}.png", "'self'"),
    ],
)
def test_map_tiles_are_allowed_from_the_configured_tile_server_only(tile_url, origin):
    code, output = _production(
        "-c",
        "import django; django.setup(); from django.conf import settings;"
        " print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
        MAP_TILE_URL=tile_url,
    )

    assert (code, output.strip()) == (0, str(["'self'", "data:", origin]))


@pytest.mark.django_db
def test_the_log_in_page_is_under_the_policy_too(client):
    policy = _policy(client.get(reverse("account_login")))

    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]


class _InlineCode(HTMLParser):
    """Collect inline <script> bodies that a browser would run, and on…= handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        handlers = [name for name, _value in attrs if name.startswith("on")]
        if handlers:
            self.found.append(f"<{tag} {' '.join(handlers)}=…>")
        attributes = dict(attrs)
        self._in_script = (
            tag == "script"
            and "src" not in attributes
            and (attributes.get("type") or "text/javascript").lower() not in ("application/json", "application/ld+json")
        )

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:40]}…")


def test_no_template_holds_inline_script_or_event_handler():
    found = []
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*.html")):
            parser = _InlineCode()
            parser.feed(path.read_text(encoding="utf-8"))
            found.extend(f"{path}: {item}" for item in parser.found)

    assert found == []


def test_the_template_walk_finds_what_it_looks_for():
    parser = _InlineCode()
    parser.feed('<script>alert(1)</script><button onclick="go()">x</button><script type="application/json">{}</script>')

    assert parser.found == ["<script>alert(1)…", "<button onclick=…>"]


# Production settings


def _production(*code: str, **extra_env: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "council.settings.production",
        "SECRET_KEY": "test-" + "x9Q!" * 16,
        "ALLOWED_HOSTS": "council.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
        **extra_env,
    }
    result = subprocess.run(
        [sys.executable, *code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return result.returncode, result.stdout + result.stderr


def test_the_deployment_check_passes_with_the_production_settings():
    code, output = _production("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert (code, output.strip()) == (0, "System check identified no issues (1 silenced).")


def test_production_turns_on_hsts_ssl_redirect_and_secure_cookies():
    code, output = _production(
        "-c",
        "import django; django.setup(); from django.conf import settings as s; print(["
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY,"
        " s.LANGUAGE_COOKIE_SAMESITE])",
    )

    assert (code, output.strip()) == (0, "[True, 31536000, True, True, True, True, True, True, 'Lax']")


@pytest.mark.django_db
@override_settings(LANGUAGE_COOKIE_SECURE=True, LANGUAGE_COOKIE_HTTPONLY=True, LANGUAGE_COOKIE_SAMESITE="Lax")
def test_the_language_cookie_set_at_log_in_follows_the_cookie_settings(client):
    user = User.objects.create_user("alice@example.org", PASSWORD, display_name="Alice", preferred_language="en")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    cookie = response.cookies["django_language"]
    assert (cookie.value, cookie["secure"], cookie["httponly"], cookie["samesite"]) == ("en", True, True, "Lax")


@pytest.mark.django_db
@override_settings(LANGUAGE_COOKIE_SECURE=True, LANGUAGE_COOKIE_HTTPONLY=True, LANGUAGE_COOKIE_SAMESITE="Lax")
def test_the_language_cookie_set_by_the_profile_follows_the_cookie_settings(client):
    user = User.objects.create_user("alice@example.org", PASSWORD, display_name="Alice")
    client.force_login(user)

    response = client.post(reverse("profile"), {"display_name": "Alice", "preferred_language": "en"})

    cookie = response.cookies["django_language"]
    assert (cookie.value, cookie["secure"], cookie["httponly"], cookie["samesite"]) == ("en", True, True, "Lax")


def test_production_names_the_sockets_of_its_hosts_for_older_safari():
    code, output = _production(
        "-c",
        "import django; django.setup(); from django.conf import settings;"
        " print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src'])",
        ALLOWED_HOSTS="council.example.org,.quartiers.example.org",
    )

    assert (code, output.strip()) == (0, str(["'self'", "wss://council.example.org", "wss://*.quartiers.example.org"]))
