"""The consultation's pages: read by visitors, written through forms, in a bounded number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.consultation import services
from council.consultation.models import Comment
from council.consultation.models import Contribution
from council.consultation.models import Endorsement
from council.consultation.models import PhaseKind

pytestmark = pytest.mark.django_db


def _url(consultation, *rest):
    if not rest:
        return reverse("consultation-detail", args=[consultation.council.slug, consultation.pk])
    name, *ids = rest
    return reverse(name, args=[consultation.council.slug, consultation.pk, *ids])


def _text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def test_a_visitor_reads_the_list_the_consultation_and_a_contribution(client, consultation, submit, make_consultation):
    contribution = submit(consultation)
    draft = make_consultation(published=False, title="Brouillon secret")

    listing = client.get(reverse("consultation-list", args=[consultation.council.slug]))
    page = client.get(_url(consultation))
    detail = client.get(_url(consultation, "contribution-detail", contribution.pk))

    assert (listing.status_code, page.status_code, detail.status_code) == (200, 200, 200)
    assert consultation.title in _text(listing)
    assert "Brouillon secret" not in _text(listing)
    assert "Plus d&#x27;arbres" in _text(page)
    assert "Connectez-vous pour participer." in _text(page)
    assert "Planter des arbres le long de la rue." in _text(detail)
    assert client.get(_url(draft)).status_code == 404


def test_the_council_page_lists_its_consultations(client, consultation):
    page = client.get(reverse("council-detail", args=[consultation.council.slug]))

    assert consultation.title in _text(page)


def test_a_resident_submits_once_even_when_the_form_is_sent_twice(client, consultation, resident):
    client.force_login(resident)
    form = client.get(_url(consultation))
    request_id = re.search(r'name="request_id" value="([^"]+)"', form.content.decode()).group(1)
    data = {"title": "Un banc", "body": "Près de la fontaine.\nÀ l'ombre.", "category": "", "request_id": request_id}

    first = client.post(_url(consultation), data)
    second = client.post(_url(consultation), data)

    contribution = Contribution.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == _url(consultation, "contribution-detail", contribution.pk)
    page = client.get(first["Location"])
    assert "Près de la fontaine.<br>À l&#x27;ombre." in page.content.decode()


def test_a_refused_submit_says_why(client, make_consultation, resident):
    consultation = make_consultation(phase=PhaseKind.RESULTS)
    client.force_login(resident)

    page = client.get(_url(consultation))
    posted = client.post(_url(consultation), {"title": "Trop tard", "body": "Trop tard"})

    assert "Les contributions sont closes." in _text(page)
    assert 'name="title"' not in page.content.decode()
    assert posted.status_code == 400
    assert "Les contributions sont closes." in _text(posted)
    assert not Contribution.objects.exists()


def test_script_in_a_contribution_is_shown_as_text(client, consultation, submit):
    contribution = submit(consultation, title="<script>alert(1)</script>", body='<img src=x onerror="alert(2)">')

    page = client.get(_url(consultation, "contribution-detail", contribution.pk)).content.decode()

    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_endorsing_and_commenting_through_the_forms(client, consultation, submit, resident, moderator):
    contribution = submit(consultation)
    client.force_login(moderator)

    client.post(_url(consultation, "contribution-endorse", contribution.pk), {"endorse": "1"})
    client.post(_url(consultation, "contribution-endorse", contribution.pk), {"endorse": "1"})
    client.post(_url(consultation, "comment-post", contribution.pk), {"body": "Oui !", "stance": "for", "request_id": "a"})
    parent = Comment.objects.get()
    client.post(_url(consultation, "comment-post", contribution.pk), {"body": "Non.", "stance": "against", "parent": parent.pk, "request_id": "b"})
    page = _text(client.get(_url(consultation, "contribution-detail", contribution.pk)))

    assert Endorsement.objects.filter(contribution=contribution).count() == 1
    assert list(Comment.objects.values_list("parent", flat=True)) == [None, parent.pk]
    assert "1 soutien" in page
    assert "2 commentaires" in page
    assert "— retirer mon soutien" in page


def test_a_hidden_contribution_is_gone_for_others_and_explained_to_its_author(client, consultation, submit, resident, moderator):
    contribution = submit(consultation)
    client.force_login(moderator)

    client.post(_url(consultation, "contribution-moderate", contribution.pk, "hide"), {"reason": "Hors sujet"})
    client.logout()
    for_visitor = client.get(_url(consultation, "contribution-detail", contribution.pk))
    client.force_login(resident)
    for_author = client.get(_url(consultation, "contribution-detail", contribution.pk))

    assert for_visitor.status_code == 404
    assert "Masquée par les modérateurs\u00a0: Hors sujet" in _text(for_author)


def test_a_merged_duplicate_leads_to_its_target(client, consultation, submit, moderator):
    duplicate, target = submit(consultation, title="Doublon"), submit(consultation, title="Original")
    client.force_login(moderator)

    client.post(_url(consultation, "contribution-moderate", duplicate.pk, "merge"), {"into": target.pk})
    response = client.get(_url(consultation, "contribution-detail", duplicate.pk))

    assert response.status_code == 302
    assert response["Location"] == _url(consultation, "contribution-detail", target.pk)


def test_sorting_by_support_and_a_random_order_stable_for_a_visitor(client, consultation, submit, user_with_role):
    ideas = [submit(consultation, title=f"Idée {n}") for n in range(6)]
    supporters = [user_with_role("resident", consultation.council) for _ in range(3)]
    for count, idea in zip((1, 3, 2), ideas[:3], strict=True):
        for person in supporters[:count]:
            services.contribution_endorse(actor=person, contribution_id=idea.pk)

    def order(query: str, visitor=client) -> list[str]:
        return re.findall(r'<h3><a href="[^"]+">(Idée \d)</a>', visitor.get(_url(consultation) + query).content.decode())

    assert order("?sort=endorsed")[:3] == ["Idée 1", "Idée 2", "Idée 0"]
    assert order("?sort=recent") == [f"Idée {n}" for n in range(5, -1, -1)]
    shuffled = order("?sort=random")
    assert sorted(shuffled) == sorted(order("?sort=recent"))
    assert order("?sort=random") == shuffled  # the same visitor, the same order


def test_the_list_page_costs_the_same_queries_for_5_or_25_contributions(client, consultation, submit, resident, user_with_role):
    people = [user_with_role("resident", consultation.council) for _ in range(3)]
    client.force_login(resident)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(consultation) + "?sort=endorsed").status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            idea = submit(consultation)
            for person in people:
                services.contribution_endorse(actor=person, contribution_id=idea.pk)
            services.comment_post(actor=people[0], contribution_id=idea.pk, body="Oui")

    add(5)
    few = queries()
    add(20)
    many = queries()

    assert few == many
    assert many <= 18  # session, person, second-factor rule, council, roles, notifications, consultation, page count, page's ids, its rows, its questionnaire (parts.py), search form's categories…


def test_its_author_edits_then_withdraws_through_the_forms(client, consultation, submit, resident):
    contribution = submit(consultation)
    client.force_login(resident)
    page = _url(consultation, "contribution-detail", contribution.pk)

    edited = client.post(_url(consultation, "contribution-edit", contribution.pk), {"title": "Plus d'arbres fruitiers", "body": "Des pommiers."})
    refused = client.post(_url(consultation, "contribution-edit", contribution.pk), {"title": "", "body": "Sans titre"})
    shown = _text(client.get(page))
    withdrawn = client.post(_url(consultation, "contribution-withdraw", contribution.pk))

    assert (edited.status_code, edited["Location"]) == (302, page)
    assert refused.status_code == 400
    assert "Plus d&#x27;arbres fruitiers" in shown
    assert "modifiée" in shown
    assert withdrawn["Location"] == _url(consultation)
    assert client.get(page).status_code == 404


def test_reporting_and_following_through_the_forms(client, consultation, submit, resident, moderator):
    contribution = submit(consultation)
    client.force_login(moderator)

    client.post(_url(consultation, "content-report", contribution.pk), {"reason": "spam", "details": "Publicité"})
    client.post(_url(consultation, "contribution-follow", contribution.pk), {"follow": "1"})
    page = _text(client.get(_url(consultation, "contribution-detail", contribution.pk)))

    assert contribution.reports.get().details == "Publicité"
    assert contribution.follows.filter(user=moderator).exists()
    assert "Signalements en attente" in page
    assert "Spam ou publicité\u00a0: Publicité" in page
    assert "Ne plus suivre" in page


def test_the_map_page_lists_every_idea_with_its_place(client, consultation, submit, resident):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    fountain = submit(consultation, title="Une fontaine place Carnot", latitude=45.75, longitude=4.8333)
    anywhere = submit(consultation, title="Plus de bancs partout")
    withdrawn = submit(consultation, title="Idée retirée", latitude=45.76, longitude=4.84)
    services.contribution_withdraw(actor=resident, contribution_id=withdrawn.pk)

    page = client.get(_url(consultation, "consultation-map"))
    detail = _text(client.get(_url(consultation)))

    assert page.status_code == 200
    listed = _text(page)
    fountain_url = _url(consultation, "contribution-detail", fountain.pk)
    assert f'<a href="{fountain_url}">Une fontaine place Carnot</a>: latitude 45,75000\u00a0; longitude 4,83330' in listed
    anywhere_url = _url(consultation, "contribution-detail", anywhere.pk)
    assert f'<a href="{anywhere_url}">Plus de bancs partout</a>: pas de lieu indiqué' in listed
    assert "Idée retirée" not in listed
    assert _url(consultation, "consultation-map") in detail


def test_the_map_page_costs_the_same_queries_for_2_or_20_ideas(client, consultation, submit):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(consultation, "consultation-map")).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for number in range(n):
            submit(consultation, title=f"Idée {number}", latitude=45 + number / 100, longitude=4.8)

    add(2)
    few = queries()
    add(18)
    many = queries()

    assert few == many


def test_the_map_page_of_a_draft_is_not_found_for_a_visitor(client, make_consultation):
    draft = make_consultation(published=False)

    assert client.get(_url(draft, "consultation-map")).status_code == 404
