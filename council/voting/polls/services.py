"""Writes of live polls: prepare, launch, answer, close. Each is committed before it is told.

Facilitators act on the polls of their meeting's plenary room (`room_id`); everything that
only they may see goes to the meeting's facilitators' group. Answers are committed before
the ack; their tallies are broadcast coalesced (council/voting/polls/live.py), never one per
answer, and the final result goes to everyone at closing.
"""

from typing import Any
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import connection
from django.db import transaction
from django.db.models import Field
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.accounts.models import User
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.core.realtime import send_state_on_commit
from council.rooms import agenda_links
from council.rooms.events import facilitators_group
from council.rooms.events import meeting_group
from council.rooms.permissions import access_room
from council.verifications.requirements import offered_requirement
from council.verifications.schemas import RequirementPayload
from council.voting.polls import events
from council.voting.polls import selectors
from council.voting.polls.models import YES_NO
from council.voting.polls.models import Answer
from council.voting.polls.models import Poll
from council.voting.polls.permissions import ANSWER_POLL
from council.voting.polls.permissions import MANAGE_POLL
from council.voting.polls.permissions import access_poll
from council.voting.polls.schemas import MAX_OPTIONS
from council.voting.polls.schemas import AnswerValue

MAX_QUESTION_CHARS = 300
MAX_OPTION_CHARS = 200
MAX_LABEL_CHARS = 60
MAX_SCALE_STEPS = 11  # 0 to 10 at most
UNCHANGED: Any = object()

EDITABLE = (
    "question", "kind", "options", "min_choices", "max_choices", "scale_min", "scale_max",
    "scale_min_label", "scale_max_label", "visibility", "allow_anonymous", "label", "position", "agenda_item",
)


def _polls_changed(room_id: int) -> None:
    """The facilitators see every poll again, as committed (drafts included)."""
    send_state_on_commit(facilitators_group(room_id), events.POLLS_CHANGED, lambda: selectors.polls_list_payload(room_id))


def _check_agenda_item(poll: Poll, fields: dict[str, Any]) -> None:
    """An item chosen now must be on this meeting's agenda (an item deleted since may stay unchanged)."""
    if fields.get("agenda_item") is not None and agenda_links.item(poll.room_id, poll.agenda_item) is None:
        raise InvalidInput(_("There is no such item on this meeting's agenda."))


def agenda_changed(room_id: int) -> None:
    """The meeting's agenda changed (the current item, titles): the facilitators see the polls again."""
    _polls_changed(room_id)


def _attachment_changed(poll: Poll) -> None:
    if poll.agenda_item is not None:
        agenda_links.attachments_changed(poll.room_id)


def _set_requirement(poll: Poll, fields: dict[str, Any]) -> None:
    """The verifications answering requires, if the command names them: kinds the council offers."""
    value = fields.pop("verification_requirement", None)
    if value is None:
        return
    stored = RequirementPayload.model_validate(value).stored()  # the command's payload, dumped by arguments()
    try:
        poll.verification_requirement = offered_requirement(
            poll.room.council, stored, kept=poll.verification_requirement
        )
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error


