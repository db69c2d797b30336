"""Fixtures for groups and segments: a council with questions, two zones and a maker of residents."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from council.councils.models import Role
from council.councils.services import role_grant
from council.councils.services import role_revoke
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.services import profile_update
from council.groups.services import zones_import

#: two neighbouring squares north and south of latitude 48.85 (around Paris)
NORD = (2.30, 48.85, 2.40, 48.95)
SUD = (2.30, 48.75, 2.40, 48.85)
INSIDE_NORD = (2.35, 48.90)  # (longitude, latitude)
INSIDE_SUD = (2.35, 48.80)
NOWHERE = (5.0, 45.0)


def square(name: str, box: tuple[float, float, float, float]) -> dict[str, Any]:
    min_lon, min_lat, max_lon, max_lat = box
    ring = [
        [min_lon, min_lat],
        [max_lon, min_lat],
        [max_lon, max_lat],
        [min_lon, max_lat],
        [min_lon, min_lat],
    ]
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def feature_collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


@pytest.fixture
def administrator(council, user_with_role):
    return user_with_role("administrator", council, display_name="Anne Administratrice")


@pytest.fixture
def facilitator(council, user_with_role):
    return user_with_role("facilitator", council, display_name="Fatou Facilitatrice")


@pytest.fixture
def zones(council, administrator):
    """Zones "nord" and "sud" of the council, imported from GeoJSON."""
    zones_import(
        actor=administrator,
        council=council,
        geojson=feature_collection(square("Nord", NORD), square("Sud", SUD)),
    )
    return {zone.slug: zone for zone in council.zones.all()}


@pytest.fixture
def attributes(council):
    """The questions the council asks: interests (several), age bracket (one), age, has a car, job."""
    specs = [
        ("interests", ProfileAttribute.Kind.MULTI_CHOICE, ["velo", "jardin", "commerce"]),
        ("age_bracket", ProfileAttribute.Kind.CHOICE, ["18-25", "26-64", "65+"]),
        ("age", ProfileAttribute.Kind.NUMBER, []),
        ("has_car", ProfileAttribute.Kind.BOOLEAN, []),
        ("job", ProfileAttribute.Kind.TEXT, []),
    ]
    return {
        key: ProfileAttribute.objects.create(
            council=council,
            key=key,
            label=key.replace("_", " ").capitalize(),
            kind=kind,
            choices=choices,
            purpose="Pour mieux vous inviter.",
            position=position,
        )
        for position, (key, kind, choices) in enumerate(specs)
    }


@pytest.fixture
def resident(council, user_with_role) -> Callable[..., Any]:
    """Return a maker: a person with `role` in the council, their answers, location and e-mail status."""

    def make(
        role: str | None = "resident",
        *,
        answers: dict[str, Any] | None = None,
        at: tuple[float, float] | None = None,
        zone: str | None = None,
        verified: bool = False,
        **fields: Any,
    ):
        person = user_with_role(role, council, **fields)
        if answers or at or zone:
            outsider = role in (None, "outsider")
            if outsider:  # a profile outlives a role: write it as a resident, then revoke
                role_grant(actor=None, council=council, user=person, role=Role.RESIDENT)
            profile_update(
                actor=person,
                council=council,
                answers=answers or {},
                longitude=at[0] if at else None,
                latitude=at[1] if at else None,
                zone_slug=zone,
            )
            if outsider:
                role_revoke(actor=None, council=council, user=person)
        if verified:
            EmailAddress.objects.create(
                user=person, email=person.email, verified=True, primary=True
            )
        return person

    return make


@pytest.fixture
def segment(council) -> Callable[..., NeighbourhoodGroup]:
    """Return a maker of a segment with `rule` (saved as is; group_create validates)."""

    def make(rule: dict[str, Any], name: str = "Segment") -> NeighbourhoodGroup:
        return NeighbourhoodGroup.objects.create(
            council=council, name=name, kind=NeighbourhoodGroup.Kind.SEGMENT, rule=rule
        )

    return make


@pytest.fixture
def static_group(council) -> Callable[..., NeighbourhoodGroup]:
    def make(name: str = "Atelier vélo", join_policy: str = "invitation") -> NeighbourhoodGroup:
        return NeighbourhoodGroup.objects.create(
            council=council, name=name, kind=NeighbourhoodGroup.Kind.STATIC, join_policy=join_policy
        )

    return make


@pytest.fixture
def told(captured_events, django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Return a runner: `told(service, **kwargs)` -> (result, sorted ids told to re-check access)."""

    def run(service: Callable[..., Any], **kwargs: Any) -> tuple[Any, list[int]]:
        captured_events.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = service(**kwargs)
        ids = sorted(
            int(group.removeprefix("user."))
            for group, message in captured_events
            if message["type"] == "groups.membership_changed"
        )
        return result, ids

    return run
