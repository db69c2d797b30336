"""Role grants and self-registration: stored as guardian grants, announced to the person."""

import pytest
from guardian.shortcuts import get_perms

from council.core.errors import AccessDenied
from council.councils.models import Role
from council.councils.selectors import role_get
from council.councils.services import council_join
from council.councils.services import role_grant
from council.councils.services import role_revoke

pytestmark = pytest.mark.django_db


def test_grant_stores_exactly_one_role_and_tells_the_person(
    council, user, captured_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(actor=None, council=council, user=user, role=Role.MEMBER)
        role_grant(actor=None, council=council, user=user, role=Role.FACILITATOR)

    assert role_get(user=user, council=council) == Role.FACILITATOR
    assert get_perms(user, council) == ["facilitate_council"]
    assert [(group, m["type"], m["payload"]) for group, m in captured_events] == [
        (f"user.{user.pk}", "councils.role_changed", {"council_id": council.pk, "role": "member"}),
        (
            f"user.{user.pk}",
            "councils.role_changed",
            {"council_id": council.pk, "role": "facilitator"},
        ),
    ]


def test_revoke_takes_every_role_and_tells_the_person(
    council, user_with_role, captured_events, django_capture_on_commit_callbacks
):
    member = user_with_role("member", council)

    with django_capture_on_commit_callbacks(execute=True):
        role_revoke(actor=None, council=council, user=member)

    assert role_get(user=member, council=council) is None
    assert get_perms(member, council) == []
    assert [(g, m["payload"]) for g, m in captured_events] == [
        (f"user.{member.pk}", {"council_id": council.pk, "role": None})
    ]


def test_administrators_get_the_admin_and_lose_it_with_the_role(council, council_factory, user):
    other = council_factory()

    role_grant(actor=None, council=council, user=user, role=Role.ADMINISTRATOR)
    role_grant(actor=None, council=other, user=user, role=Role.ADMINISTRATOR)
    user.refresh_from_db()
    assert user.is_staff

    role_revoke(actor=None, council=council, user=user)
    user.refresh_from_db()
    assert user.is_staff  # still administers the other council

    role_grant(actor=None, council=other, user=user, role=Role.MEMBER)
    user.refresh_from_db()
    assert not user.is_staff


def test_other_roles_do_not_get_the_admin(council, user):
    for role in (Role.FACILITATOR, Role.MEMBER, Role.RESIDENT):
        role_grant(actor=None, council=council, user=user, role=role)
        user.refresh_from_db()
        assert not user.is_staff, role


def test_only_an_administrator_of_that_council_manages_roles(
    council,
    council_factory,
    user_with_role,
    user_factory,
    captured_events,
    django_capture_on_commit_callbacks,
):
    administrator = user_with_role("administrator", council)
    facilitator = user_with_role("facilitator", council)
    foreign_administrator = user_with_role("administrator", council_factory())
    person = user_factory()

    for actor in (facilitator, foreign_administrator):
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(AccessDenied):
            role_grant(actor=actor, council=council, user=person, role=Role.ADMINISTRATOR)
        assert callbacks == []
    with pytest.raises(AccessDenied):
        role_revoke(actor=facilitator, council=council, user=administrator)
    assert role_get(user=person, council=council) is None
    assert role_get(user=administrator, council=council) == Role.ADMINISTRATOR

    role_grant(actor=administrator, council=council, user=person, role=Role.MEMBER)

    assert role_get(user=person, council=council) == Role.MEMBER


def test_join_makes_a_resident(council, user, captured_events, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        role = council_join(actor=user, council=council)

    assert role == Role.RESIDENT
    assert role_get(user=user, council=council) == Role.RESIDENT
    assert captured_events[0][1]["payload"] == {"council_id": council.pk, "role": "resident"}


def test_join_does_not_demote_or_open_closed_councils(
    council, council_factory, user_with_role, user_factory
):
    member = user_with_role("member", council)
    closed = council_factory(open_registration=False)
    newcomer = user_factory()

    with pytest.raises(AccessDenied):
        council_join(actor=member, council=council)
    with pytest.raises(AccessDenied):
        council_join(actor=newcomer, council=closed)

    assert role_get(user=member, council=council) == Role.MEMBER
    assert role_get(user=newcomer, council=closed) is None
