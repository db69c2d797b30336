"""Multi-factor log-in: anyone may add an authenticator app; officials must, before anything else."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache
from django.urls import reverse

from council.accounts.models import User
from council.councils.mfa import must_use_mfa
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from tests.mfa_helpers import totp_code
from tests.mfa_helpers import totp_give

PASSWORD = "un-mot-de-passe-solide-42"
AUTHENTICATE = "/accounts/2fa/authenticate/"
ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # allauth keeps used TOTP codes and log-in rate limits in the cache
    yield
    cache.clear()


@pytest.fixture
def council(db):
    return Council.objects.create(slug="nord", name="Conseil Nord")


def _person(email: str, council: Council | None = None, role: Role | None = None) -> User:
    user = User.objects.create_user(email, PASSWORD, display_name=email.split("@")[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if role is not None:
        role_grant(actor=None, council=council, user=user, role=role)
    return user


def _log_in(client, user: User):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def _activate_page(client):
    """The set-up page, once the password is confirmed (allauth asks it again before a change)."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client.get(ACTIVATE)


def _is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_who_must_use_a_second_factor(council):
    resident = _person("r@example.org", council, Role.RESIDENT)
    member = _person("m@example.org", council, Role.MEMBER)
    facilitator = _person("f@example.org", council, Role.FACILITATOR)
    administrator = _person("a@example.org", council, Role.ADMINISTRATOR)
    superuser = User.objects.create_superuser("s@example.org", PASSWORD)
    nobody = _person("n@example.org")

    assert [must_use_mfa(p) for p in (resident, member, nobody)] == [False, False, False]
    assert [must_use_mfa(p) for p in (facilitator, administrator, superuser)] == [True, True, True]


@pytest.mark.django_db
def test_a_resident_adds_an_authenticator_app_and_is_then_asked_for_its_code(client, council):
    resident = _person("r@example.org", council, Role.RESIDENT)
    _log_in(client, resident)
    page = _activate_page(client)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # the secret as text, beside the QR code

    done = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=resident, type=Authenticator.Type.TOTP).exists()

    client.post(reverse("account_logout"))
    cache.clear()  # the code just used may be used once only; a new log-in a period later
    asked = _log_in(client, resident)
    assert asked["Location"] == AUTHENTICATE
    assert not _is_logged_in(client)
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert _is_logged_in(client)


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_clear_error(client, council):
    resident = _person("r@example.org", council, Role.RESIDENT)
    totp_give(resident)
    _log_in(client, resident)
    refused = client.post(AUTHENTICATE, {"code": "000000"})
    assert refused.status_code == 200
    assert not _is_logged_in(client)
    html = refused.content.decode()
    assert 'role="alert"' in html
    assert "Incorrect code." in html or "Code incorrect." in html


@pytest.mark.django_db
def test_an_administrator_without_a_second_factor_reaches_nothing_else_until_it_is_set_up(client, council):
    administrator = _person("a@example.org", council, Role.ADMINISTRATOR)
    logged_in = _log_in(client, administrator)
    assert _is_logged_in(client)  # no factor yet: the password logs in, the site then insists
    council_page = reverse("council-detail", args=[council.slug])
    for path in (council_page, "/", reverse("profile"), "/accounts/email/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE, path
    assert logged_in.status_code == 302
    assert client.get("/static/does-not-matter.css").status_code != 302

    secret = _activate_page(client).context["form"].secret
    client.post(ACTIVATE, {"code": totp_code(secret)})
    assert client.get(council_page).status_code == 200


@pytest.mark.django_db
def test_the_set_up_page_leads_back_where_the_official_was_going(client, council):
    facilitator = _person("f@example.org", council, Role.FACILITATOR)
    client.force_login(facilitator)
    council_page = reverse("council-detail", args=[council.slug])
    client.get(council_page)
    secret = _activate_page(client).context["form"].secret
    codes_page = client.post(ACTIVATE, {"code": totp_code(secret)}, follow=True)
    assert f'id="mfa-continue" href="{council_page}"' in codes_page.content.decode()


@pytest.mark.django_db
def test_an_official_with_a_second_factor_is_asked_for_it_at_log_in(client, council):
    administrator = _person("a@example.org", council, Role.ADMINISTRATOR)
    secret = totp_give(administrator)
    assert _log_in(client, administrator)["Location"] == AUTHENTICATE
    assert not _is_logged_in(client)
    client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert client.get(reverse("council-detail", args=[council.slug])).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_logs_in_once(client, council):
    resident = _person("r@example.org", council, Role.RESIDENT)
    totp_give(resident)
    code = RecoveryCodes.activate(resident).get_unused_codes()[0]

    _log_in(client, resident)
    client.post(AUTHENTICATE, {"code": code})
    assert _is_logged_in(client)

    client.post(reverse("account_logout"))
    _log_in(client, resident)
    again = client.post(AUTHENTICATE, {"code": code})
    assert not _is_logged_in(client)
    assert 'role="alert"' in again.content.decode()



@pytest.mark.django_db
def test_the_admin_log_in_form_cannot_skip_the_second_factor(client, council):
    administrator = _person("a@example.org", council, Role.ADMINISTRATOR)
    totp_give(administrator)

    shown = client.get("/admin/login/?next=/admin/")
    client.post("/admin/login/?next=/admin/", {"username": administrator.email, "password": PASSWORD})

    assert shown.status_code == 302
    assert shown["Location"].startswith(reverse("account_login"))
    assert not _is_logged_in(client)


@pytest.mark.django_db
def test_the_superuser_resets_a_lost_factor_in_the_admin_and_a_council_administrator_cannot(client, council):
    administrator = _person("a@example.org", council, Role.ADMINISTRATOR)
    totp_give(administrator)
    lost = Authenticator.objects.get(user=administrator)
    root = User.objects.create_superuser("root@example.org", PASSWORD)
    totp_give(root)

    client.force_login(administrator)
    assert client.get(reverse("admin:mfa_authenticator_changelist")).status_code == 403
    client.force_login(root)
    client.post(reverse("admin:mfa_authenticator_delete", args=[lost.pk]), {"post": "yes"})

    assert not Authenticator.objects.filter(user=administrator).exists()
    client.force_login(administrator)
    assert client.get(reverse("council-detail", args=[council.slug]))["Location"] == ACTIVATE
