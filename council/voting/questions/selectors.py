"""Reads of the Q&A: the payloads each audience may see, the snapshot section, the counts.

Two shapes of a question: `question_public` (what anyone in the meeting may see: no author
when they asked anonymously) and `question_moderated` (the facilitation team's: the real
author, the status and the reason). Which one goes where is decided by the group it is sent
to (events.py), never by filtering on a socket.
"""

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.db.models import QuerySet

from council.core.memo import recall
from council.core.memo import remember
from council.core.process_cache import room_view
from council.rooms.models import Room
from council.rooms.selectors import room_remembered
from council.voting.questions.models import QaSettings
from council.voting.questions.models import Question
from council.voting.questions.models import Upvote

QUESTIONS_VIEW = room_view("questions.view")  # kept across arrival waves (council/core/process_cache.py)


def plenary_id(room: Room) -> int:
    return int(room.parent_id or room.pk)


def qa_settings(room_id: int) -> QaSettings:
    """The room's settings, or the defaults (unsaved: reading writes nothing)."""
    return QaSettings.objects.filter(room_id=room_id).first() or QaSettings(room_id=room_id)


def settings_payload(settings: QaSettings) -> dict[str, Any]:
    return {
        "room_id": settings.room_id,
        "open": settings.is_open,
        "moderated": settings.moderated,
        "anonymous_allowed": settings.anonymous_allowed,
    }


def with_votes(questions: QuerySet[Question]) -> QuerySet[Question]:
    return questions.select_related("author").annotate(vote_count=Count("upvotes"))


def question_get(question_id: int) -> Question:
    return with_votes(Question.objects.filter(pk=question_id)).get()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def question_public(question: Question) -> dict[str, Any]:
    """The question as anyone in the meeting may see it: an anonymous author is not named, nor identified."""
    return {
        "id": question.pk,
        "room_id": question.room_id,
        "text": question.text,
        "author": None if question.anonymous else {"id": question.author_id, "name": str(question.author.public_name)},
        "anonymous": question.anonymous,
        "status": question.status,
        "shortlisted": question.shortlisted,
        "votes": question.vote_count if hasattr(question, "vote_count") else question.upvotes.count(),
        "created_at": question.created_at.isoformat(),
        "answered_at": _iso(question.answered_at),
    }


def question_moderated(question: Question) -> dict[str, Any]:
    """The question as the facilitation team sees it: who really asked, and why it is hidden."""
    return {
        **question_public(question),
        "asked_by": {"id": question.author_id, "name": str(question.author.public_name)},
        "hidden_reason": question.hidden_reason,
        "merged_into": question.merged_into_id,
    }


def votes_payload(room_id: int) -> dict[str, Any]:
    """The exact upvote counts of the meeting's visible questions (what a coalesced send reads)."""
    rows = (
        Question.objects.filter(room_id=room_id, status__in=Question.VISIBLE)
        .annotate(vote_count=Count("upvotes"))
        .order_by("pk")
        .values_list("pk", "vote_count")
    )
    return {"room_id": room_id, "votes": [{"id": pk, "votes": count} for pk, count in rows]}


def shown_payload(settings: QaSettings) -> dict[str, Any]:
    shown = None
    if settings.shown_id is not None:
        shown = question_public(question_get(settings.shown_id))
    return {"room_id": settings.room_id, "question": shown}


def _meeting_view(room_id: int) -> dict[str, Any]:
    """What every socket of the meeting is shown alike (read once per unit of work, e.g. a wave of moves)."""
    settings = qa_settings(room_id)
    visible = with_votes(Question.objects.filter(room_id=room_id, status__in=Question.VISIBLE))
    return {
        "settings": settings_payload(settings),
        "questions": [question_public(q) for q in visible.order_by("created_at", "pk")],
        "shown": shown_payload(settings)["question"],
    }


def _moderation_view(room_id: int) -> list[dict[str, Any]]:
    questions = with_votes(Question.objects.filter(room_id=room_id).exclude(status=Question.Status.WITHDRAWN))
    return [question_moderated(q) for q in questions.order_by("created_at", "pk")]


def _own_key(user_id: int, room_id: int) -> tuple[str, int, int]:
    return ("questions.own", user_id, room_id)


def _voted_key(user_id: int, room_id: int) -> tuple[str, int, int]:
    return ("questions.voted", user_id, room_id)


def _own_questions(user_ids: list[int], room_ids: set[int]) -> dict[tuple[int, int], list[Question]]:
    """Each person's questions in each meeting (withdrawn ones aside), for many at once."""
    own: dict[tuple[int, int], list[Question]] = defaultdict(list)
    questions = with_votes(
        Question.objects.filter(room_id__in=room_ids, author_id__in=user_ids).exclude(status=Question.Status.WITHDRAWN)
    )
    for question in questions.order_by("created_at", "pk"):
        own[(question.author_id, question.room_id)].append(question)
    return own


def _voted(user_ids: list[int], room_ids: set[int]) -> dict[tuple[int, int], list[int]]:
    """The questions each person supports in each meeting, for many at once."""
    voted: dict[tuple[int, int], list[int]] = defaultdict(list)
    rows = Upvote.objects.filter(user_id__in=user_ids, question__room_id__in=room_ids).order_by("question_id")
    for user_id, question_id, room_id in rows.values_list("user_id", "question_id", "question__room_id"):
        voted[(user_id, room_id)].append(question_id)
    return voted


def questions_wave_remember(users: list[Any], rooms: list[Room]) -> None:
    """A wave of sockets moving in a meeting (council/rooms/moves.py) reads each person's part in two queries."""
    room_ids = {plenary_id(room) for room in rooms}
    user_ids = [user.pk for user in users]
    own, voted = _own_questions(user_ids, room_ids), _voted(user_ids, room_ids)
    for user_id in user_ids:
        for room_id in room_ids:
            remember(_own_key(user_id, room_id), own.get((user_id, room_id), []))
            remember(_voted_key(user_id, room_id), voted.get((user_id, room_id), []))


def questions_section(user: Any, room: Room) -> dict[str, Any]:
    """The `questions` section of the room snapshot, as `user` may see it, wherever in the meeting they are."""
    room_id = plenary_id(room)
    plenary = room if room.pk == room_id else room_remembered(room_id)
    shared = recall((QUESTIONS_VIEW, room_id), lambda: _meeting_view(room_id))
    own = recall(_own_key(user.pk, room_id), lambda: _own_questions([user.pk], {room_id}).get((user.pk, room_id), []))
    waiting = [question_public(q) for q in own if q.status == Question.Status.PENDING]
    see_pending = user.has_perm("questions.see_pending", plenary)
    return {
        **shared["settings"],
        "questions": [*shared["questions"], *waiting],
        "shown": shared["shown"],
        "mine": [q.pk for q in own],
        "voted": recall(_voted_key(user.pk, room_id), lambda: _voted([user.pk], {room_id}).get((user.pk, room_id), [])),
        "can_ask": user.has_perm("questions.ask_question", plenary),
        "can_moderate": user.has_perm("questions.moderate_questions", plenary),
        "moderation": recall(("questions.moderation", room_id), lambda: _moderation_view(room_id))
        if see_pending
        else None,
    }
