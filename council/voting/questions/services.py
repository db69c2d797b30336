"""Writes of the Q&A: typed values in, rules asked, moderation logged, events sent after commit.

Every question belongs to the meeting's plenary room (`room_id`). Who hears a change is the
group it goes to (events.py): the meeting hears visible questions, the facilitators' group
hears every change with the real author, the author hears their own question while it waits.
Upvotes are not broadcast here: the socket coalesces the counts (council/core/coalesce.py)
once the upvote is committed (commands.py).
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.accounts.models import User
from council.core.errors import InvalidInput
from council.core.realtime import send_event_on_commit
from council.councils.events import user_group
from council.rooms.events import facilitators_group
from council.rooms.events import meeting_group
from council.rooms.models import Room
from council.rooms.permissions import access_room
from council.voting.questions import events
from council.voting.questions import selectors
from council.voting.questions.models import MAX_REASON_CHARS
from council.voting.questions.models import MAX_TEXT_CHARS
from council.voting.questions.models import ModerationEntry
from council.voting.questions.models import QaSettings
from council.voting.questions.models import Question
from council.voting.questions.models import Upvote

ASK = "questions.ask_question"
UPVOTE = "questions.upvote_question"
MODERATE = "questions.moderate_questions"
Status = Question.Status


def _meeting(actor: User, room_id: int, perm: str) -> tuple[Room, QaSettings]:
    """The plenary room and its Q&A settings, locked: changes of one meeting's Q&A happen one at a time."""
    room = access_room(actor, room_id, perm=perm)
    if room.parent_id is not None:  # a workshop's socket asks the meeting's Q&A
        room = access_room(actor, room.parent_id, perm=perm)
    QaSettings.objects.get_or_create(room=room)
    return room, QaSettings.objects.select_for_update().get(room=room)


def _question(room: Room, question_id: int) -> Question:
    question = Question.objects.select_for_update(of=("self",)).filter(room=room, pk=question_id).first()
    if question is None or question.status == Status.WITHDRAWN:
        raise InvalidInput(_("This question does not exist or was withdrawn."))
    return question


def _log(
    actor: User | None,
    room: Room,
    action: str,
    question: Question | None = None,
    *,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """The moderation log: who did what to which question (or to the settings), and why."""
    ModerationEntry.objects.create(
        room=room, question=question, actor=actor, action=action, reason=reason, details=details or {}
    )


def _announce(question: Question, *, was_visible: bool) -> None:
    """Tell each audience what it may know of the question's new state (after commit)."""
    fresh = selectors.question_get(question.pk)
    room_id = fresh.room_id
    send_event_on_commit(facilitators_group(room_id), events.QUESTION_MODERATED, selectors.question_moderated(fresh))
    removed = {"room_id": room_id, "id": fresh.pk, "status": fresh.status, "merged_into": fresh.merged_into_id}
    if fresh.is_visible:
        send_event_on_commit(meeting_group(room_id), events.QUESTION_CHANGED, selectors.question_public(fresh))
    elif was_visible:
        send_event_on_commit(meeting_group(room_id), events.QUESTION_REMOVED, removed)
    else:  # never shown to the meeting: only its author hears of it
        if fresh.status == Status.PENDING:
            send_event_on_commit(user_group(fresh.author_id), events.QUESTION_CHANGED, selectors.question_public(fresh))
        else:
            send_event_on_commit(user_group(fresh.author_id), events.QUESTION_REMOVED, removed)


def _unshow_if(settings: QaSettings, question: Question) -> None:
    if settings.shown_id == question.pk:
        settings.shown = None
        settings.save(update_fields=["shown"])
        send_event_on_commit(meeting_group(settings.room_id), events.SHOWN_CHANGED, selectors.shown_payload(settings))


# -- residents


@transaction.atomic
def question_ask(
    *, actor: User, room_id: int, text: str, anonymous: bool = False, request_id: str | None = None
) -> dict[str, Any]:
    """Ask the meeting a question; waits for approval in a moderated room (unless a facilitator asks)."""
    room, settings = _meeting(actor, room_id, ASK)
    if request_id:
        again = Question.objects.filter(room=room, author=actor, client_request_id=request_id).first()
        if again is not None:
            return {"question_id": again.pk, "status": again.status}
    if not settings.is_open:
        raise InvalidInput(_("Questions are closed in this meeting for now."))
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write your question first."))
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            _("The question is too long (%(count)d characters; at most %(max)d).")
            % {"count": len(text), "max": MAX_TEXT_CHARS}
        )
    if anonymous and not settings.anonymous_allowed:
        raise InvalidInput(_("Anonymous questions are not allowed in this meeting."))
    waits = settings.moderated and not actor.has_perm(MODERATE, room)
    question = Question.objects.create(
        room=room,
        author=actor,
        text=text,
        anonymous=anonymous,
        status=Status.PENDING if waits else Status.APPROVED,
        client_request_id=request_id or "",
    )
    _announce(question, was_visible=False)
    return {"question_id": question.pk, "status": question.status}


