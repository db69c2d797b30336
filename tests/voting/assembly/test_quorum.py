"""Quorum (CGCT L2121-17): more than half of the members in office present, as the rules count them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from council.rooms.models import Presence
from council.voting.assembly import selectors
from council.voting.assembly import services
from council.voting.assembly.models import QuorumCheck
from tests.voting.assembly.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_ten_in_office_five_present_is_not_met_six_is(meeting, sitting):
    sign_in(sitting, meeting.official, meeting.in_office[:5])
    status = selectors.quorum_status(sitting)
    assert (status.in_office, status.required, status.present_counted, status.met) == (10, 6, 5, False)

    sign_in(sitting, meeting.official, meeting.in_office[5:6])
    status = services.quorum_check(sitting=sitting, actor=meeting.official)

    assert (status.required, status.present_counted, status.met) == (6, 6, True)
    # every check is recorded for the minutes: the one made on opening, then this one
    assert list(QuorumCheck.objects.filter(sitting=sitting).values_list("present_counted", "required", "met")) == [
        (0, 6, False),
        (6, 6, True),
    ]


def test_eleven_in_office_need_six(meeting, sitting, user_with_role):
    user_with_role("member", meeting.council)
    assert selectors.quorum_status(sitting).required == 6


def test_residents_and_people_signed_out_do_not_count(meeting, sitting):
    sign_in(sitting, meeting.official, [*meeting.in_office[:6], meeting.resident])
    services.hall_sign_out(actor=meeting.official, sitting_id=sitting.pk, user_id=meeting.members[0].pk)

    status = selectors.quorum_status(sitting)

    assert (status.present_counted, status.met) == (5, False)
    assert selectors.present_people(sitting)[meeting.resident.pk] == "hall"


def test_proxies_do_not_count_unless_the_rules_say_so(meeting, sitting):
    present, absent = meeting.in_office[:5], meeting.in_office[5:]
    sign_in(sitting, meeting.official, present)
    for grantor, holder in zip(absent[:2], present[:2], strict=True):
        services.proxy_give(
            actor=grantor, council=meeting.council, holder_id=holder.pk, statement="Pouvoir",
            valid_until=timezone.now() + timedelta(days=2),
        )

    assert (selectors.quorum_status(sitting).present_counted, selectors.quorum_status(sitting).met) == (5, False)

    rules = selectors.rules_get(council=meeting.council)
    rules.proxies_count = True
    rules.save()
    assert (selectors.quorum_status(sitting).present_counted, selectors.quorum_status(sitting).met) == (7, True)


def _online(room, people):
    for person in people:
        Presence.objects.create(room=room, user=person, channel_name=f"test.{person.pk}", seen_at=timezone.now())


def test_people_online_count_only_if_the_rules_say_so(meeting, sitting):
    _online(meeting.room, meeting.in_office[:6])

    assert selectors.present_people(sitting) == {person.pk: "online" for person in meeting.in_office[:6]}
    assert selectors.quorum_status(sitting).met is False

    rules = selectors.rules_get(council=meeting.council)
    rules.online_counts = True
    rules.save()
    assert selectors.quorum_status(sitting).met is True


def test_the_hall_wins_over_online(meeting, sitting):
    _online(meeting.room, meeting.in_office[:1])
    sign_in(sitting, meeting.official, meeting.in_office[:1])
    assert selectors.present_people(sitting) == {meeting.official.pk: "hall"}


@pytest.mark.parametrize(("days_later", "allowed"), [(2, False), (3, True)])
def test_a_reconvened_sitting_deliberates_without_quorum_only_after_the_delay(meeting, days_later, allowed):
    start = timezone.now()
    with freeze_time(start):
        services.sitting_open(actor=meeting.official, room_id=meeting.room.pk)  # nobody present: no quorum
        first = meeting.room.sittings.get()
        services.sitting_close(actor=meeting.official, room_id=meeting.room.pk)

    with freeze_time(start + timedelta(days=days_later)):
        answer = services.sitting_open(actor=meeting.official, room_id=meeting.room.pk, reconvened_from_id=first.pk)

    assert answer["quorum"]["met"] is False
    assert answer["quorum"]["without_quorum_allowed"] is allowed


def test_a_sitting_that_had_quorum_is_not_reconvened_without_it(meeting):
    services.sitting_open(actor=meeting.official, room_id=meeting.room.pk)
    first = meeting.room.sittings.get()
    sign_in(first, meeting.official, meeting.in_office[:6])
    services.quorum_check(sitting=first)
    QuorumCheck.objects.filter(sitting=first, met=False).delete()  # only the check with quorum remains
    services.sitting_close(actor=meeting.official, room_id=meeting.room.pk)

    with freeze_time(timezone.now() + timedelta(days=4)):
        answer = services.sitting_open(actor=meeting.official, room_id=meeting.room.pk, reconvened_from_id=first.pk)

    assert answer["quorum"]["without_quorum_allowed"] is False


def test_members_in_office_can_be_a_group(meeting, sitting):
    from council.groups.models import Membership
    from council.groups.models import NeighbourhoodGroup

    group = NeighbourhoodGroup.objects.create(council=meeting.council, name="Bureau")
    for person in meeting.in_office[:4]:
        Membership.objects.create(group=group, user=person, status=Membership.Status.ACTIVE)
    rules = selectors.rules_get(council=meeting.council)
    rules.members_group = group
    rules.save()
    sign_in(sitting, meeting.official, meeting.in_office[:3])

    status = selectors.quorum_status(sitting)

    assert (status.in_office, status.required, status.present_counted, status.met) == (4, 3, 3, True)


def test_a_persons_own_view_reads_their_rows_not_every_member(meeting, monkeypatch):
    """A crowd connecting asked each socket's view to read the whole council: quadratic."""
    from council.groups.models import Membership
    from council.groups.models import NeighbourhoodGroup

    monkeypatch.setattr(selectors, "member_list", lambda **kwargs: pytest.fail("read every member"))
    people = [meeting.members[0].pk, meeting.resident.pk]
    views = selectors.personal_views(council=meeting.council, user_ids=people, sitting=None)
    assert [views[pk]["in_office"] for pk in people] == [True, False]

    group = NeighbourhoodGroup.objects.create(council=meeting.council, name="Bureau")
    Membership.objects.create(group=group, user=meeting.members[1], status=Membership.Status.ACTIVE)
    rules = selectors.rules_get(council=meeting.council)
    rules.members_group = group
    rules.save()
    people = [meeting.members[0].pk, meeting.members[1].pk]
    views = selectors.personal_views(council=meeting.council, user_ids=people, sitting=None)
    assert [views[pk]["in_office"] for pk in people] == [False, True]