def _check_definition(poll: Poll) -> None:
    """Refuse a poll that cannot be answered, saying what to change."""
    poll.question = poll.question.strip()
    if not poll.question:
        raise InvalidInput(_("The question is empty."))
    if len(poll.question) > MAX_QUESTION_CHARS:
        raise InvalidInput(_("The question is too long (at most %(max)d characters).") % {"max": MAX_QUESTION_CHARS})
    if len(poll.label) > MAX_LABEL_CHARS or max(len(poll.scale_min_label), len(poll.scale_max_label)) > MAX_LABEL_CHARS:
        raise InvalidInput(_("A label is too long (at most %(max)d characters).") % {"max": MAX_LABEL_CHARS})
    if poll.kind in (Poll.Kind.YES_NO, Poll.Kind.SCALE):
        poll.options = []
    else:
        poll.options = [option.strip() for option in poll.options]
        if not 2 <= len(poll.options) <= MAX_OPTIONS or not all(poll.options):
            raise InvalidInput(_("Give between 2 and %(max)d options, none of them empty.") % {"max": MAX_OPTIONS})
        if any(len(option) > MAX_OPTION_CHARS for option in poll.options):
            raise InvalidInput(_("An option is too long (at most %(max)d characters).") % {"max": MAX_OPTION_CHARS})
    if poll.kind == Poll.Kind.MULTIPLE:
        if not 1 <= poll.min_choices <= poll.max_choices <= len(poll.options):
            raise InvalidInput(
                _("The fewest and most choices must be between 1 and the number of options, the fewest first.")
            )
    else:
        poll.min_choices = poll.max_choices = 1
    if poll.kind == Poll.Kind.SCALE and not (
        poll.scale_min < poll.scale_max and poll.scale_max - poll.scale_min < MAX_SCALE_STEPS
    ):
        raise InvalidInput(_("A scale goes up from its lowest value, with at most 11 values."))


