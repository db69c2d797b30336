"""The demo seed: idempotent, and with material for every assignment mode."""

import io

import pytest
from django.core.management import call_command

from council.councils.models import Council
from council.councils.models import Role
from council.councils.selectors import role_get
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.groups.selectors import group_members
from council.rooms.models import Room
from council.voting.polls.models import Poll
from council.workshops.models import AgendaItem
from council.workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seeds_zones_questions_groups_and_residents_once():
    _seed()
    printed = _seed()  # a second run changes nothing

    nord = Council.objects.get(slug="nord")
    assert sorted(nord.zones.values_list("slug", flat=True)) == ["la-gare", "le-canal", "les-tilleuls"]
    assert list(nord.profile_attributes.values_list("key", flat=True)) == ["tranche_age", "centres_interet"]
    profiles = ResidentProfile.objects.filter(council=nord, user__email__endswith="@demo.council.local")
    assert profiles.exclude(zone=None).count() == 12
    assert sorted(profiles.values_list("zone__slug", flat=True)) == ["la-gare"] * 4 + ["le-canal"] * 4 + ["les-tilleuls"] * 4
    assert ProfileValue.objects.filter(profile__council=nord, attribute__key="tranche_age").count() == 12
    gardeners = NeighbourhoodGroup.objects.get(council=nord, name="Jardiniers du quartier")
    tilleuls = NeighbourhoodGroup.objects.get(council=nord, name="Habitants des Tilleuls")
    assert (gardeners.kind, tilleuls.kind) == ("static", "segment")
    assert gardeners.memberships.count() == 4
    assert sorted(group_members(tilleuls).values_list("display_name", flat=True)) == [
        "Alice Arnaud", "Bruno Berger", "Chloé Chevalier", "Driss Daoud",
    ]
    assert list(Workshop.objects.get(name="Espaces verts").groups.all()) == [gardeners]
    restitution = AgendaItem.objects.get(title="Restitution des ateliers")
    assert list(Poll.objects.values_list("kind", "status", "agenda_item")) == [("ranking", "draft", restitution.pk)]
    assert nord.rooms.filter(parent=None).count() == 2
    assert Room.objects.get(name="Prochaine séance plénière").starts_at is not None
    assert role_get(user=profiles.first().user, council=nord) == Role.RESIDENT
    assert "Administrator  admin@demo.council.local" in printed
    assert "superuser      root@demo.council.local  (Django admin: /admin/)" in printed
    assert "12 residents with answers and zones" in printed


def test_the_command_lives_in_the_demo_app():
    from django.core.management import get_commands

    assert get_commands()["seed_demo"] == "council.demo"
