"""A questionnaire's results, live and coalesced: at most one send per QUESTIONNAIRE_RESULTS_COALESCE_SECONDS.

After an answer set is committed, `results_changed_soon` asks council.core.coalesce for one
send per interval across every server process (never one per answer, which would also tell
watchers when each person answered what); the send reads the results when it leaves, so it
carries every answer committed before it. It goes to those who may read the results
(`questionnaires.view_results`, as the results page): the consultation's whole group once the
results are open to everyone, otherwise the results group, which the sockets of the
facilitators joined on connect. Other modules (a meeting's stage) hear of each send through
`on_results_sent`.

An anonymous questionnaire's results are sent only once at least MIN_CELL_SIZE answers came in
since the last send: a change of a count or two, seen live on a meeting's stage right after
someone answered on their phone, would tell what they answered.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from council.consultation import events as consultation_events
from council.consultation.questionnaires import events
from council.consultation.questionnaires import permissions as perms
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.models import Response
from council.consultation.questionnaires.selectors import live_results
from council.consultation.sockets import Rights
from council.core.coalesce import coalesce_sync
from council.core.realtime import _broadcast
from council.core.realtime import group_message
from council.groups.selectors import MIN_CELL_SIZE

_listeners: list[Callable[[Questionnaire, dict[str, Any]], None]] = []


def on_results_sent(listener: Callable[[Questionnaire, dict[str, Any]], None]) -> None:
    """Have `listener(questionnaire, payload)` called after each coalesced send (in the sending thread)."""
    _listeners.append(listener)


def results_changed_soon(questionnaire_id: int) -> bool:
    """Call after commit: the results reach open pages within the interval, once for every answer until then."""
    return coalesce_sync(
        events.results_key(questionnaire_id), lambda: _send(questionnaire_id),
        seconds=settings.QUESTIONNAIRE_RESULTS_COALESCE_SECONDS,
    )


def audience(questionnaire: Questionnaire) -> str:
    """The group that hears the results: everyone following the consultation once anyone may read them."""
    if AnonymousUser().has_perm(perms.VIEW_RESULTS, questionnaire):
        return consultation_events.consultation_group(questionnaire.consultation_id)
    return events.results_group(questionnaire.consultation_id)


def socket_rights(user: Any, consultation_id: int) -> Rights:
    """For a consultation socket (council/consultation/sockets.py): whether `user` may read the
    results (the pages show or hide them) and, if so, the results group."""
    questionnaire = _questionnaire(consultation_id=consultation_id)
    if questionnaire is None or not user.has_perm(perms.VIEW_RESULTS, questionnaire):
        return Rights(capabilities={"view_results": False})
    return Rights(groups=[events.results_group(consultation_id)], capabilities={"view_results": True})


def _questionnaire(**lookup: Any) -> Questionnaire | None:
    return (
        Questionnaire.objects.select_related("consultation__council").prefetch_related("consultation__phases")
        .filter(**lookup).first()
    )


def _send(questionnaire_id: int) -> None:
    questionnaire = _questionnaire(pk=questionnaire_id)
    if questionnaire is None or (questionnaire.is_anonymous and not _enough_new_answers(questionnaire)):
        return
    payload = live_results(questionnaire)
    _broadcast(audience(questionnaire), group_message(events.QUESTIONNAIRE_RESULTS_CHANGED, payload))
    for listener in _listeners:
        listener(questionnaire, payload)


def _enough_new_answers(questionnaire: Questionnaire) -> bool:
    """Whether MIN_CELL_SIZE answers (or more) came in since the last send (the count kept in the cache)."""
    key = f"questionnaires.live_sent.{questionnaire.pk}"
    answers = Response.objects.filter(questionnaire=questionnaire).count()
    if abs(answers - (cache.get(key) or 0)) < MIN_CELL_SIZE:
        return False
    cache.set(key, answers, timeout=None)
    return True
