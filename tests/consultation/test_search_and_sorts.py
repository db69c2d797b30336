"""Search in the consultation's language, filters kept by the sorts, stored counters, paged threads."""

import re

import pytest
from django.urls import reverse

from council.accounts.services import account_delete
from council.consultation import moderation
from council.consultation import selectors
from council.consultation import services
from council.consultation.models import Contribution

pytestmark = pytest.mark.django_db


def _page(client, consultation, **query):
    return client.get(reverse("consultation-detail", args=[consultation.council.slug, consultation.pk]), query)


def _titles(response) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


def test_finds_words_in_their_other_forms_and_in_comments(client, consultation, submit, resident, make_consultation):
    submit(consultation, title="Des arbres rue Haute", body="Planter des platanes.")
    bench = submit(consultation, title="Des bancs", body="Pour s'asseoir.")
    submit(consultation, title="Un parking", body="Pour les voitures.")
    services.comment_post(actor=resident, contribution_id=bench.pk, body="Sous un arbre, ce serait mieux.")
    english = make_consultation(title="Our square", language="en")
    submit(english, title="More trees", body="Shade in summer.")
    submit(english, title="A fountain", body="Water.")

    french_found = _page(client, consultation, q="arbre")
    english_found = _page(client, english, q="tree")

    assert sorted(_titles(french_found)) == ["Des arbres rue Haute", "Des bancs"]
    assert _titles(english_found) == ["More trees"]
    assert re.search(r'role="status" id="search-count">2 contributions [^<]+<', french_found.content.decode())


def test_the_sorts_and_pages_keep_the_search_and_the_filters(client, consultation, submit):
    category = consultation.categories.get(name="Mobilité")
    for n in range(25):
        submit(consultation, title=f"Vélo {n}", body="Des pistes cyclables", category_id=category.pk)
    submit(consultation, title="Vélo sans catégorie", body="Des pistes cyclables")

    page = _page(client, consultation, q="piste cyclable", category=category.pk, sort="endorsed").content.decode()
    second = _page(client, consultation, q="piste cyclable", category=category.pk, sort="recent", page=2)

    query = f"q=piste+cyclable&amp;category={category.pk}"
    assert f'href="?sort=commented&amp;{query}"' in page
    assert f'href="?sort=endorsed&amp;{query}&amp;page=2"' in page
    assert len(_titles(second)) == 5
    assert "Vélo sans catégorie" not in _titles(second)


def test_the_counters_follow_support_comments_hiding_merging_and_deleted_accounts(consultation, submit, resident, moderator, user_with_role):
    idea, duplicate = submit(consultation, title="Idée"), submit(consultation, title="Doublon")
    supporters = [user_with_role("resident", consultation.council) for _ in range(3)]
    for person in supporters:
        services.contribution_endorse(actor=person, contribution_id=idea.pk)
    services.contribution_endorse(actor=supporters[0], contribution_id=idea.pk)  # twice: once
    services.contribution_endorse(actor=supporters[0], contribution_id=duplicate.pk)  # also supports the duplicate
    services.contribution_endorse(actor=resident, contribution_id=duplicate.pk)
    services.contribution_unendorse(actor=supporters[1], contribution_id=idea.pk)
    comments = [services.comment_post(actor=resident, contribution_id=duplicate.pk, body=f"Avis {n}") for n in range(3)]
    moderation.comment_hide(actor=moderator, comment_id=comments[0].pk, reason="Hors sujet")

    moderation.contribution_merge(actor=moderator, contribution_id=duplicate.pk, into_id=idea.pk)
    merged = Contribution.objects.get(pk=idea.pk)
    account_delete(user=supporters[2])
    after_deletion = Contribution.objects.get(pk=idea.pk)

    assert (merged.endorsement_count, merged.comment_count) == (3, 2)  # supporters 0 and 2, the resident; two visible comments
    assert after_deletion.endorsement_count == 2


def test_most_supported_and_most_commented_read_the_counters(consultation, submit, resident, user_with_role):
    _quiet, supported, discussed = (submit(consultation, title=t) for t in ("Calme", "Soutenue", "Discutée"))
    for person in (user_with_role("resident", consultation.council) for _ in range(2)):
        services.contribution_endorse(actor=person, contribution_id=supported.pk)
    for _ in range(2):
        services.comment_post(actor=resident, contribution_id=discussed.pk, body="Oui")

    endorsed = [c.title for c in selectors.contributions_sorted(consultation, sort="endorsed")]
    commented = [c.title for c in selectors.contributions_sorted(consultation, sort="commented")]

    assert endorsed == ["Soutenue", "Discutée", "Calme"]
    assert commented == ["Discutée", "Soutenue", "Calme"]


def test_a_long_thread_is_paged_with_the_replies_of_each_comment(client, consultation, submit, resident, django_assert_max_num_queries):
    idea = submit(consultation)
    roots = [services.comment_post(actor=resident, contribution_id=idea.pk, body=f"Avis {n}") for n in range(selectors.THREAD_PAGE + 2)]
    reply = services.comment_post(actor=resident, contribution_id=idea.pk, body="Réponse", parent_id=roots[-1].pk)
    deeper = services.comment_post(actor=resident, contribution_id=idea.pk, body="Plus loin", parent_id=reply.pk)

    thread, page = selectors.comment_thread(idea, page=2)
    client.force_login(resident)
    posted = client.post(
        reverse("comment-post", args=[consultation.council.slug, consultation.pk, idea.pk]),
        {"body": "Encore", "stance": "neutral", "parent": deeper.pk},
    )

    assert [c.body for c in thread] == ["Avis 50", "Avis 51"]
    assert [c.body for c in thread[1].children] == ["Réponse"]
    assert [c.body for c in thread[1].children[0].children] == ["Plus loin"]
    assert page.paginator.num_pages == 2
    assert posted.url.split("?")[1].startswith("comments=2#comment-")