@transaction.atomic
def question_withdraw(*, actor: User, room_id: int, question_id: int) -> dict[str, Any]:
    """The author takes their question back, whatever its state (the log keeps that they did)."""
    room, settings = _meeting(actor, room_id, "rooms.view_room")
    question = _question(room, question_id)
    if question.author_id != actor.pk:
        raise InvalidInput(_("You can withdraw only your own questions."))
    if question.status == Status.MERGED:
        raise InvalidInput(_("This question was merged into another one."))
    was_visible = question.is_visible
    question.status = Status.WITHDRAWN
    question.save(update_fields=["status"])
    _unshow_if(settings, question)
    _log(actor, room, "withdraw", question)
    _announce(question, was_visible=was_visible)
    return {"question_id": question.pk}


def _vote(actor: User, room_id: int, question_id: int, *, voted: bool) -> dict[str, Any]:
    room = access_room(actor, room_id, perm=UPVOTE)
    if room.parent_id is not None:
        room = access_room(actor, room.parent_id, perm=UPVOTE)
    question = Question.objects.filter(room=room, pk=question_id, status__in=Question.VISIBLE).first()
    if question is None:
        raise InvalidInput(_("This question cannot be supported now."))
    if voted:  # a second upvote of the same person changes nothing (toggle, idempotent)
        Upvote.objects.bulk_create([Upvote(question=question, user=actor)], ignore_conflicts=True)
    else:
        Upvote.objects.filter(question=question, user=actor).delete()
    return {"question_id": question.pk, "room_id": room.pk, "voted": voted, "votes": question.upvotes.count()}


@transaction.atomic
def question_upvote(*, actor: User, room_id: int, question_id: int) -> dict[str, Any]:
    return _vote(actor, room_id, question_id, voted=True)


@transaction.atomic
def question_unvote(*, actor: User, room_id: int, question_id: int) -> dict[str, Any]:
    return _vote(actor, room_id, question_id, voted=False)


# -- the facilitation team


def _moderate(actor: User, room_id: int, question_id: int) -> tuple[Room, QaSettings, Question]:
    room, settings = _meeting(actor, room_id, MODERATE)
    return room, settings, _question(room, question_id)


def _unmerged(question: Question) -> None:
    if question.status == Status.MERGED:
        raise InvalidInput(_("This question was merged into another one."))


@transaction.atomic
def question_approve(*, actor: User, room_id: int, question_id: int) -> dict[str, Any]:
    """Show a waiting (or hidden) question to the whole meeting."""
    room, _settings, question = _moderate(actor, room_id, question_id)
    _unmerged(question)
    was_visible = question.is_visible
    if question.status in (Status.PENDING, Status.HIDDEN):
        question.status = Status.APPROVED
        question.hidden_reason = ""
        question.save(update_fields=["status", "hidden_reason"])
        _log(actor, room, "approve", question)
        _announce(question, was_visible=was_visible)
    return {"question_id": question.pk, "status": question.status}


@transaction.atomic
def question_hide(*, actor: User, room_id: int, question_id: int, reason: str) -> dict[str, Any]:
    """Take a question out of the meeting's list, saying why (the facilitation team reads the reason)."""
    room, settings, question = _moderate(actor, room_id, question_id)
    _unmerged(question)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the question is hidden."))
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(_("The reason is too long (at most %(max)d characters).") % {"max": MAX_REASON_CHARS})
    was_visible = question.is_visible
    question.status = Status.HIDDEN
    question.hidden_reason = reason
    question.save(update_fields=["status", "hidden_reason"])
    _unshow_if(settings, question)
    _log(actor, room, "hide", question, reason=reason)
    _announce(question, was_visible=was_visible)
    return {"question_id": question.pk, "status": question.status}


