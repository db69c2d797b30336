"""The consultation's services: what residents and moderators change, what is refused and why, what is announced."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.db import transaction

from council.accounts.models import User
from council.consultation import moderation
from council.consultation import services
from council.consultation.models import Comment
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.consultation.models import Follow
from council.consultation.models import PhaseKind
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.segments import compile_rule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _events(captured):
    return [(group, message["type"], message["payload"]) for group, message in captured]


# -- submitting


def test_a_resident_submits_and_everyone_following_hears_it(consultation, resident, captured_events, django_capture_on_commit_callbacks):
    category = consultation.categories.get(name="Mobilité")

    with django_capture_on_commit_callbacks(execute=True):
        contribution = services.contribution_submit(
            actor=resident, consultation_id=consultation.pk, title="  Une piste cyclable ",
            body="Rue Nationale,\njusqu'à la gare.", category_id=category.pk, latitude=50.63, longitude=3.06,
        )

    ((group, event_type, payload),) = _events(captured_events)
    assert (group, event_type) == (f"consultation.{consultation.pk}", "consultation.contribution_published")
    assert payload["id"] == contribution.pk
    assert (payload["title"], payload["body"], payload["category"]) == ("Une piste cyclable", "Rue Nationale,\njusqu'à la gare.", "Mobilité")
    assert (payload["latitude"], payload["longitude"], payload["endorsements"], payload["comments"]) == (50.63, 3.06, 0, 0)
    assert payload["author"] == resident.public_name
    assert payload["status"] == "published"
    assert Follow.objects.filter(contribution=contribution, user=resident).exists()


@pytest.mark.parametrize(
    ("phase", "reason"),
    [
        (None, "Contributions open on "),
        (PhaseKind.INFORMATION, "Contributions open on "),
        (PhaseKind.QUESTIONNAIRE, "Contributions are closed."),
        (PhaseKind.RESULTS, "Contributions are closed."),
    ],
)
def test_outside_the_contributions_phase_a_submit_is_refused_with_the_reason(
    phase, reason, make_consultation, submit, django_capture_on_commit_callbacks
):
    consultation = make_consultation(phase=phase)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(AccessDenied) as refused:
        submit(consultation)

    assert refused.value.message.startswith(reason)
    assert not Contribution.objects.exists()
    assert callbacks == []


def test_someone_outside_the_groups_is_refused_with_the_groups_named(council, make_consultation, submit, resident, user_with_role):
    group = NeighbourhoodGroup.objects.create(council=council, name="Riverains de la place")
    inside = user_with_role("resident", council)
    Membership.objects.create(group=group, user=inside, status=Membership.Status.ACTIVE)
    consultation = make_consultation(groups=[group])

    with pytest.raises(AccessDenied) as refused:
        submit(consultation, actor=resident)
    submit(consultation, actor=inside)

    assert refused.value.message == "This consultation is open only to these groups: Riverains de la place."
    assert list(Contribution.objects.values_list("author", flat=True)) == [inside.pk]


def test_an_outsider_is_told_to_join_the_council(consultation, submit):
    with pytest.raises(AccessDenied) as refused:
        submit(consultation, actor=UserFactory())

    assert refused.value.message == "Only the council's residents take part: join the council first."


def test_a_draft_consultation_takes_no_contribution(make_consultation, submit):
    consultation = make_consultation(published=False)

    with pytest.raises(AccessDenied) as refused:
        submit(consultation)

    assert refused.value.message == "This consultation is not published yet."
    assert not Contribution.objects.exists()


def test_a_double_submit_creates_one_contribution(consultation, submit):
    first = submit(consultation, request_id="form-7f3a")
    second = submit(consultation, request_id="form-7f3a", title="Autre titre")
    third = submit(consultation, request_id="form-8000")

    assert first.pk == second.pk != third.pk
    assert Contribution.objects.count() == 2


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("   ", "Du texte", "Give your contribution a title."),
        ("Titre", "", "Write your contribution."),
        ("T" * 151, "Du texte", "The title is too long (151 characters; at most 150)."),
    ],
)
def test_empty_or_too_long_text_is_refused(consultation, submit, title, body, message):
    with pytest.raises(InvalidInput) as refused:
        submit(consultation, title=title, body=body)

    assert refused.value.message == message


def test_a_category_of_another_consultation_or_half_a_point_is_refused(make_consultation, consultation, submit):
    other = make_consultation(title="Autre")

    with pytest.raises(InvalidInput):
        submit(consultation, category_id=other.categories.first().pk)
    with pytest.raises(InvalidInput):
        submit(consultation, latitude=50.6)

    assert not Contribution.objects.exists()


# -- editing and withdrawing


def test_its_author_edits_within_the_window_only(consultation, submit, resident, user_with_role):
    contribution = submit(consultation)
    other = user_with_role("resident", consultation.council)

    services.contribution_edit(actor=resident, contribution_id=contribution.pk, title="Plus d'arbres, vite", body="Des chênes.")
    with pytest.raises(AccessDenied):
        services.contribution_edit(actor=other, contribution_id=contribution.pk, title="Volé", body="Volé")
    Contribution.objects.filter(pk=contribution.pk).update(created_at=contribution.created_at - timedelta(minutes=61))
    with pytest.raises(AccessDenied) as late:
        services.contribution_edit(actor=resident, contribution_id=contribution.pk, title="Trop tard", body="Trop tard")

    contribution.refresh_from_db()
    assert (contribution.title, contribution.body) == ("Plus d'arbres, vite", "Des chênes.")
    assert contribution.edited_at is not None
    assert late.value.message == "This contribution can no longer be changed."


def test_withdrawing_removes_it_from_every_page(consultation, submit, resident, captured_events, django_capture_on_commit_callbacks):
    contribution = submit(consultation)

    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_withdraw(actor=resident, contribution_id=contribution.pk)

    assert not Contribution.objects.visible().exists()
    assert _events(captured_events) == [
        (f"consultation.{consultation.pk}", "consultation.contribution_removed",
         {"consultation_id": consultation.pk, "id": contribution.pk, "why": "withdrawn", "merged_into": None}),
    ]


# -- endorsing


def test_endorsing_twice_counts_once_and_unendorsing_is_idempotent(consultation, submit, resident, moderator):
    contribution = submit(consultation)

    first = services.contribution_endorse(actor=moderator, contribution_id=contribution.pk)
    again = services.contribution_endorse(actor=moderator, contribution_id=contribution.pk)
    services.contribution_endorse(actor=resident, contribution_id=contribution.pk)
    removed = services.contribution_unendorse(actor=moderator, contribution_id=contribution.pk)
    removed_again = services.contribution_unendorse(actor=moderator, contribution_id=contribution.pk)

    assert (first["endorsements"], again["endorsements"]) == (1, 1)
    assert (removed["endorsements"], removed_again["endorsements"]) == (1, 1)
    assert list(Endorsement.objects.values_list("user", flat=True)) == [resident.pk]


def test_the_database_refuses_a_second_endorsement(consultation, submit, resident):
    contribution = submit(consultation)
    Endorsement.objects.create(contribution=contribution, user=resident)

    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(contribution=contribution, user=resident)


@pytest.mark.parametrize(("latitude", "longitude"), [(91, 0), (-90.5, 0), (0, -181), (0, 180.5), (45, None), (None, 4)])
def test_the_database_refuses_a_place_off_earth_or_by_half(consultation, submit, latitude, longitude):
    contribution = submit(consultation)

    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.filter(pk=contribution.pk).update(latitude=latitude, longitude=longitude)
    Contribution.objects.filter(pk=contribution.pk).update(latitude=90, longitude=-180)  # the edge is on Earth


def test_endorsing_goes_on_during_the_questionnaire_but_not_after(make_consultation, resident):
    def idea_in(phase):
        consultation = make_consultation(phase=phase, title=phase)
        return Contribution.objects.create(consultation=consultation, author=resident, title="Idée", body="Texte")

    during, after = idea_in(PhaseKind.QUESTIONNAIRE), idea_in(PhaseKind.RESULTS)

    services.contribution_endorse(actor=resident, contribution_id=during.pk)
    with pytest.raises(AccessDenied) as refused:
        services.contribution_endorse(actor=resident, contribution_id=after.pk)

    assert list(Endorsement.objects.values_list("contribution", flat=True)) == [during.pk]
    assert refused.value.message == "Comments and support are closed."


# -- comments and reports


def test_comments_and_replies_are_threaded_and_announced(consultation, submit, resident, moderator, captured_events, django_capture_on_commit_callbacks):
    contribution = submit(consultation)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.comment_post(actor=moderator, contribution_id=contribution.pk, body="Bonne idée", stance="for")
        reply = services.comment_post(actor=resident, contribution_id=contribution.pk, body="Merci !", parent_id=first.pk)

    assert (reply.parent_id, reply.depth) == (first.pk, 1)
    (_group, event_type, payload) = _events(captured_events)[-1]
    assert event_type == "consultation.comment_posted"
    assert payload["comments"] == 2
    assert payload["comment"]["parent_id"] == first.pk
    assert payload["comment"]["stance"] == "neutral"


def test_a_thread_stops_at_its_depth_and_a_double_post_comments_once(consultation, submit, resident):
    contribution = submit(consultation)
    parent = None
    for _ in range(4):
        parent = services.comment_post(
            actor=resident, contribution_id=contribution.pk, body="Et alors ?", parent_id=parent and parent.pk
        )

    with pytest.raises(InvalidInput):
        services.comment_post(actor=resident, contribution_id=contribution.pk, body="Trop loin", parent_id=parent.pk)
    again = services.comment_post(actor=resident, contribution_id=contribution.pk, body="Un", request_id="c1")
    twice = services.comment_post(actor=resident, contribution_id=contribution.pk, body="Un", request_id="c1")

    assert again.pk == twice.pk
    assert Comment.objects.count() == 5


def test_a_report_is_kept_once_per_person(consultation, submit, moderator):
    contribution = submit(consultation)

    services.content_report(actor=moderator, contribution_id=contribution.pk, reason="spam")
    services.content_report(actor=moderator, contribution_id=contribution.pk, reason="offensive")

    assert contribution.reports.count() == 1
    with pytest.raises(InvalidInput):
        services.content_report(actor=moderator, contribution_id=contribution.pk, reason="because")


# -- moderation


def test_only_moderators_moderate(consultation, submit, resident):
    contribution = submit(consultation)

    with pytest.raises(AccessDenied):
        moderation.contribution_hide(actor=resident, contribution_id=contribution.pk, reason="Hors sujet")

    contribution.refresh_from_db()
    assert contribution.is_visible


def test_hiding_says_why_and_removes_it_live(consultation, submit, moderator, captured_events, django_capture_on_commit_callbacks):
    contribution = submit(consultation)

    with pytest.raises(InvalidInput):
        moderation.contribution_hide(actor=moderator, contribution_id=contribution.pk, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_hide(actor=moderator, contribution_id=contribution.pk, reason="Propos injurieux")

    contribution.refresh_from_db()
    assert (contribution.hidden, contribution.hidden_reason) == (True, "Propos injurieux")
    ((_group, event_type, payload),) = _events(captured_events)
    assert (event_type, payload["why"]) == ("consultation.contribution_removed", "hidden")
    assert "Propos injurieux" not in str(payload)


def test_an_official_answer_and_a_status_are_announced(consultation, submit, moderator, captured_events, django_capture_on_commit_callbacks):
    contribution = submit(consultation)

    with pytest.raises(InvalidInput) as no_reason:
        moderation.contribution_set_status(actor=moderator, contribution_id=contribution.pk, status="rejected")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_answer(actor=moderator, contribution_id=contribution.pk, answer="La mairie étudie le tracé.")
        moderation.contribution_set_status(actor=moderator, contribution_id=contribution.pk, status="rejected", reason="Trop cher.")

    contribution.refresh_from_db()
    assert (contribution.answer, contribution.answered_by, contribution.status, contribution.status_reason) == (
        "La mairie étudie le tracé.", moderator, "rejected", "Trop cher."
    )
    assert no_reason.value.message == "Say why the contribution is rejected."
    payloads = [payload for _g, event_type, payload in _events(captured_events) if event_type == "consultation.contribution_changed"]
    assert [(p["answer"], p["status"]) for p in payloads] == [
        ("La mairie étudie le tracé.", "published"), ("La mairie étudie le tracé.", "rejected")
    ]


def test_merging_moves_endorsements_once_per_person_and_the_comments(consultation, submit, resident, moderator, user_with_role, captured_events, django_capture_on_commit_callbacks):
    both, only_duplicate = (user_with_role("resident", consultation.council) for _ in range(2))
    duplicate = submit(consultation, title="Des arbres")
    target = submit(consultation, title="Plus d'arbres", actor=both)
    for person in (both, only_duplicate):
        services.contribution_endorse(actor=person, contribution_id=duplicate.pk)
    services.contribution_endorse(actor=both, contribution_id=target.pk)
    services.comment_post(actor=moderator, contribution_id=duplicate.pk, body="Doublon ?")
    earlier = submit(consultation, title="Arbres", actor=only_duplicate)
    moderation.contribution_merge(actor=moderator, contribution_id=earlier.pk, into_id=duplicate.pk)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_merge(actor=moderator, contribution_id=duplicate.pk, into_id=target.pk)

    assert sorted(Endorsement.objects.filter(contribution=target).values_list("user", flat=True)) == sorted([both.pk, only_duplicate.pk])
    assert not Endorsement.objects.filter(contribution=duplicate).exists()
    assert list(Comment.objects.values_list("contribution", flat=True)) == [target.pk]
    assert Contribution.objects.get(pk=earlier.pk).merged_into_id == target.pk
    assert list(Contribution.objects.visible().values_list("pk", flat=True)) == [target.pk]
    types = [(event_type, payload["id"]) for _g, event_type, payload in _events(captured_events)]
    assert types == [("consultation.contribution_removed", duplicate.pk), ("consultation.contribution_changed", target.pk)]
    changed = _events(captured_events)[1][2]
    assert (changed["endorsements"], changed["comments"]) == (2, 1)
    with pytest.raises(InvalidInput):
        moderation.contribution_merge(actor=moderator, contribution_id=target.pk, into_id=target.pk)


def test_hiding_a_comment_keeps_its_replies(consultation, submit, resident, moderator, captured_events, django_capture_on_commit_callbacks):
    contribution = submit(consultation)
    comment = services.comment_post(actor=resident, contribution_id=contribution.pk, body="Insulte")
    reply = services.comment_post(actor=moderator, contribution_id=contribution.pk, body="Restons courtois", parent_id=comment.pk)

    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_hide(actor=moderator, comment_id=comment.pk, reason="Insulte")

    assert Comment.objects.get(pk=reply.pk).hidden is False
    assert _events(captured_events)[-1][1:] == (
        "consultation.comment_hidden",
        {"consultation_id": consultation.pk, "contribution_id": contribution.pk, "comment_id": comment.pk, "comments": 1},
    )


# -- segments


def test_a_segment_targets_those_who_took_part(council, consultation, make_consultation, submit, resident, moderator, user_with_role):
    contribution = submit(consultation)
    commenter, supporter, idle = (user_with_role("resident", council) for _ in range(3))
    services.comment_post(actor=commenter, contribution_id=contribution.pk, body="Oui")
    services.contribution_endorse(actor=supporter, contribution_id=contribution.pk)
    elsewhere = make_consultation(title="Autre")
    submit(elsewhere, actor=idle)

    rule = {"field": "took_part_in_consultation", "op": "in", "value": [consultation.pk]}
    matched = set(User.objects.filter(compile_rule(council, rule)).values_list("pk", flat=True))

    assert matched == {resident.pk, commenter.pk, supporter.pk}
