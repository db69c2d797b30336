"""The map: its markers served as compact JSON (cached, refreshed by each change), the page's paged list."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from council.consultation import moderation
from council.consultation import services
from council.groups.models import Zone

pytestmark = pytest.mark.django_db


def _url(consultation, name="consultation-map-markers"):
    return reverse(name, args=[consultation.council.slug, consultation.pk])


def _markers(client, consultation, **query):
    response = client.get(_url(consultation), query)
    assert response.status_code == 200, response.content
    data = response.json()
    return [dict(zip(data["fields"], row, strict=True)) for row in data["markers"]]


def test_the_markers_are_the_visible_placed_contributions_in_compact_rows(client, consultation, submit, resident, moderator):
    mobility = consultation.categories.get(name="Mobilité")
    fountain = submit(consultation, title="Une fontaine", latitude=45.75, longitude=4.8333, category_id=mobility.pk)
    submit(consultation, title="Plus de bancs partout")  # no place: only in the list
    withdrawn = submit(consultation, title="Retirée", latitude=45.76, longitude=4.84)
    services.contribution_withdraw(actor=resident, contribution_id=withdrawn.pk)
    hidden = submit(consultation, title="Cachée", latitude=45.77, longitude=4.85)
    moderation.contribution_hide(actor=moderator, contribution_id=hidden.pk, reason="Hors sujet")
    duplicate = submit(consultation, title="Doublon", latitude=45.78, longitude=4.86)
    moderation.contribution_merge(actor=moderator, contribution_id=duplicate.pk, into_id=fountain.pk)

    response = client.get(_url(consultation))

    assert response.json() == {
        "consultation_id": consultation.pk,
        "fields": ["id", "lat", "lng", "category", "status", "title"],
        "count": 1,
        "markers": [[fountain.pk, 45.75, 4.8333, mobility.pk, "published", "Une fontaine"]],
    }


def test_the_markers_are_cached_until_a_contribution_is_added_moved_or_hidden(
    client, consultation, submit, moderator, django_capture_on_commit_callbacks
):
    def markers_and_queries():
        with CaptureQueriesContext(connection) as captured:
            found = _markers(client, consultation)
        reads = [q for q in captured if "consultation_contribution" in q["sql"]]
        return [(m["title"], m["lat"]) for m in found], len(reads)

    with django_capture_on_commit_callbacks(execute=True):
        first = submit(consultation, title="Un banc", latitude=45.75, longitude=4.83)
    before = markers_and_queries()
    again = markers_and_queries()
    with django_capture_on_commit_callbacks(execute=True):
        submit(consultation, title="Un arbre", latitude=45.76, longitude=4.84)
    added = markers_and_queries()
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_edit(
            actor=first.author, contribution_id=first.pk, title="Un banc", body=first.body, latitude=45.7, longitude=4.8
        )
    moved = markers_and_queries()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.contribution_hide(actor=moderator, contribution_id=first.pk, reason="Doublon")
    hidden = markers_and_queries()

    assert before == ([("Un banc", 45.75)], 1)
    assert again == ([("Un banc", 45.75)], 0)  # from the cache: the contributions are not read
    assert added == ([("Un banc", 45.75), ("Un arbre", 45.76)], 1)
    assert moved[0] == [("Un banc", 45.7), ("Un arbre", 45.76)]
    assert hidden[0] == [("Un arbre", 45.76)]


def test_the_markers_filter_by_category_status_and_bounding_box(client, consultation, submit, moderator):
    mobility = consultation.categories.get(name="Mobilité")
    bike = submit(consultation, title="Vélos", latitude=45.75, longitude=4.83, category_id=mobility.pk)
    submit(consultation, title="Arbres", latitude=45.76, longitude=4.84)
    far = submit(consultation, title="Loin", latitude=48.85, longitude=2.35, category_id=mobility.pk)
    moderation.contribution_set_status(actor=moderator, contribution_id=far.pk, status="accepted")

    def titles(**query):
        return sorted(m["title"] for m in _markers(client, consultation, **query))

    assert titles(category=mobility.pk) == ["Loin", "Vélos"]
    assert titles(status="accepted") == ["Loin"]
    assert titles(bbox="4.8,45.7,4.9,45.8") == ["Arbres", "Vélos"]
    assert titles(bbox="4.8,45.7,4.9,45.8", category=mobility.pk, status="published") == ["Vélos"]
    assert [m["id"] for m in _markers(client, consultation, bbox="4.8,45.7,4.9,45.8", category=mobility.pk)] == [bike.pk]


@pytest.mark.parametrize(
    "query",
    [{"bbox": "4.9,45.7,4.8,45.8"}, {"bbox": "4.8,45.7"}, {"bbox": "a,b,c,d"}, {"bbox": "nan,45,5,46"},
     {"category": "999999"}, {"category": "x"}, {"status": "lost"}],
)
def test_a_bad_filter_is_refused_with_the_reason(client, consultation, query):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.get(_url(consultation), query)

    assert response.status_code == 400
    assert response.json()["error"]


def test_the_markers_of_a_draft_are_not_found_for_a_visitor(client, make_consultation):
    draft = make_consultation(published=False)

    assert client.get(_url(draft)).status_code == 404


def test_the_map_page_holds_no_marker_and_pages_its_list(client, consultation, submit):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    for number in range(55):
        submit(consultation, title=f"Idée {number}", latitude=45 + number / 100, longitude=4.8)

    def page(**query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_url(consultation, "consultation-map"), query)
        assert response.status_code == 200
        return re.sub(r"\s+", " ", response.content.decode()), len(captured)

    first, first_queries = page()
    second, second_queries = page(page=2)

    assert first.count('<li id="place-') == 50
    assert "Idée 54<" in first  # newest first
    assert "Idée 4<" not in first
    assert second.count('<li id="place-') == 5
    assert "Page 2 of 2" in second
    assert first_queries == second_queries
    assert "45.54" not in re.sub(r"<li id=\"place-.*?</li>", "", first)  # no marker data in the page
    assert f'"markersUrl": "{_url(consultation)}"' in first


def test_the_map_page_draws_the_councils_zones(client, consultation):
    square = {"type": "Polygon", "coordinates": [[[4.83, 45.77], [4.84, 45.77], [4.84, 45.78], [4.83, 45.77]]]}
    Zone.objects.create(council=consultation.council, name="Croix-Rousse", slug="croix-rousse", geometry=square,
                        min_lon=4.83, min_lat=45.77, max_lon=4.84, max_lat=45.78)

    response = client.get(_url(consultation, "consultation-map"))
    config = json.loads(re.search(r'id="contribution-map-config" type="application/json">(.*?)</script>', response.content.decode()).group(1))

    assert config["zones"]["features"] == [
        {"type": "Feature", "properties": {"name": "Croix-Rousse", "slug": "croix-rousse"}, "geometry": square}
    ]
