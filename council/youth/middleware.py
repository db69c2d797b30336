"""A person under 15 whose parent has not consented yet is sent to the page that asks for it.

French law asks a parent's consent before the data of a person under 15 is processed on their
own consent (council/youth/models.py). Until the parent confirms, every page but the consent
page, logging out and the person's own data sends there. What is known is kept in the session
at log-in (`consent_state_remember`, on Django's `user_logged_in`: no query on any page after);
a birth date given in this session (`/accounts/age/`, or FranceConnect) refreshes it through
`consent_state_forget`; the person's other sessions see it at their next log-in, and until then
the age-range rules (`age_allows`) still refuse them.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect

from council.accounts.models import User
from council.youth.selectors import age_facts

SESSION_KEY = "youth.consent_needed"
#: reachable before a parent consents: the consent pages, logging out, the person's own data
_OPEN_PREFIXES = (
    "/accounts/parental-consent/", "/accounts/logout/", "/accounts/my-data/", "/accounts/delete/",
    "/static/", "/media/", "/i18n/",
)


def consent_state_forget(request: HttpRequest) -> None:
    """Read the person's age and consent again on their next page (after they changed)."""
    request.session.pop(SESSION_KEY, None)


def consent_state_remember(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """At log-in: whether a parent must still consent, kept in the new session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = [user.pk, age_facts(user).needs_consent()]


def _consent_needed(request: HttpRequest) -> bool:
    user = request.user
    known = request.session.get(SESSION_KEY)
    # only "needed" is read again: it ends when the parent confirms (elsewhere, by e-mail);
    # "not needed" holds for good, as the person only grows older
    if known is not None and known[0] == user.pk and not known[1]:
        return False
    needed = age_facts(user).needs_consent()  # type: ignore[arg-type]  # authenticated here
    request.session[SESSION_KEY] = [user.pk, needed]
    return needed


class ParentalConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and _consent_needed(request)
        ):
            return redirect("youth:parental-consent")
        return self.get_response(request)
