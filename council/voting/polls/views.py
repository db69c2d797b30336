"""The poll's short link `/p/<code>/`, reached from the QR code on the shared screen.

Someone logged in who may follow the room lands on the room page, in the polls tab. Someone
not logged in is asked to log in, unless the poll takes anonymous answers: then a light page
with a plain HTML form (no script needed) and the results when they may be seen. An anonymous
phone is known by a random token in a signed cookie: one answer per token, changeable until
closing. What keeps one person from stuffing answers: answers per client address are rate
limited (POLL_PHONE_RATE_LIMIT, through the shared limiter), a facilitator chooses to allow
anonymous answers poll by poll, and a poll is a show of hands, not a vote (binding votes
are the ballots module's, with an electorate).

Async views, so that a committed answer can ask `coalesce` for a tally from the event loop.
"""

import io
import secrets
from typing import Any

import segno
from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.signing import BadSignature
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from pydantic import TypeAdapter
from pydantic import ValidationError

from council.core import ratelimit
from council.core.errors import InvalidInput
from council.voting.polls import live
from council.voting.polls import services
from council.voting.polls.models import Poll
from council.voting.polls.schemas import AnswerValue
from council.voting.polls.selectors import poll_link
from council.voting.polls.selectors import results_of

TOKEN_COOKIE = "council_poll"  # noqa: S105 - a cookie's name
TOKEN_SALT = "council.polls.token"  # noqa: S105 - a signing namespace, not a secret
_answer_adapter: TypeAdapter[Any] = TypeAdapter(AnswerValue)


def _poll(code: str) -> Poll:
    poll = Poll.objects.select_related("room__council").filter(code=code.upper()).exclude(status=Poll.Status.DRAFT).first()
    if poll is None:
        raise Http404
    return poll


def _may_follow(user: Any, poll: Poll) -> bool:
    return bool(user.has_perm("rooms.view_room", poll.room))


def _token(request: HttpRequest) -> str | None:
    try:
        return request.get_signed_cookie(TOKEN_COOKIE, salt=TOKEN_SALT)
    except (KeyError, BadSignature):
        return None


def _answer_from_form(poll: Poll, data: Any) -> Any:
    """The typed answer a plain form sent (ranking: each option's place, 1 for the first)."""
    fields: dict[str, Any] = {"kind": poll.kind}
    try:
        if poll.kind == Poll.Kind.SINGLE:
            fields["choice"] = int(data.get("choice", ""))
        elif poll.kind == Poll.Kind.MULTIPLE:
            fields["choices"] = [int(value) for value in data.getlist("choices")]
        elif poll.kind == Poll.Kind.YES_NO:
            fields["vote"] = data.get("vote", "")
        elif poll.kind == Poll.Kind.SCALE:
            fields["value"] = int(data.get("value", ""))
        else:
            places = [int(data.get(f"place_{index}", "")) for index in range(len(poll.options))]
            fields["order"] = sorted(range(len(places)), key=lambda index: places[index])
            if sorted(places) != list(range(1, len(places) + 1)):
                raise InvalidInput(_("Give each option a different place, from 1 to %(count)d.") % {"count": len(places)})
    except ValueError:
        raise InvalidInput(_("Choose an answer.")) from None
    try:
        return _answer_adapter.validate_python(fields)
    except ValidationError:
        raise InvalidInput(_("Choose an answer.")) from None


def yes_no_words() -> dict[str, str]:
    return {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstain")}


def result_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each row of a tally with its label in words and its numbers as text ("12 answers (40 %)")."""
    words = yes_no_words()
    rows = []
    for row in results["rows"]:
        values = {"count": row["count"], "percent": _("%(number)s%%") % {"number": row["percent"]}}
        if results["method"] == "points":
            text = ngettext("%(count)s point (%(percent)s)", "%(count)s points (%(percent)s)", row["count"]) % values
        else:
            text = ngettext("%(count)s answer (%(percent)s)", "%(count)s answers (%(percent)s)", row["count"]) % values
        rows.append({"label": words.get(row["label"], row["label"]), "percent": row["percent"], "text": text})
    return rows


def _page(request: HttpRequest, poll: Poll, *, error: str = "", status: int = 200) -> TemplateResponse:
    may_see = poll.status == Poll.Status.CLOSED or poll.visibility == Poll.Visibility.LIVE
    results = results_of(poll) if may_see else None
    request.council = poll.room.council  # type: ignore[attr-defined]  # the council's brand on the page
    context = {
        "poll": poll,
        "labels": poll.labels(),
        "yes_no": list(yes_no_words().items()),
        "places": range(1, len(poll.options) + 1),
        "results": results,
        "result_rows": result_rows(results) if results else [],
        "answered": request.GET.get("answered") == "1",
        "error": error,
    }
    return TemplateResponse(request, "polls/phone.html", context, status=status)


@require_http_methods(["GET", "POST"])
async def poll_phone(request: HttpRequest, code: str) -> HttpResponse:
    poll = await sync_to_async(_poll)(code)
    user = await request.auser()
    if user.is_authenticated:
        if not await sync_to_async(_may_follow)(user, poll):
            raise Http404
        room_url = reverse("room-detail", args=[poll.room.council.slug, poll.room_id])
        return redirect(f"{room_url}#polls")
    if not poll.allow_anonymous:
        return redirect_to_login(request.get_full_path())
    if request.method == "GET":
        return await sync_to_async(_page)(request, poll)
    return await _answer(request, poll)


async def _answer(request: HttpRequest, poll: Poll) -> HttpResponse:
    address = request.META.get("REMOTE_ADDR", "")
    allowed, _hits = await sync_to_async(ratelimit.hit)(f"poll-phone:{address}", settings.POLL_PHONE_RATE_LIMIT)
    if not allowed:
        return await sync_to_async(_page)(request, poll, error=_("Too many answers from this connection: wait a minute."), status=429)
    token = _token(request) or secrets.token_urlsafe(16)
    try:
        answer = _answer_from_form(poll, request.POST)
        await sync_to_async(services.poll_answer_anonymous)(token=token, code=poll.code, answer=answer)
    except InvalidInput as error:
        return await sync_to_async(_page)(request, poll, error=error.message, status=400)
    await live.results_changed_soon(poll.pk, poll.room_id)
    response = redirect(f"{poll_link(poll)}?answered=1")
    response.set_signed_cookie(
        TOKEN_COOKIE, token, salt=TOKEN_SALT, max_age=7 * 24 * 3600, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def poll_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The short link as a QR code (SVG); the page shows the link itself beside it, as its text alternative."""
    poll = _poll(code)
    url = request.build_absolute_uri(poll_link(poll))
    svg = io.BytesIO()
    segno.make(url, error="m").save(svg, kind="svg", scale=8, border=2, title=url, xmldecl=False)
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response
