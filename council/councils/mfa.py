"""Who must log in with a second factor, and the one place that makes them set it up.

The rule lives in `must_use_mfa`; the middleware only applies it. It sits in councils, not
accounts, because it reads council roles (accounts is the lower layer).
"""

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from council.accounts.models import User
from council.councils.models import Role
from council.councils.selectors import holds_role_anywhere

#: the roles that run a council or its votes: administrators, and facilitators (the vote officials:
#: `ballots.manage_vote`, budget officials and the officials of a sitting are facilitators or above)
ROLES_REQUIRING_MFA = (Role.ADMINISTRATOR, Role.FACILITATOR)


def must_use_mfa(user: User | AnonymousUser) -> bool:
    """Whether this person must log in with a second factor: the instance's superusers and staff,
    and whoever is an administrator or a vote official of any council. One query at most."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return holds_role_anywhere(user=user, roles=ROLES_REQUIRING_MFA)


def lacks_required_mfa(user: User | AnonymousUser) -> bool:
    return must_use_mfa(user) and not is_mfa_enabled(user)


#: where the person was going when sent to set up a second factor (a link once it is done)
SETUP_NEXT_SESSION_KEY = "mfa_setup_next"

#: paths reachable before the second factor is set up: setting it up, logging out, and files
_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/static/", "/media/", "/i18n/")


class MFARequiredMiddleware:
    """Send a person who must use a second factor and has none to set one up, whatever they ask for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not request.path.startswith(_OPEN_PREFIXES)
            and not _logged_in_with_second_factor(request)  # no query for them on every page
            and lacks_required_mfa(request.user)
        ):
            if request.method == "GET":
                request.session[SETUP_NEXT_SESSION_KEY] = request.get_full_path()
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _logged_in_with_second_factor(request: HttpRequest) -> bool:
    """This session's log-in used a second factor (allauth records how it authenticated)."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request))
