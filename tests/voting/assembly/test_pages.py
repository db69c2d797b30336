"""The rules page (administrators) and the proxies page (members in office and officials)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from council.councils.models import AuditEntry
from council.voting.assembly import selectors
from council.voting.assembly.models import Proxy

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _rules_form(**changes):
    form = {
        "hall_counts": "on", "quorum_numerator": 1, "quorum_denominator": 2, "proxies_allowed": "on",
        "max_proxies_per_holder": 1, "proxy_max_days": 30, "roll_call_numerator": 1, "roll_call_denominator": 4,
        "secret_numerator": 1, "secret_denominator": 3, "reconvene_days": 3, "members_group": "",
    }
    form.update(changes)
    return form


def test_an_administrator_changes_the_rules_and_the_change_is_audited(meeting, client, user_with_role):
    admin = user_with_role("administrator", meeting.council)
    client.force_login(admin)
    url = reverse("assembly-rules", args=[meeting.council.slug])

    page = client.get(url)
    assert "CGCT L2121-17: the quorum counts the members physically present." in page.text
    client.post(url, _rules_form(online_counts="on"))

    assert selectors.rules_get(council=meeting.council).online_counts is True
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MEETING_RULES_CHANGED)
    assert entry.details == {"changed": ["online_counts"]}


def test_a_fraction_over_one_is_refused(meeting, client, user_with_role):
    client.force_login(user_with_role("administrator", meeting.council))
    page = client.post(reverse("assembly-rules", args=[meeting.council.slug]), _rules_form(quorum_numerator=3))
    assert "A fraction cannot be more than 1" in page.text
    assert selectors.rules_get(council=meeting.council).quorum_numerator == 1


def test_a_facilitator_cannot_change_the_rules(meeting, client):
    client.force_login(meeting.official)
    assert client.get(reverse("assembly-rules", args=[meeting.council.slug])).status_code == 404


def test_a_member_gives_a_proxy_on_the_page_and_revokes_it(meeting, client):
    grantor, holder = meeting.members[:2]
    client.force_login(grantor)
    url = reverse("assembly-proxies", args=[meeting.council.slug])
    until = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    client.post(url, {"form": "self", "holder": holder.pk, "valid_until": until, "statement": "Je donne pouvoir."})

    proxy = Proxy.objects.get()
    assert (proxy.grantor, proxy.holder, proxy.entered_by) == (grantor, holder, None)
    assert "Given to Membre 01" in client.get(url).text
    client.post(reverse("assembly-proxy-revoke", args=[meeting.council.slug, proxy.pk]))
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None


def test_a_second_proxy_to_the_same_holder_is_refused_on_the_page(meeting, client):
    holder, first, second = meeting.members[:3]
    until = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    url = reverse("assembly-proxies", args=[meeting.council.slug])
    for grantor in (first, second):
        client.force_login(grantor)
        page = client.post(url, {"form": "self", "holder": holder.pk, "valid_until": until, "statement": "Pouvoir."})

    assert "already holds as many proxies as the rules allow (1)" in page.text
    assert Proxy.objects.count() == 1


def test_a_resident_has_no_proxies_page(meeting, client):
    client.force_login(meeting.resident)
    assert client.get(reverse("assembly-proxies", args=[meeting.council.slug])).status_code == 404
