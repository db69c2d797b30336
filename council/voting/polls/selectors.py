"""Reads of live polls: tallies, what each screen shows, the snapshot's section.

A tally carries counts only: who answered what never leaves the database.
"""

from typing import Any

from django.urls import reverse

from council.accounts.models import User
from council.core.memo import recall
from council.core.process_cache import room_view
from council.rooms import agenda_links
from council.rooms.models import Room
from council.verifications.requirements import requirement_of
from council.voting.polls.models import Answer
from council.voting.polls.models import Poll
from council.voting.polls.permissions import MANAGE_POLL
from council.voting.polls.permissions import SEE_RESULTS

POLLS_OF = room_view("polls_of")  # kept across arrival waves (council/core/process_cache.py)


def tally(poll: Poll) -> dict[str, Any]:
    """The poll's results as they stand: a count per option and its share of the respondents.

    Ranking counts points (Borda: with n options, n - 1 for a first place … 0 for a last), the
    share being of the most points an option could get. A scale also gives its mean.
    """
    values = list(Answer.objects.filter(poll=poll).values_list("value", flat=True))
    labels = poll.labels()
    counts = [0] * len(labels)
    mean = None
    if poll.kind == Poll.Kind.SCALE:
        for value in values:
            counts[value - poll.scale_min] += 1
        mean = round(sum(values) / len(values), 2) if values else None
    elif poll.kind == Poll.Kind.RANKING:
        for order in values:
            for place, option in enumerate(order):
                counts[option] += len(labels) - 1 - place
    else:
        for chosen in values:
            for option in chosen:
                counts[option] += 1
    most = len(values) * (len(labels) - 1) if poll.kind == Poll.Kind.RANKING else len(values)
    return {
        "poll_id": poll.pk,
        "respondents": len(values),
        "method": "points" if poll.kind == Poll.Kind.RANKING else "count",
        "rows": [
            {"label": label, "count": count, "percent": round(100 * count / most) if most else 0}
            for label, count in zip(labels, counts, strict=True)
        ],
        "mean": mean,
    }


def results_of(poll: Poll) -> dict[str, Any]:
    """The final result stored at closing, or the live tally."""
    return poll.result if poll.status == Poll.Status.CLOSED and poll.result else tally(poll)


def poll_link(poll: Poll) -> str:
    return reverse("poll-phone", args=[poll.code])


def agenda_titles(room_id: int) -> dict[int, str]:
    """The meeting's agenda items' titles by id (asked of the host's registry, read once per unit of work)."""
    return {item.id: item.title for item in agenda_links.items(room_id)}


def poll_view(
    poll: Poll, *, results: dict[str, Any] | None = None, my_answer: Any = None, titles: dict[int, str] | None = None
) -> dict[str, Any]:
    """A poll as screens show it (results only where the rule lets this audience see them).

    `agenda_title` is its agenda item's title, None when it has none or the item is unknown
    (deleted since); `titles` spares reading the agenda again for each poll of a list.
    """
    if poll.agenda_item is not None and titles is None:
        titles = agenda_titles(poll.room_id)
    return {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "options": list(poll.options),
        "min_choices": poll.min_choices,
        "max_choices": poll.max_choices,
        "scale_min": poll.scale_min,
        "scale_max": poll.scale_max,
        "scale_min_label": poll.scale_min_label,
        "scale_max_label": poll.scale_max_label,
        "visibility": poll.visibility,
        "allow_anonymous": poll.allow_anonymous,
        "status": poll.status,
        "position": poll.position,
        "label": poll.label,
        "agenda_item": poll.agenda_item,
        "agenda_title": (titles or {}).get(poll.agenda_item) if poll.agenda_item is not None else None,
        "verification_requirement": requirement_of(poll).as_json(),
        "link": poll_link(poll),
        "results": results,
        "my_answer": my_answer,
    }


def polls_of(room_id: int) -> list[Poll]:
    return list(Poll.objects.filter(room_id=room_id).select_related("room__council").order_by("position", "pk"))


def agenda_view(room_id: int) -> list[dict[str, Any]]:
    """The meeting's agenda items, for facilitators to attach a poll to one and launch those of the current item."""
    return [item.to_dict() for item in agenda_links.items(room_id)]


def polls_list_payload(room_id: int) -> dict[str, Any]:
    """Every poll of the meeting, drafts included (the facilitators' group only), without results,
    and the agenda's items (the current one marked)."""
    agenda = agenda_view(room_id)
    titles = {item["id"]: item["title"] for item in agenda}
    return {"room_id": room_id, "polls": [poll_view(poll, titles=titles) for poll in polls_of(room_id)], "agenda": agenda}


def agenda_attachments(room_id: int) -> dict[int, list[agenda_links.Attachment]]:
    """The polls attached to the meeting's agenda items that everyone may see (launched), by item."""
    attached: dict[int, list[agenda_links.Attachment]] = {}
    for poll in recall((POLLS_OF, room_id), lambda: polls_of(room_id)):
        if poll.agenda_item is not None and poll.status != Poll.Status.DRAFT:
            attached.setdefault(poll.agenda_item, []).append(
                agenda_links.Attachment(kind="poll", id=poll.pk, title=poll.question, status=poll.status)
            )
    return attached


def open_poll_public(poll: Poll) -> dict[str, Any]:
    """The open poll as the whole meeting receives it: results only when they are live."""
    results = tally(poll) if poll.visibility == Poll.Visibility.LIVE else None
    return {"poll": poll_view(poll, results=results)}


def closed_poll_payload(poll: Poll) -> dict[str, Any]:
    return {"poll": poll_view(poll, results=results_of(poll))}


def my_answer(poll: Poll, user: User) -> Any:
    return Answer.objects.filter(poll=poll, user=user).values_list("value", flat=True).first()


def polls_section(user: User, room: Room) -> dict[str, Any]:
    """The snapshot's `polls`: the meeting's open poll with my answer, its closed polls, and drafts
    for those who manage polls (asked of the rule for this person)."""
    plenary_id = room.parent_id or room.pk
    polls = recall((POLLS_OF, plenary_id), lambda: polls_of(plenary_id))  # once for a wave's crowd
    plenary = room.parent if room.parent_id else room
    # the rule asks a poll of the meeting: one unsaved probe for the wave's crowd, not one each
    can_manage = bool(user.has_perm(MANAGE_POLL, recall(("poll_probe", plenary_id), lambda: Poll(room=plenary))))
    open_poll = next((poll for poll in polls if poll.status == Poll.Status.OPEN), None)
    # the agenda is read only when a poll is attached to an item, or for those who attach them
    agenda = agenda_view(plenary_id) if can_manage or any(poll.agenda_item is not None for poll in polls) else []
    titles = {item["id"]: item["title"] for item in agenda}
    section: dict[str, Any] = {
        "room_id": plenary_id,
        "can_manage": can_manage,
        "open": None,
        "closed": [
            poll_view(poll, results=results_of(poll), titles=titles) for poll in polls if poll.status == Poll.Status.CLOSED
        ],
        "drafts": [poll_view(poll, titles=titles) for poll in polls if poll.status == Poll.Status.DRAFT]
        if can_manage
        else None,
        "agenda": agenda if can_manage else None,
    }
    if open_poll is not None:
        may_see = user.has_perm(SEE_RESULTS, open_poll)
        results = recall(("poll_tally", open_poll.pk), lambda: tally(open_poll)) if may_see else None
        section["open"] = poll_view(open_poll, results=results, my_answer=my_answer(open_poll, user), titles=titles)
    return section