@transaction.atomic
def question_shortlist(*, actor: User, room_id: int, question_id: int, shortlisted: bool = True) -> dict[str, Any]:
    room, _settings, question = _moderate(actor, room_id, question_id)
    _unmerged(question)
    if question.shortlisted != shortlisted:
        question.shortlisted = shortlisted
        question.save(update_fields=["shortlisted"])
        _log(actor, room, "shortlist" if shortlisted else "unshortlist", question)
        _announce(question, was_visible=question.is_visible)
    return {"question_id": question.pk, "shortlisted": question.shortlisted}


@transaction.atomic
def question_mark_answered(*, actor: User, room_id: int, question_id: int, answered: bool = True) -> dict[str, Any]:
    """Answered questions stay visible, apart; `answered=False` puts one back among the open ones."""
    room, _settings, question = _moderate(actor, room_id, question_id)
    if not question.is_visible:
        raise InvalidInput(_("Approve the question before marking it answered."))
    status = Status.ANSWERED if answered else Status.APPROVED
    if question.status != status:
        question.status = status
        question.answered_at = timezone.now() if answered else None
        question.save(update_fields=["status", "answered_at"])
        _log(actor, room, "answer" if answered else "unanswer", question)
        _announce(question, was_visible=True)
    return {"question_id": question.pk, "status": question.status}


@transaction.atomic
def question_merge(*, actor: User, room_id: int, question_id: int, into_id: int) -> dict[str, Any]:
    """Fold a duplicate into another question: its upvotes follow, one per person."""
    room, settings, question = _moderate(actor, room_id, question_id)
    if into_id == question_id:
        raise InvalidInput(_("A question cannot be merged into itself."))
    target = _question(room, into_id)
    _unmerged(question)
    _unmerged(target)
    was_visible = question.is_visible
    voters = Upvote.objects.filter(question=target).values("user_id")
    Upvote.objects.filter(question=question).exclude(user_id__in=voters).update(question=target)
    Upvote.objects.filter(question=question).delete()  # those who had upvoted both count once
    Question.objects.filter(merged_into=question).update(merged_into=target)
    question.status = Status.MERGED
    question.merged_into = target
    question.shortlisted = False
    question.save(update_fields=["status", "merged_into", "shortlisted"])
    _unshow_if(settings, question)
    _log(actor, room, "merge", question, details={"into": target.pk})
    _announce(question, was_visible=was_visible)
    _announce(target, was_visible=target.is_visible)
    return {"question_id": question.pk, "into_id": target.pk, "votes": target.upvotes.count()}


@transaction.atomic
def question_show(*, actor: User, room_id: int, question_id: int) -> dict[str, Any]:
    """Put a visible question on the projector (one at a time per meeting)."""
    room, settings, question = _moderate(actor, room_id, question_id)
    if not question.is_visible:
        raise InvalidInput(_("Only a question the meeting can see can be shown on the screen."))
    if settings.shown_id != question.pk:
        settings.shown = question
        settings.save(update_fields=["shown"])
        _log(actor, room, "show", question)
        send_event_on_commit(meeting_group(room.pk), events.SHOWN_CHANGED, selectors.shown_payload(settings))
    return {"question_id": question.pk}


@transaction.atomic
def question_unshow(*, actor: User, room_id: int) -> dict[str, Any]:
    room, settings = _meeting(actor, room_id, MODERATE)
    if settings.shown_id is not None:
        _log(actor, room, "unshow", settings.shown)
        settings.shown = None
        settings.save(update_fields=["shown"])
        send_event_on_commit(meeting_group(room.pk), events.SHOWN_CHANGED, selectors.shown_payload(settings))
    return {}


@transaction.atomic
def qa_configure(
    *,
    actor: User,
    room_id: int,
    open: bool | None = None,  # the field's name in the protocol
    moderated: bool | None = None,
    anonymous_allowed: bool | None = None,
) -> dict[str, Any]:
    """Open or close the questions, moderate them or not, allow anonymous ones or not (left out: unchanged)."""
    room, settings = _meeting(actor, room_id, MODERATE)
    changes = {
        field: value
        for field, value in (("is_open", open), ("moderated", moderated), ("anonymous_allowed", anonymous_allowed))
        if value is not None and getattr(settings, field) != value
    }
    if changes:
        for field, value in changes.items():
            setattr(settings, field, value)
        settings.save(update_fields=list(changes))
        _log(actor, room, "configure", details=changes)
        send_event_on_commit(meeting_group(room.pk), events.SETTINGS_CHANGED, selectors.settings_payload(settings))
    return selectors.settings_payload(settings)