@transaction.atomic
def poll_create(*, actor: User, room_id: int, request_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """Prepare a poll (a draft) at the end of the meeting's list; a retried command creates it once."""
    room = access_room(actor, room_id, for_update=True)
    require_perm(actor, MANAGE_POLL, Poll(room=room))
    if request_id:
        existing = Poll.objects.filter(room=room, created_by=actor, client_request_id=request_id).first()
        if existing is not None:
            return {"poll_id": existing.pk, "duplicate": True}
    last = Poll.objects.filter(room=room).aggregate(last=Max("position"))["last"]
    poll = Poll(room=room, created_by=actor, client_request_id=request_id or "", position=(last or 0) + 1)
    _set_requirement(poll, fields)
    for name, value in fields.items():
        setattr(poll, name, value)
    _check_definition(poll)
    _check_agenda_item(poll, fields)
    poll.save()
    _polls_changed(room.pk)
    return {"poll_id": poll.pk, "duplicate": False}


@transaction.atomic
def poll_update(*, actor: User, room_id: int, poll_id: int, **fields: Any) -> dict[str, Any]:
    """Change a poll in preparation (an open or closed poll keeps what people answered to)."""
    poll = access_poll(actor, poll_id, room_id=room_id, perm=MANAGE_POLL, for_update=True)
    if poll.status != Poll.Status.DRAFT:
        raise InvalidInput(_("Only a poll in preparation can be changed."))
    _set_requirement(poll, fields)
    for name, value in fields.items():
        if name in EDITABLE:
            setattr(poll, name, value)
    _check_definition(poll)
    _check_agenda_item(poll, fields)
    poll.save()
    _polls_changed(poll.room_id)
    return {"poll_id": poll.pk}


@transaction.atomic
def poll_delete(*, actor: User, room_id: int, poll_id: int) -> dict[str, Any]:
    poll = access_poll(actor, poll_id, room_id=room_id, perm=MANAGE_POLL, for_update=True)
    if poll.status != Poll.Status.DRAFT:
        raise InvalidInput(_("Only a poll in preparation can be deleted; a closed poll stays with the meeting."))
    poll.delete()
    _polls_changed(room_id)
    return {"poll_id": poll_id}


@transaction.atomic
def poll_open(*, actor: User, room_id: int, poll_id: int) -> dict[str, Any]:
    """Launch a prepared poll: everyone in the meeting sees it at once."""
    access_room(actor, room_id, for_update=True)  # one launch at a time per room
    poll = access_poll(actor, poll_id, room_id=room_id, perm=MANAGE_POLL, for_update=True)
    if poll.status == Poll.Status.OPEN:
        return {"poll_id": poll.pk}  # a command re-sent after a lost ack: already done
    if poll.status != Poll.Status.DRAFT:
        raise InvalidInput(_("This poll has already been launched."))
    if Poll.objects.filter(room_id=room_id, status=Poll.Status.OPEN).exists():
        raise InvalidInput(_("Another poll is open: close it first."))
    poll.status, poll.opened_at = Poll.Status.OPEN, timezone.now()
    try:
        with transaction.atomic():
            poll.save(update_fields=["status", "opened_at"])
    except IntegrityError:  # the constraint: one open poll per room
        raise InvalidInput(_("Another poll is open: close it first.")) from None
    send_event_on_commit(meeting_group(room_id), events.POLL_OPENED, selectors.open_poll_public(poll))
    _polls_changed(room_id)
    _attachment_changed(poll)
    return {"poll_id": poll.pk}


@transaction.atomic
def poll_close(*, actor: User, room_id: int, poll_id: int) -> dict[str, Any]:
    """Close the poll and store its result; everyone gets the final result at once (not coalesced)."""
    poll = access_poll(actor, poll_id, room_id=room_id, perm=MANAGE_POLL, for_update=True)
    if poll.status == Poll.Status.CLOSED:
        return {"poll_id": poll.pk}  # a command re-sent after a lost ack: already done
    if poll.status != Poll.Status.OPEN:
        raise InvalidInput(_("This poll is not open."))
    poll.status, poll.closed_at = Poll.Status.CLOSED, timezone.now()
    poll.result = selectors.tally(poll)  # answers wait on the poll's row lock: none is left out
    poll.save(update_fields=["status", "closed_at", "result"])
    send_event_on_commit(meeting_group(room_id), events.POLL_CLOSED, selectors.closed_poll_payload(poll))
    _polls_changed(room_id)
    _attachment_changed(poll)
    return {"poll_id": poll.pk}


@transaction.atomic
def results_show(*, actor: User, room_id: int, poll_id: int, shown: bool = True) -> dict[str, Any]:
    """Put a poll's results full screen on every stage of the meeting (or take them down).

    Hidden results stay hidden until the poll closes, even from the projector.
    """
    poll = access_poll(actor, poll_id, room_id=room_id, perm=MANAGE_POLL)
    if poll.status == Poll.Status.DRAFT:
        raise InvalidInput(_("This poll has not been launched yet."))
    if shown and poll.status == Poll.Status.OPEN and poll.visibility == Poll.Visibility.HIDDEN:
        raise InvalidInput(_("The results of this poll are hidden until it closes."))
    payload = {"shown": shown, **selectors.closed_poll_payload(poll)}
    send_event_on_commit(meeting_group(room_id), events.RESULTS_SHOWN, payload)
    return {"poll_id": poll.pk}


def normalised(poll: Poll, answer: AnswerValue) -> Any:
    """The answer as stored, once it fits this poll; InvalidInput saying what does not."""
    if answer.kind != poll.kind:
        raise InvalidInput(_("This answer does not fit this poll; reload the page."))
    count = len(poll.options)
    if answer.kind == "single":
        if answer.choice >= count:
            raise InvalidInput(_("There is no such option."))
        return [answer.choice]
    if answer.kind == "multiple":
        chosen = sorted(set(answer.choices))
        if len(chosen) != len(answer.choices) or any(choice >= count for choice in chosen):
            raise InvalidInput(_("Each option can be chosen once, among those offered."))
        if len(chosen) < poll.min_choices:
            raise InvalidInput(
                ngettext("Choose at least %(count)d option.", "Choose at least %(count)d options.", poll.min_choices)
                % {"count": poll.min_choices}
            )
        if len(chosen) > poll.max_choices:
            raise InvalidInput(
                ngettext("Choose at most %(count)d option.", "Choose at most %(count)d options.", poll.max_choices)
                % {"count": poll.max_choices}
            )
        return chosen
    if answer.kind == "yes_no":
        return [YES_NO.index(answer.vote)]
    if answer.kind == "scale":
        if not poll.scale_min <= answer.value <= poll.scale_max:
            raise InvalidInput(
                _("Choose a value from %(min)d to %(max)d.") % {"min": poll.scale_min, "max": poll.scale_max}
            )
        return answer.value
    if sorted(answer.order) != list(range(count)):
        raise InvalidInput(_("Rank every option once."))
    return list(answer.order)


def _shared(**where: Any) -> Poll | None:
    """The poll, share-locked: answers go on side by side, and closing (FOR UPDATE) waits for them.

    Django has no FOR SHARE; SQLite (the embedded default) serialises writes anyway.
    """
    found = Poll.objects.filter(**where)
    if connection.vendor != "postgresql":
        return found.first()
    sql, params = found.query.sql_with_params()
    return next(iter(Poll.objects.raw(f"{sql} FOR SHARE", params)), None)


def answerable(poll: Poll) -> None:
    if poll.status != Poll.Status.OPEN:
        raise InvalidInput(_("This poll is closed: answers are no longer accepted."))


@transaction.atomic
def poll_answer(
    *, actor: User, room_id: int, poll_id: int, answer: AnswerValue, request_id: str | None = None
) -> dict[str, Any]:
    """Record (or change) this person's answer, committed before the ack; a retried command applies once.

    The poll's row is share-locked, so closing waits for answers under way and counts them.
    """
    poll = access_poll(actor, poll_id, room_id=room_id, perm=ANSWER_POLL)
    poll = _shared(pk=poll.pk) or poll
    answerable(poll)
    value = normalised(poll, answer)
    if not upsert_answers([(poll.pk, actor.pk, value, request_id or "")]):
        existing = Answer.objects.get(poll=poll, user=actor)
        return {"poll_id": poll.pk, "answer": existing.value, "duplicate": True}
    return {"poll_id": poll.pk, "answer": value, "duplicate": False}


def upsert_answers(rows: list[tuple[int, int, Any, str]]) -> set[tuple[int, int]]:
    """Insert or change answers (poll id, user id, value, request id) in one statement; the (poll, user) pairs applied.

    One round trip instead of a read, a locked read and an insert in savepoints: in a burst
    each query of an answer is paid a thousand times over (tests/voting/test_vote_cost.py).
    The row's unique constraint (one_answer_per_person) makes concurrent answers of one
    person a single row; an update whose request id is the one already applied changes
    nothing (a retry), and is not among the pairs returned. No pair twice in one call
    (PostgreSQL refuses to touch a row twice in a statement).
    """
    table = Answer._meta.db_table
    value_field = cast("Field[Any, Any]", Answer._meta.get_field("value"))
    now = cast("Field[Any, Any]", Answer._meta.get_field("updated_at")).get_db_prep_save(timezone.now(), connection)
    params: list[Any] = []
    for poll_id, user_id, value, request_id in rows:
        params += [poll_id, user_id, value_field.get_db_prep_save(value, connection), request_id, now]
    values = ", ".join(["(%s, %s, '', %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (poll_id, user_id, token, value, request_id, updated_at) VALUES {values}"  # noqa: S608 - names from the model
            " ON CONFLICT (poll_id, user_id) WHERE user_id IS NOT NULL DO UPDATE"
            " SET value = excluded.value, request_id = excluded.request_id, updated_at = excluded.updated_at"
            f" WHERE excluded.request_id = '' OR {table}.request_id <> excluded.request_id"
            " RETURNING poll_id, user_id",
            params,
        )
        return {(poll_id, user_id) for poll_id, user_id in cursor.fetchall()}


@transaction.atomic
def poll_answer_anonymous(*, token: str, code: str, answer: AnswerValue) -> Poll:
    """An anonymous phone's answer (one per token, changeable until closing), where the poll allows it."""
    poll = _shared(code=code, allow_anonymous=True)
    if poll is None or poll.verification_requirement:  # a phone without an account proves nothing
        raise InvalidInput(_("This poll does not take anonymous answers."))
    answerable(poll)
    value = normalised(poll, answer)
    Answer.objects.update_or_create(poll=poll, token=token, user=None, defaults={"value": value})
    return poll
