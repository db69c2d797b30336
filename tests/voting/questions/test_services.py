"""The Q&A's services called directly: merging, toggling, limits, refusals in words."""

import pytest
from django.utils import translation

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.voting.questions import selectors
from council.voting.questions import services
from council.voting.questions.models import ModerationEntry
from council.voting.questions.models import Question
from council.voting.questions.models import Upvote

pytestmark = pytest.mark.django_db


def _ask(person, room, text="Quand la rue Voltaire sera-t-elle refaite ?", **extra):
    return services.question_ask(actor=person, room_id=room.pk, text=text, **extra)["question_id"]


def _votes(question_id):
    return Upvote.objects.filter(question_id=question_id).count()


def test_merge_keeps_upvotes_and_counts_each_person_once(room, facilitator, user_with_role):
    voters = [user_with_role("resident", room.council) for _ in range(3)]
    duplicate = _ask(voters[0], room, "Et la piste cyclable ?")
    kept = _ask(voters[1], room, "Quand aura-t-on une piste cyclable ?")
    both, only_duplicate, only_kept = voters
    for person, question_id in ((both, duplicate), (both, kept), (only_duplicate, duplicate), (only_kept, kept)):
        services.question_upvote(actor=person, room_id=room.pk, question_id=question_id)

    result = services.question_merge(actor=facilitator, room_id=room.pk, question_id=duplicate, into_id=kept)

    assert result == {"question_id": duplicate, "into_id": kept, "votes": 3}
    assert set(Upvote.objects.filter(question_id=kept).values_list("user_id", flat=True)) == {p.pk for p in voters}
    merged = Question.objects.get(pk=duplicate)
    assert (merged.status, merged.merged_into_id) == ("merged", kept)
    assert [q["id"] for q in selectors.votes_payload(room.pk)["votes"]] == [kept]
    assert ModerationEntry.objects.filter(action="merge", question_id=duplicate, actor=facilitator).exists()
    with pytest.raises(InvalidInput):  # a merged question is not merged again, nor supported
        services.question_upvote(actor=only_kept, room_id=room.pk, question_id=duplicate)


def test_upvote_is_a_toggle_counted_once(room, alice, bob):
    question_id = _ask(alice, room)

    first = services.question_upvote(actor=bob, room_id=room.pk, question_id=question_id)
    again = services.question_upvote(actor=bob, room_id=room.pk, question_id=question_id)
    assert (first["votes"], again["votes"], again["voted"]) == (1, 1, True)
    services.question_unvote(actor=bob, room_id=room.pk, question_id=question_id)
    gone = services.question_unvote(actor=bob, room_id=room.pk, question_id=question_id)
    assert (gone["votes"], gone["voted"]) == (0, False)


def test_text_limits_are_told_in_words(room, alice):
    with pytest.raises(InvalidInput, match="Write your question first"):
        _ask(alice, room, "   \n ")
    with pytest.raises(InvalidInput, match=r"too long \(501 characters; at most 500\)"):
        _ask(alice, room, "x" * 501)
    question_id = _ask(alice, room, "  " + "é" * 500 + "  ")  # the spaces around are not counted

    assert Question.objects.get(pk=question_id).text == "é" * 500
    with translation.override("fr"), pytest.raises(InvalidInput) as too_long:
        _ask(alice, room, "x" * 600)
    assert too_long.value.message == "La question est trop longue (600 caractères\u00a0; 500 au plus)."


def test_closed_and_anonymous_settings_refuse_in_words(room, facilitator, alice):
    services.qa_configure(actor=facilitator, room_id=room.pk, anonymous_allowed=False)
    with pytest.raises(InvalidInput, match="Anonymous questions are not allowed"):
        _ask(alice, room, anonymous=True)

    services.qa_configure(actor=facilitator, room_id=room.pk, open=False)
    with pytest.raises(InvalidInput, match="Questions are closed"):
        _ask(alice, room)
    assert Question.objects.count() == 0
    assert ModerationEntry.objects.filter(action="configure").count() == 2


def test_a_resident_cannot_moderate_and_is_told_so(room, alice, bob):
    question_id = _ask(alice, room)

    for moderate, extra in (
        (services.question_hide, {"reason": "hors sujet"}),
        (services.question_approve, {}),
        (services.question_show, {}),
        (services.question_mark_answered, {}),
    ):
        with pytest.raises(AccessDenied) as refused:
            moderate(actor=bob, room_id=room.pk, question_id=question_id, **extra)
        assert refused.value.message == "Only the meeting's facilitation team can moderate the questions."
    with pytest.raises(InvalidInput, match="only your own"):
        services.question_withdraw(actor=bob, room_id=room.pk, question_id=question_id)


def test_hiding_the_shown_question_takes_it_off_the_screen(room, facilitator, alice):
    question_id = _ask(alice, room)
    services.question_show(actor=facilitator, room_id=room.pk, question_id=question_id)

    services.question_hide(actor=facilitator, room_id=room.pk, question_id=question_id, reason="Hors sujet")

    assert selectors.qa_settings(room.pk).shown_id is None
    entry = ModerationEntry.objects.get(action="hide")
    assert (entry.actor, entry.reason) == (facilitator, "Hors sujet")
    with pytest.raises(InvalidInput, match="Only a question the meeting can see"):
        services.question_show(actor=facilitator, room_id=room.pk, question_id=question_id)
