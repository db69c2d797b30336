"""The short link a QR code leads to: the room for those logged in, a plain form for anonymous
phones where the poll allows it, a log-in page otherwise."""

import pytest
from django.core.cache import cache
from django.test import AsyncClient

from council.core import coalesce
from council.voting.polls.models import Answer
from council.voting.polls.models import Poll

pytestmark = pytest.mark.django_db(transaction=True)



def english() -> AsyncClient:
    """A phone whose person chose English (the switcher's cookie); French is the default."""
    client = AsyncClient()
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def phone_poll(make_poll):
    def make(**fields):
        poll_id = make_poll("single", open=True, **fields)
        return Poll.objects.select_related("room__council").get(pk=poll_id)

    return make


async def test_someone_logged_in_lands_in_the_room_on_the_polls_tab(phone_poll, resident, user_with_role, room):
    poll = await _sync(phone_poll)
    client = AsyncClient()
    await client.aforce_login(resident)

    response = await client.get(f"/p/{poll.code.lower()}/")

    assert response.status_code == 302
    assert response["Location"] == f"/c/{room.council.slug}/rooms/{room.pk}/#polls"
    outsider = await _sync(user_with_role, "outsider", room.council)
    await client.aforce_login(outsider)
    assert (await client.get(f"/p/{poll.code}/")).status_code == 404


async def test_someone_not_logged_in_is_asked_to_log_in_unless_the_poll_takes_anonymous_answers(phone_poll):
    closed_to_phones = await _sync(phone_poll)

    response = await AsyncClient().get(f"/p/{closed_to_phones.code}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/p/")
    assert (await AsyncClient().get("/p/ZZZZZZ/")).status_code == 404


async def test_an_anonymous_phone_answers_with_a_plain_form_and_changes_its_answer(phone_poll, facilitator, room):
    poll = await _sync(phone_poll, allow_anonymous=True)
    phone, other_phone = english(), english()

    page = await phone.get(f"/p/{poll.code}/")
    assert page.status_code == 200
    assert b'name="choice"' in page.content
    assert poll.question.encode() in page.content
    sent = await phone.post(f"/p/{poll.code}/", {"choice": "2"})
    assert (sent.status_code, sent["Location"]) == (302, f"/p/{poll.code}/?answered=1")
    await phone.post(f"/p/{poll.code}/", {"choice": "0"})  # changed: still one answer for this phone
    await other_phone.post(f"/p/{poll.code}/", {"choice": "0"})

    answers = await _sync(lambda: sorted(Answer.objects.filter(poll=poll).values_list("value", flat=True)))
    assert answers == [[0], [0]]
    page = (await phone.get(f"/p/{poll.code}/?answered=1")).content.decode()
    assert "Your answer is recorded" in page
    assert "2 answers (100%)" in page  # live results, counts only
    refused = await phone.post(f"/p/{poll.code}/", {"choice": "7"})
    assert (refused.status_code, "There is no such option." in refused.content.decode()) == (400, True)
    await coalesce.flush()


async def test_a_closed_poll_takes_no_more_phone_answers(phone_poll, facilitator, room):
    from council.voting.polls import services

    poll = await _sync(phone_poll, allow_anonymous=True)
    await _sync(services.poll_close, actor=facilitator, room_id=room.pk, poll_id=poll.pk)

    response = await english().post(f"/p/{poll.code}/", {"choice": "1"})

    assert response.status_code == 400
    assert "This poll is closed: answers are no longer accepted." in response.content.decode()


async def test_answers_from_one_address_are_rate_limited(phone_poll, settings):
    settings.POLL_PHONE_RATE_LIMIT = "2/60"
    poll = await _sync(phone_poll, allow_anonymous=True)

    statuses = [(await AsyncClient().post(f"/p/{poll.code}/", {"choice": "1"})).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert await _sync(Answer.objects.filter(poll=poll).count) == 2
    await coalesce.flush()


async def test_the_qr_code_carries_the_short_link(phone_poll):
    poll = await _sync(phone_poll)

    response = await AsyncClient().get(f"/p/{poll.code}/qr.svg")

    assert response["Content-Type"] == "image/svg+xml"
    assert f"<title>http://testserver/p/{poll.code}/</title>".encode() in response.content


async def _sync(function, *args, **kwargs):
    from asgiref.sync import sync_to_async

    return await sync_to_async(function)(*args, **kwargs)


async def test_the_phone_page_speaks_french_first_with_plurals(phone_poll):
    poll = await _sync(phone_poll, allow_anonymous=True)
    phone = AsyncClient()

    await phone.post(f"/p/{poll.code}/", {"choice": "1"}, headers={"accept-language": "fr"})
    page = (await phone.get(f"/p/{poll.code}/", headers={"accept-language": "fr"})).content.decode()

    assert "Envoyer ma réponse" in page
    assert "Résultats\u00a0: 1 réponse" in page
    assert "1 réponse (100\u00a0%)" in page
    assert "0 réponse (0\u00a0%)" in page  # French counts 0 as singular
    await coalesce.flush()
