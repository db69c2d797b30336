"""A consultation's page learns live that the person's right to read the questionnaire's results
changed, with a real Daphne process and a real WebSocket client: a resident made facilitator sees
the results offered at once, and hears the facilitators' live results; their role taken back, the
results are withdrawn. The role changes are made by this process, as another server's page would,
their events through the servers' Redis. (The same cases in-process, and the admin's and a phase's
changes: tests/consultation/questionnaires/test_live_rights.py.)"""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.utils import timezone

from council.accounts.models import User
from council.consultation.models import Consultation
from council.consultation.models import Phase
from council.consultation.questionnaires import live
from council.consultation.questionnaires.models import Question
from council.consultation.questionnaires.models import Questionnaire
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from council.councils.services import role_revoke
from tests.e2e.client import RoomClient
from tests.e2e.conftest import make_person
from tests.e2e.conftest import random_id
from tests.e2e.servers import redis_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def servers_layer(settings):
    """This process's events on the servers' Redis, sent at once (no coalescing interval)."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [redis_url()]}}}
    settings.QUESTIONNAIRE_RESULTS_COALESCE_SECONDS = 0
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def _questionnaire() -> tuple[Council, Questionnaire]:
    council = Council.objects.create(id=random_id(), slug=f"sud-{random_id()}", name="Conseil de quartier Sud")
    consultation = Consultation.objects.create(id=random_id(), council=council, title="La rue de l'école", is_published=True)
    now = timezone.now()
    Phase.objects.create(consultation=consultation, kind="questionnaire", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=7))
    questionnaire = Questionnaire.objects.create(consultation=consultation, title="Vos trajets")
    Question.objects.create(questionnaire=questionnaire, position=1, kind="single", text="Comment venez-vous ?", options="Vélo\nBus")
    return council, questionnaire


async def test_a_role_given_then_taken_reaches_an_open_page(daphne, servers_layer):
    (server,) = await sync_to_async(daphne)()
    council, questionnaire = await sync_to_async(_questionnaire)()
    person = await sync_to_async(make_person)(council, "hugo", "Hugo Habitant", Role.RESIDENT)
    page = await RoomClient.open(
        server.ws_url(f"/ws/c/{council.slug}/consultations/{questionnaire.consultation_id}/"),
        cookie=person.cookie, origin=server.origin, name=person.name,
    )
    synced = await page.wait_event("consultation.consultation_synced")
    user = await sync_to_async(User.objects.get)(pk=person.user_id)

    await sync_to_async(role_grant)(actor=None, council=council, user=user, role=Role.FACILITATOR)
    await page.wait_event("consultation.capabilities_changed", capabilities={"view_results": True})
    await sync_to_async(live.results_changed_soon)(questionnaire.pk)  # the facilitators' live results
    results = await page.wait_event("consultation.questionnaire_results_changed")
    await sync_to_async(role_revoke)(actor=None, council=council, user=user)
    await page.wait_event("consultation.capabilities_changed", capabilities={"view_results": False})

    assert synced["payload"]["capabilities"] == {"view_results": False}
    assert results["payload"]["questionnaire_id"] == questionnaire.pk
    assert [f["type"] for f in page.frames] == [
        "consultation.consultation_synced", "consultation.capabilities_changed",
        "consultation.questionnaire_results_changed", "consultation.capabilities_changed",
    ]
    assert page.close_code is None  # the same socket all along: no reconnect
    await page.close()
