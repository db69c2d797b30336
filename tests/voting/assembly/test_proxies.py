"""Proxies (CGCT L2121-20): written, at most one per holder, revocable, limited in time."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.councils.models import AuditEntry
from council.voting.assembly import selectors
from council.voting.assembly import services
from council.voting.assembly.models import Proxy
from tests.voting.assembly.conftest import sign_in


def give(grantor, holder, council, days=2, **kwargs):
    return services.proxy_give(
        actor=kwargs.pop("actor", grantor), council=council, holder_id=holder.pk, statement="Je donne pouvoir.",
        valid_until=timezone.now() + timedelta(days=days), **kwargs,
    )


@pytest.mark.django_db
def test_a_second_proxy_to_the_same_holder_is_refused(meeting, sitting):
    holder, first, second = meeting.members[:3]
    give(first, holder, meeting.council)

    with pytest.raises(InvalidInput) as refused:
        give(second, holder, meeting.council)

    assert refused.value.code == "proxy_limit"
    assert selectors.proxies_held(holder, sitting) == [first]


@pytest.mark.django_db
def test_the_rules_may_allow_more_per_holder(meeting, sitting):
    rules = selectors.rules_get(council=meeting.council)
    rules.max_proxies_per_holder = 2
    rules.save()
    holder, first, second = meeting.members[:3]
    give(first, holder, meeting.council)
    give(second, holder, meeting.council)
    assert {p.pk for p in selectors.proxies_held(holder, sitting)} == {first.pk, second.pk}


@pytest.mark.django_db
def test_grantor_and_holder_are_members_in_office_and_the_period_is_limited(meeting):
    with pytest.raises(AccessDenied):
        give(meeting.resident, meeting.members[0], meeting.council)
    with pytest.raises(InvalidInput):
        give(meeting.members[0], meeting.resident, meeting.council)
    with pytest.raises(InvalidInput):
        give(meeting.members[0], meeting.members[1], meeting.council, days=31)
    assert not Proxy.objects.exists()


@pytest.mark.django_db
def test_revoked_by_the_grantor_or_an_official_only(meeting, sitting):
    grantor, holder, other = meeting.members[:3]
    proxy = give(grantor, holder, meeting.council)
    with pytest.raises(AccessDenied):
        services.proxy_revoke(actor=holder, proxy_id=proxy.pk)

    services.proxy_revoke(actor=grantor, proxy_id=proxy.pk)
    assert selectors.proxies_held(holder, sitting) == []

    again = give(grantor, other, meeting.council)  # free to give a new one
    services.proxy_revoke(actor=meeting.official, proxy_id=again.pk)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PROXY_REVOKED).count() == 1


@pytest.mark.django_db
def test_an_expired_proxy_no_longer_applies(meeting, sitting):
    grantor, holder = meeting.members[:2]
    give(grantor, holder, meeting.council, days=1)
    with freeze_time(timezone.now() + timedelta(days=1, seconds=1)):
        assert selectors.proxies_held(holder, sitting) == []


@pytest.mark.django_db
def test_the_grantor_present_in_the_hall_votes_himself(meeting, sitting):
    grantor, holder = meeting.members[:2]
    give(grantor, holder, meeting.council)
    sign_in(sitting, meeting.official, [grantor])

    assert selectors.proxies_held(holder, sitting) == []

    services.hall_sign_out(actor=meeting.official, sitting_id=sitting.pk, user_id=grantor.pk)
    assert selectors.proxies_held(holder, sitting) == [grantor]


@pytest.mark.django_db
def test_an_official_enters_a_paper_proxy_with_an_audit_entry(meeting):
    grantor, holder = meeting.members[:2]
    proxy = give(grantor, holder, meeting.council, actor=meeting.official, grantor_id=grantor.pk)

    assert (proxy.grantor, proxy.entered_by) == (grantor, meeting.official)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PROXY_ENTERED)
    assert entry.details == {"proxy": proxy.pk, "grantor": grantor.pk, "holder": holder.pk}
    with pytest.raises(AccessDenied):  # a member cannot enter someone else's proxy
        give(holder, meeting.members[2], meeting.council, grantor_id=meeting.members[3].pk)


@pytest.mark.django_db(transaction=True)
def test_proxies_to_one_holder_at_the_same_moment_only_one_is_given(meeting):
    holder, *grantors = meeting.members[:6]
    selectors.rules_get(council=meeting.council)  # the row the check locks exists
    barrier = threading.Barrier(len(grantors))
    outcomes = []

    def attempt(grantor):
        try:
            barrier.wait()
            give(grantor, holder, meeting.council)
            outcomes.append("given")
        except InvalidInput as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(grantor,)) for grantor in grantors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["given"] + ["proxy_limit"] * 4
    assert Proxy.objects.filter(holder=holder).count() == 1
