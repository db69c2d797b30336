"""Search in the consultation's language, filters kept by the sorts, stored counters, paged threads."""

import re

import pytest
from django.db import connection
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


def _random_ids(consultation, seed: str, page: int, per_page: int = 10) -> list[int]:
    ordered = selectors.contributions_sorted(consultation, sort="random", seed=seed)
    return [c.pk for c in selectors.PagedByKey(ordered, per_page, related=selectors.LISTED_WITH).page(page)]


def test_the_random_order_is_stable_for_one_seed_across_pages_and_differs_between_seeds(consultation, submit):
    ideas = {submit(consultation, title=f"Idée {n}").pk for n in range(30)}

    pages = [_random_ids(consultation, "seed-a", page) for page in (1, 2, 3)]
    again = [_random_ids(consultation, "seed-a", page) for page in (1, 2, 3)]
    other = [_random_ids(consultation, "seed-b", page) for page in (1, 2, 3)]
    flat = [pk for page in pages for pk in page]

    assert pages == again  # the same seed, the same order, page after page
    assert sorted(flat) == sorted(ideas)  # every idea once over the pages: none lost, none twice
    assert flat != sorted(flat)
    assert flat != sorted(flat, reverse=True)
    assert other != pages  # another visitor, another order (30! orders: the same one is out of reach)
    assert sorted(pk for page in other for pk in page) == sorted(ideas)


def test_each_visitor_keeps_their_random_order_on_the_list(client, consultation, submit):
    for n in range(30):
        submit(consultation, title=f"Idée {n}")
    second_visitor = client.__class__()

    first = _titles(_page(client, consultation, sort="random"))
    first_again = _titles(_page(client, consultation, sort="random"))
    second_page = _titles(_page(client, consultation, sort="random", page=2))
    other = _titles(_page(second_visitor, consultation, sort="random"))

    assert first == first_again
    assert len(first) == 20
    assert not set(first) & set(second_page)
    assert len(set(first) | set(second_page)) == 30
    assert other != first


def _page_plan(queryset, *, sorted_by_index: bool = False) -> str:
    """EXPLAIN VERBOSE of the query choosing a page's ids (PagedByKey's first query). The tiny table
    is pushed off the sequential and bitmap scans, which it prefers at this size (at 20,000 rows
    the planner picks the index plans by itself: docs/benchmarks.md)."""
    sql, params = queryset[20:40].values_list("pk", flat=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultation_contribution")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        if sorted_by_index:
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN VERBOSE {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_random_page_is_chosen_from_the_ids_alone(consultation, submit):
    """The sort key is a hash of the id with the visitor's seed: no text is built per row and no
    column but the id is read, which the sorts' indexes hold (an index-only scan at 20,000), so
    a random page costs about what a page of the most recent does."""
    for n in range(30):
        submit(consultation, title=f"Idée {n}")

    plan = _page_plan(selectors.contributions_sorted(consultation, sort="random", seed="seed-a"))
    scanned = re.findall(r"->  (?:Index|Index Only) Scan .*\n\s+Output: (.*)", plan)

    assert "Sort Key: (hashint8extended(consultation_contribution.id, " in plan, plan
    assert len(scanned) == 1, plan
    assert re.fullmatch(r"id, hashint8extended\(id, '-?\d+'::bigint\)", scanned[0]), plan  # the id, nothing else
    assert "md5" not in plan.lower()


def test_a_search_in_a_category_by_most_supported_walks_the_category_index(consultation, submit):
    """The matches are one id array; the category's own index gives its contributions already in
    the order of their supports, so the page stops after its 20 rather than sorting every match."""
    category = consultation.categories.get(name="Mobilité")
    other = consultation.categories.get(name="Espaces verts")
    for n in range(30):
        submit(consultation, title=f"Vélo {n}", body="Des pistes cyclables", category_id=category.pk)
        submit(consultation, title=f"Arbre {n}", body="Des arbres le long des pistes", category_id=other.pk)
        submit(consultation, title=f"Parc {n}", body="Une piste de jeux", category_id=other.pk)

    ordered = selectors.contributions_sorted(consultation, sort="endorsed", text="piste", category_id=category.pk)
    plan = _page_plan(ordered, sorted_by_index=True)

    assert "consultation_category_endorsed" in plan, plan
    assert "Sort" not in plan.replace("Sort Key", "")
    assert "consultation_comment" not in plan  # the comments were searched once, before
