"""django-allauth hooks: account e-mail goes out through Celery, language follows the profile."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest
from django.http import HttpResponse
from django.utils import translation

from council.accounts import session_end
from council.accounts.cookies import language_cookie_set
from council.accounts.models import User


class CouncilAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        from council.accounts.tasks import email_send_task

        message = self.render_mail(template_prefix, email, context)
        payload = {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        }
        transaction.on_commit(lambda: email_send_task.delay(payload))

    def post_login(self, request: HttpRequest, user: User, **kwargs: Any) -> HttpResponse:
        """Pages follow the language chosen in the profile, whatever the browser asks for."""
        response = super().post_login(request, user, **kwargs)
        if user.preferred_language:
            translation.activate(user.preferred_language)
            language_cookie_set(response, user.preferred_language)
        return response

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """After logging out, end the identity provider's session too, if one was opened here.

        allauth asks this before logging out, while the session still holds the provider's
        ID token; what must survive the log-out is kept on the request until `logout`.
        """
        end = session_end.begin(request) if request.user.is_authenticated else None
        if end is None:
            return super().get_logout_redirect_url(request)
        request.session_end_keep = end.keep  # type: ignore[attr-defined]
        return end.url

    def logout(self, request: HttpRequest) -> None:
        super().logout(request)
        for key, value in getattr(request, "session_end_keep", {}).items():
            request.session[key] = value
