"""A questionnaire's results on a meeting's stage and agenda (a meeting module, registered in apps.py).

Two commands of the room socket: `consultation.show_results` puts a questionnaire's results on
every stage of the meeting (or, with none, takes them off), `consultation.add_results_to_agenda`
appends an item for them to the meeting's agenda (the host's agenda registry). The stage is told
to the whole meeting as `consultation.results_stage_changed`, carrying the whole card (the counts
the results page shows, never texts nor breakdowns), and is the snapshot's
`consultation_results_stage` section. While answers come in, each coalesced send of the results
(council/consultation/questionnaires/live.py) refreshes the stages showing them. Who may do
either is `consultation_meetings.present_results` (permissions.py).
"""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.consultation.meetings import events
from council.consultation.meetings.models import AgendaQuestionnaire
from council.consultation.meetings.models import ResultsOnStage
from council.consultation.meetings.permissions import PRESENT_RESULTS
from council.consultation.meetings.permissions import ResultsPresentation
from council.consultation.meetings.stage import add_to_agenda
from council.consultation.meetings.stage import on_stage
from council.consultation.models import PhaseKind
from council.consultation.questionnaires.models import Questionnaire
from council.consultation.questionnaires.selectors import live_results
from council.consultation.questionnaires.selectors import questionnaire_questions
from council.core.errors import AccessDenied
from council.core.memo import recall
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.rooms.agenda_links import Attachment
from council.rooms.events import meeting_group
from council.rooms.models import Room
from council.rooms.permissions import access_room

SHOW_COMMAND = "consultation.show_results"
AGENDA_COMMAND = "consultation.add_results_to_agenda"


def _questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.select_related("consultation__council").prefetch_related("consultation__phases")


def card(questionnaire: Questionnaire | None, results: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """What every stage of the meeting shows of a questionnaire's results: the counts, each question's text."""
    if questionnaire is None:
        return None
    results = results if results is not None else live_results(questionnaire, with_breakdowns=False)
    texts = {question.pk: question.text for question in questionnaire_questions(questionnaire)}
    consultation = questionnaire.consultation
    return {
        "questionnaire_id": questionnaire.pk,
        "consultation_id": consultation.pk,
        "consultation": consultation.title,
        "title": questionnaire.title,
        "respondents": results["respondents"],
        "questions": [{**question, "text": texts.get(question["id"], "")} for question in results["questions"]],
        "url": reverse("questionnaire-results", args=[consultation.council.slug, consultation.pk]),
    }


def _plenary(actor: User, room_id: int) -> Room:
    room = access_room(actor, room_id, for_update=True)
    return room.parent if room.parent_id else room  # type: ignore[return-value]


def _questionnaire(actor: User, room: Room, questionnaire_id: int) -> Questionnaire:
    questionnaire = _questionnaires().filter(pk=questionnaire_id).first()
    if questionnaire is None:
        raise AccessDenied(PRESENT_RESULTS)
    require_perm(actor, PRESENT_RESULTS, ResultsPresentation(room=room, questionnaire=questionnaire))
    return questionnaire


def _changed(room_id: int, shown: dict[str, Any] | None) -> None:
    send_event_on_commit(meeting_group(room_id), events.RESULTS_STAGE_CHANGED, {"room_id": room_id, "results": shown})


@transaction.atomic
def results_show(*, actor: User, room_id: int, questionnaire_id: int | None) -> dict[str, Any]:
    """Put a questionnaire's results on every stage of the meeting; with none, take them off."""
    room = _plenary(actor, room_id)
    if questionnaire_id is None:
        current = ResultsOnStage.objects.select_for_update().filter(room=room).first()
        if current is not None:
            _questionnaire(actor, room, current.questionnaire_id)
            current.delete()
            _changed(room.pk, None)
        return {"questionnaire_id": None}
    questionnaire = _questionnaire(actor, room, questionnaire_id)
    ResultsOnStage.objects.update_or_create(room=room, defaults={"questionnaire": questionnaire})
    _changed(room.pk, card(questionnaire))
    return {"questionnaire_id": questionnaire.pk}


@transaction.atomic
def results_add_to_agenda(*, actor: User, room_id: int, questionnaire_id: int) -> dict[str, Any]:
    """Append an item for the questionnaire's results to the meeting's agenda (once per meeting)."""
    room = _plenary(actor, room_id)
    questionnaire = _questionnaire(actor, room, questionnaire_id)
    return add_to_agenda(
        room, AgendaQuestionnaire, _("Questionnaire results: %(title)s") % {"title": questionnaire.title},
        already=_("These results are already on the meeting's agenda."), questionnaire=questionnaire,
    )


def stage_section(user: User, room: Room) -> dict[str, Any] | None:
    """The snapshot's `consultation_results_stage`: the results on the meeting's stage, or None."""
    plenary_id = room.parent_id or room.pk
    return recall(("consultation.results_stage", plenary_id), lambda: card(on_stage(plenary_id)[1]))  # the same for the whole meeting


def results_sent(questionnaire: Questionnaire, results: dict[str, Any]) -> None:
    """After a coalesced send of the results (questionnaires/live.py): the stages showing them get the new counts."""
    rooms = list(ResultsOnStage.objects.filter(questionnaire=questionnaire).values_list("room_id", flat=True))
    if rooms:
        shown = card(questionnaire, results)
        for room_id in rooms:
            _changed(room_id, shown)


def presentable_questionnaires(user: Any, plenary: Room) -> list[dict[str, Any]]:
    """The questionnaires whose results `user` may bring into this meeting (for the tab's choice)."""
    if not user.has_perm("rooms.moderate_room", plenary):
        return []
    found = _questionnaires().filter(consultation__council_id=plenary.council_id, consultation__is_published=True).order_by("-pk")
    return [
        {"id": q.pk, "title": q.title, "consultation": q.consultation.title}
        for q in found
        if user.has_perm(PRESENT_RESULTS, ResultsPresentation(room=plenary, questionnaire=q))
    ]


def _status(questionnaire: Questionnaire) -> str:
    phase = questionnaire.consultation.current_phase
    return "answering" if phase is not None and phase.kind == PhaseKind.QUESTIONNAIRE else "closed"


def agenda_attachments(room_id: int) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = {}
    links = AgendaQuestionnaire.objects.filter(room_id=room_id).select_related("questionnaire__consultation").prefetch_related(
        "questionnaire__consultation__phases"
    )
    for link in links.order_by("pk"):
        questionnaire = link.questionnaire
        found.setdefault(link.item_id, []).append(
            Attachment(kind="questionnaire", id=questionnaire.pk, title=questionnaire.title, status=_status(questionnaire))
        )
    return found


def attachment_strings() -> dict[str, Any]:
    return {"kind": _("Questionnaire results"), "statuses": {"answering": _("Open for answers"), "closed": _("Closed")}}
