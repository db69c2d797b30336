"""The open data API: public data only, filters, cursor pages, throttling, and its own schema (schemathesis)."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished
from django.core.signals import request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from rest_framework.throttling import AnonRateThrottle

from council.consultation import moderation
from council.consultation import services

pytestmark = pytest.mark.django_db

#: examples per operation (the suite's time: five operations)
EXAMPLES = 15


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()  # the anonymous throttle counts in the cache


@pytest.fixture
def published(consultation, submit, resident, moderator, make_consultation):
    """A consultation with ideas (one hidden, one with a hidden comment) and a draft beside it."""
    shown = submit(consultation, title="Des bancs", body="Des bancs à l'ombre.")
    services.comment_post(actor=resident, contribution_id=shown.pk, body="Oui, près de l'école", stance="for")
    hidden_comment = services.comment_post(actor=resident, contribution_id=shown.pk, body="Insulte")
    moderation.comment_hide(actor=moderator, comment_id=hidden_comment.pk, reason="Injurieux")
    hidden = submit(consultation, title="Publicité", body="Achetez")
    moderation.contribution_hide(actor=moderator, contribution_id=hidden.pk, reason="Spam")
    make_consultation(published=False, title="Brouillon secret")
    return consultation, shown, hidden


def test_shows_public_data_only(client, published, resident):
    consultation, shown, hidden = published

    consultations = client.get(reverse("api-consultation-list")).json()
    contributions = client.get(reverse("api-contribution-list", args=[consultation.pk])).json()
    comments = client.get(reverse("api-comment-list", args=[shown.pk])).json()

    assert [c["title"] for c in consultations["results"]] == [consultation.title]
    assert [c["id"] for c in contributions["results"]] == [shown.pk]
    assert contributions["results"][0]["author"] == resident.public_name
    assert [c["body"] for c in comments["results"]] == ["Oui, près de l'école"]
    assert client.get(reverse("api-contribution-detail", args=[hidden.pk])).status_code == 404
    every_answer = str(consultations) + str(contributions) + str(comments)
    assert resident.email not in every_answer
    assert "Spam" not in every_answer
    assert "Injurieux" not in every_answer


def test_filters_sorts_and_pages_by_cursor(client, consultation, submit, resident, user_with_role):
    ideas = [submit(consultation, title=f"Idée {n}", body="Des arbres") for n in range(5)]
    supporter = user_with_role("resident", consultation.council)
    services.contribution_endorse(actor=supporter, contribution_id=ideas[1].pk)
    moderation.contribution_set_status(actor=user_with_role("facilitator", consultation.council), contribution_id=ideas[2].pk, status="accepted")
    url = reverse("api-contribution-list", args=[consultation.pk])

    first = client.get(url, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    endorsed = client.get(url, {"sort": "endorsed", "page_size": 1}).json()
    accepted = client.get(url, {"status": "accepted"}).json()
    wrong = client.get(url, {"sort": "loudest"})

    assert [c["id"] for c in first["results"] + second["results"]] == [i.pk for i in reversed(ideas)][:4]
    assert endorsed["results"][0] == endorsed["results"][0] | {"id": ideas[1].pk, "endorsements": 1}
    assert [c["id"] for c in accepted["results"]] == [ideas[2].pk]
    assert wrong.status_code == 400
    assert "sort" in wrong.json()


def test_anonymous_requests_are_throttled(client, consultation, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    url = reverse("api-consultation-detail", args=[consultation.pk])

    codes = [client.get(url).status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_the_docs_page_lists_the_endpoints(client):
    page = client.get(reverse("api-docs"))

    assert page.status_code == 200
    assert "/api/v1/consultations/{consultation_id}/contributions/" in page.content.decode()


@pytest.fixture
def app():
    """Django as a WSGI application; the test's transaction keeps its connection between requests (as the test client)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_answers_as_its_schema_says(app, published):
    """Every operation, with ids that exist and random ones: no server error, nothing its schema does not say."""
    consultation, shown, _hidden = published
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)
    existing = {"consultation_id": consultation.pk, "contribution_id": shown.pk}
    operations = [result.ok() for result in schema.get_all_operations()]

    for operation in operations:
        names = {parameter.name for parameter in operation.path_parameters}
        cases = st.one_of(
            operation.as_strategy(), operation.as_strategy(path_parameters={n: existing[n] for n in names})
        )

        @given(case=cases)
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def answers(case):
            cache.clear()
            case.call_and_validate()

        answers()

    assert len(operations) == 5
