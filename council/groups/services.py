"""Writes for groups, segments, memberships, profiles and zones.

Any change that can change who is in a group tells the people concerned's open
sockets (`groups.membership_changed` to `user.<id>`), which re-check their access
at once: a person removed from a group loses its live rooms immediately.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm
from guardian.shortcuts import remove_perm

from council.accounts.models import User
from council.core.errors import AccessDenied
from council.core.errors import InvalidInput
from council.core.permissions import require_perm
from council.core.realtime import send_event_on_commit
from council.councils.events import user_group
from council.councils.models import AuditEntry
from council.councils.models import Council
from council.councils.services import audit_record
from council.groups import events
from council.groups.models import Membership
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.groups.models import ProfileValue
from council.groups.models import ResidentProfile
from council.groups.models import Zone
from council.groups.segments import boolean_answer
from council.groups.segments import compile_rule
from council.groups.zones import parse_feature_collection
from council.groups.zones import parse_geometry
from council.groups.zones import zone_containing
from council.groups.zones import zone_locator


def announce_access_change(user_ids: Iterable[int], council: Council) -> None:
    """Ask these people's open sockets to re-check what they may still see."""
    for user_id in set(user_ids):
        send_event_on_commit(
            user_group(user_id), events.MEMBERSHIP_CHANGED, {"council_id": council.pk}
        )


def _validated(group: NeighbourhoodGroup) -> NeighbourhoodGroup:
    if group.kind == NeighbourhoodGroup.Kind.SEGMENT:
        compile_rule(group.council, group.rule)  # raises InvalidInput with the reason
    else:
        group.rule = {}
    group.full_clean()
    return group


@transaction.atomic
def group_create(*, actor: User, council: Council, name: str, kind: str = "static", join_policy: str = "invitation", rule: dict | None = None, description: str = "") -> NeighbourhoodGroup:
    require_perm(actor, "groups.manage_groups", council)
    group = NeighbourhoodGroup(council=council, name=name.strip(), kind=kind, join_policy=join_policy, rule=rule or {}, description=description)
    _validated(group).save()
    audit_record(actor=actor, action=AuditEntry.Action.GROUP_CREATED, target=group)
    return group


@transaction.atomic
def group_update(*, actor: User, group: NeighbourhoodGroup, **changes: Any) -> NeighbourhoodGroup:
    """Change a group; if its rule changes, everyone who may have left re-checks access."""
    require_perm(actor, "groups.change_group", group)
    before = set(_member_ids(group))
    changed = [f for f in ("name", "description", "join_policy", "rule") if f in changes and changes[f] != getattr(group, f)]
    for field in ("name", "description", "join_policy", "rule"):
        if field in changes:
            setattr(group, field, changes[field])
    _validated(group).save()
    audit_record(actor=actor, action=AuditEntry.Action.GROUP_CHANGED, target=group, details={"fields": changed})
    announce_access_change(before - set(_member_ids(group)), group.council)
    return group


@transaction.atomic
def group_delete(*, actor: User, group: NeighbourhoodGroup) -> None:
    require_perm(actor, "groups.delete_group", group)
    affected = _member_ids(group)
    for membership in group.memberships.filter(is_coordinator=True).select_related("user"):
        remove_perm("groups.coordinate_group", membership.user, group)
    council = group.council
    audit_record(actor=actor, action=AuditEntry.Action.GROUP_DELETED, target=group)
    group.delete()
    announce_access_change(affected, council)


def _member_ids(group: NeighbourhoodGroup) -> list[int]:
    from council.groups.selectors import group_members

    return list(group_members(group).values_list("pk", flat=True))


def _static(group: NeighbourhoodGroup) -> None:
    if group.kind != NeighbourhoodGroup.Kind.STATIC:
        raise InvalidInput(_("People are in a segment by its rule, not by invitation."))


@transaction.atomic
def membership_invite(*, actor: User, group: NeighbourhoodGroup, user) -> Membership:
    """Invite someone; if they had asked to join, this lets them in."""
    require_perm(actor, "groups.invite_member", group)
    _static(group)
    membership, created = Membership.objects.select_for_update().get_or_create(
        group=group, user=user, defaults={"status": Membership.Status.INVITED}
    )
    if not created and membership.status == Membership.Status.REQUESTED:
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status"])
        announce_access_change([user.pk], group.council)
    return membership


@transaction.atomic
def membership_add(*, actor: User, group: NeighbourhoodGroup, user) -> Membership:
    """Put someone in a static group at once (a council manager's choice, e.g. a CSV import)."""
    require_perm(actor, "groups.manage_groups", group.council)
    require_perm(actor, "groups.invite_member", group)
    _static(group)
    membership, _created = Membership.objects.update_or_create(
        group=group, user=user, defaults={"status": Membership.Status.ACTIVE}
    )
    announce_access_change([user.pk], group.council)
    return membership


@transaction.atomic
def membership_join(*, actor: User, group: NeighbourhoodGroup) -> Membership:
    """Accept an invitation, join an open group, or ask to join one that approves requests."""
    if not actor.has_perm("groups.join_group", group):
        raise AccessDenied("groups.join_group")
    membership = Membership.objects.select_for_update().filter(group=group, user=actor).first()
    invited = membership is not None and membership.status == Membership.Status.INVITED
    if invited or group.join_policy == NeighbourhoodGroup.JoinPolicy.OPEN:
        status = Membership.Status.ACTIVE
    else:
        status = Membership.Status.REQUESTED
    membership, _created = Membership.objects.update_or_create(
        group=group, user=actor, defaults={"status": status}
    )
    if status == Membership.Status.ACTIVE:
        announce_access_change([actor.pk], group.council)
    return membership


@transaction.atomic
def membership_approve(*, actor: User, group: NeighbourhoodGroup, user) -> Membership:
    require_perm(actor, "groups.approve_member", group)
    membership = Membership.objects.select_for_update().filter(
        group=group, user=user, status=Membership.Status.REQUESTED
    ).first()
    if membership is None:
        raise InvalidInput(_("This person has not asked to join."))
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    announce_access_change([user.pk], group.council)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, group: NeighbourhoodGroup, user) -> None:
    """Take someone out of a group (or leave it); their open sockets re-check access now."""
    if actor.pk != user.pk:
        require_perm(actor, "groups.remove_member", group)
    deleted, _rows = Membership.objects.filter(group=group, user=user).delete()
    remove_perm("groups.coordinate_group", user, group)
    if deleted:
        announce_access_change([user.pk], group.council)


@transaction.atomic
def coordinator_set(*, actor: User, group: NeighbourhoodGroup, user, is_coordinator: bool = True) -> Membership:
    """Make an active member a coordinator (a guardian grant on the group), or stop it."""
    require_perm(actor, "groups.set_coordinator", group)
    membership = Membership.objects.select_for_update().filter(
        group=group, user=user, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        raise InvalidInput(_("Only a member of the group can coordinate it."))
    membership.is_coordinator = is_coordinator
    membership.save(update_fields=["is_coordinator"])
    if is_coordinator:
        assign_perm("groups.coordinate_group", user, group)
    else:
        remove_perm("groups.coordinate_group", user, group)
    return membership


def _clean_answer(attribute: ProfileAttribute, raw: Any) -> list[str]:
    values = raw if isinstance(raw, list) else [raw]
    values = [str(v).strip() for v in values if v not in (None, "")]
    kind = ProfileAttribute.Kind
    if attribute.kind in (kind.CHOICE, kind.MULTI_CHOICE):
        if unknown := [v for v in values if v not in attribute.choices]:
            raise InvalidInput(_("%(label)s: %(value)s is not one of the choices.") % {"label": attribute.label, "value": unknown[0]})
        if attribute.kind == kind.CHOICE and len(values) > 1:
            raise InvalidInput(_("%(label)s takes one choice.") % {"label": attribute.label})
    elif attribute.kind == kind.NUMBER:
        try:
            values = [str(float(v)) if "." in v else str(int(v)) for v in values]
        except ValueError as error:
            raise InvalidInput(_("%(label)s is a number.") % {"label": attribute.label}) from error
    elif attribute.kind == kind.BOOLEAN:
        values = [boolean_answer(v) for v in values]
    return [v[:200] for v in values]


@transaction.atomic
def profile_update(
    *, actor: User, council: Council, answers: dict[str, Any], latitude: float | None = None,
    longitude: float | None = None, zone_slug: str | None = None,
) -> ResidentProfile:
    """Save the person's answers and location; the zone follows the location, or their choice.

    Segments follow profiles at once: the person's open sockets re-check their access.
    """
    require_perm(actor, "groups.edit_profile", council)
    profile, _created = ResidentProfile.objects.select_for_update().get_or_create(council=council, user=actor)
    attributes = {a.key: a for a in council.profile_attributes.all()}
    if unknown := set(answers) - set(attributes):
        raise InvalidInput(_("Unknown question: %(key)s.") % {"key": sorted(unknown)[0]})
    for key, raw in answers.items():
        values = _clean_answer(attributes[key], raw)
        ProfileValue.objects.filter(profile=profile, attribute=attributes[key]).delete()
        ProfileValue.objects.bulk_create(
            [ProfileValue(profile=profile, attribute=attributes[key], value=v) for v in dict.fromkeys(values)]
        )
    profile.latitude, profile.longitude = latitude, longitude
    if latitude is not None and longitude is not None:
        profile.zone = zone_containing(council=council, longitude=longitude, latitude=latitude)
    elif zone_slug:
        profile.zone = Zone.objects.filter(council=council, slug=zone_slug).first()
        if profile.zone is None:
            raise InvalidInput(_("Unknown zone."))
    else:
        profile.zone = None
    profile.save()
    announce_access_change([actor.pk], council)
    return profile


@transaction.atomic
def zones_import(*, actor: User, council: Council, geojson: str) -> list[Zone]:
    """Create or replace zones from a GeoJSON FeatureCollection: all of it, or nothing.

    Residents with a location are put in their zone again afterwards.
    """
    require_perm(actor, "groups.manage_zones", council)
    parsed = parse_feature_collection(geojson)
    zones = []
    for item in parsed:
        min_lon, min_lat, max_lon, max_lat = item["bbox"]
        zone, _created = Zone.objects.update_or_create(
            council=council,
            slug=item["slug"],
            defaults={"name": item["name"], "geometry": item["geometry"], "min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat},
        )
        zones.append(zone)
    _residents_relocate(council)
    audit_record(
        actor=actor, action=AuditEntry.Action.ZONES_IMPORTED, council=council,
        details={"zones": [zone.name for zone in zones]},
    )
    return zones


def _residents_relocate(council: Council, profiles: QuerySet[ResidentProfile] | None = None) -> list[int]:
    """Put located residents (all of the council's, or `profiles`) in the zone holding their point.

    Whoever changes zone is told (their segments may change); returns their user ids.
    """
    if profiles is None:
        profiles = ResidentProfile.objects.filter(council=council, latitude__isnull=False, longitude__isnull=False)
    locate = zone_locator(council=council)
    moved = []
    for profile in profiles.only("pk", "user_id", "zone_id", "latitude", "longitude").iterator(chunk_size=2000):
        zone = locate(profile.longitude, profile.latitude)
        if getattr(zone, "pk", None) != profile.zone_id:
            profile.zone = zone
            moved.append(profile)
    ResidentProfile.objects.bulk_update(moved, ["zone"], batch_size=1000)
    announce_access_change([p.user_id for p in moved], council)
    return [p.user_id for p in moved]


def _attribute_validated(attribute: ProfileAttribute) -> ProfileAttribute:
    choice_kinds = (ProfileAttribute.Kind.CHOICE, ProfileAttribute.Kind.MULTI_CHOICE)
    attribute.choices = list(dict.fromkeys(str(c).strip()[:200] for c in attribute.choices or [] if str(c).strip()))
    if attribute.kind in choice_kinds and not attribute.choices:
        raise InvalidInput(_("A question with choices needs at least one choice."))
    if attribute.kind not in choice_kinds:
        attribute.choices = []
    try:
        attribute.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    if ProfileAttribute.objects.filter(council=attribute.council, key=attribute.key).exclude(pk=attribute.pk).exists():
        raise InvalidInput(_("Another question already uses the key %(key)s.") % {"key": attribute.key})
    return attribute


def _rule_fields(rule: Any) -> set[str]:
    if isinstance(rule, dict):
        fields = {rule["field"]} if isinstance(rule.get("field"), str) else set()
        return fields.union(*(_rule_fields(v) for v in rule.values() if isinstance(v, dict | list)))
    if isinstance(rule, list):
        return set().union(*(_rule_fields(v) for v in rule))
    return set()


def _refuse_if_in_segments(attribute: ProfileAttribute) -> None:
    """A segment naming a question that no longer exists could not be evaluated."""
    field = f"attribute:{attribute.key}"
    segments = NeighbourhoodGroup.objects.filter(council=attribute.council, kind=NeighbourhoodGroup.Kind.SEGMENT)
    if names := sorted(s.name for s in segments if field in _rule_fields(s.rule)):
        raise InvalidInput(
            _("The segments %(names)s use this question's key: change their rules first.") % {"names": ", ".join(names)}
        )


@transaction.atomic
def attribute_create(*, actor: User, council: Council, key: str, label: str, kind: str, choices: list[str], purpose: str) -> ProfileAttribute:
    """Add a question the council asks its residents (always optional for them)."""
    require_perm(actor, "groups.manage_attributes", council)
    position = (council.profile_attributes.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    attribute = ProfileAttribute(council=council, key=key, label=label.strip(), kind=kind, choices=choices, purpose=purpose.strip(), position=position)
    _attribute_validated(attribute).save()
    audit_record(actor=actor, action=AuditEntry.Action.QUESTION_CREATED, target=attribute)
    return attribute


@transaction.atomic
def attribute_update(*, actor: User, attribute: ProfileAttribute, **changes: Any) -> ProfileAttribute:
    """Change a question; answers no longer possible (a removed choice, a new kind) are erased.

    Erased answers can take people out of segments: their sockets re-check access.
    """
    require_perm(actor, "groups.manage_attributes", attribute.council)
    old_kind = attribute.kind
    if changes.get("key", attribute.key) != attribute.key:
        _refuse_if_in_segments(attribute)
    fields = ("key", "label", "kind", "choices", "purpose")
    changed = [f for f in fields if f in changes and changes[f] != getattr(attribute, f)]
    for field in fields:
        if field in changes:
            setattr(attribute, field, changes[field])
    _attribute_validated(attribute).save()
    stale = ProfileValue.objects.filter(attribute=attribute)
    if attribute.kind == old_kind:
        if attribute.kind not in (ProfileAttribute.Kind.CHOICE, ProfileAttribute.Kind.MULTI_CHOICE):
            stale = stale.none()
        else:
            stale = stale.exclude(value__in=attribute.choices)
    affected = list(stale.values_list("profile__user_id", flat=True))
    stale.delete()
    announce_access_change(affected, attribute.council)
    audit_record(
        actor=actor, action=AuditEntry.Action.QUESTION_CHANGED, target=attribute,
        details={"fields": changed, "answers_erased": len(affected)},
    )
    return attribute


@transaction.atomic
def attribute_delete(*, actor: User, attribute: ProfileAttribute) -> None:
    """Remove a question and every answer to it."""
    require_perm(actor, "groups.manage_attributes", attribute.council)
    _refuse_if_in_segments(attribute)
    council = attribute.council
    affected = list(attribute.values.values_list("profile__user_id", flat=True))
    audit_record(actor=actor, action=AuditEntry.Action.QUESTION_DELETED, target=attribute)
    attribute.delete()
    announce_access_change(affected, council)


def _rule_zone_slugs(rule: Any) -> set[str]:
    if isinstance(rule, dict):
        slugs = set()
        if rule.get("field") == "zone":
            values = rule.get("value")
            slugs = {str(v) for v in (values if isinstance(values, list) else [values])}
        return slugs.union(*(_rule_zone_slugs(v) for v in rule.values() if isinstance(v, dict | list)))
    if isinstance(rule, list):
        return set().union(*(_rule_zone_slugs(v) for v in rule))
    return set()


def _refuse_if_zone_in_segments(zone: Zone, message: str) -> None:
    """A segment naming a zone slug that no longer exists could not be compiled."""
    segments = NeighbourhoodGroup.objects.filter(council=zone.council, kind=NeighbourhoodGroup.Kind.SEGMENT)
    if names := sorted(s.name for s in segments if zone.slug in _rule_zone_slugs(s.rule)):
        raise InvalidInput(message % {"zone": zone.name, "names": ", ".join(names)})


@transaction.atomic
def zone_save(*, actor: User, council: Council, name: str, geometry: Any, zone_id: int | None = None) -> Zone:
    """Create a zone drawn on the map (no id), or rename or redraw one.

    The geometry is checked as an imported feature is; names are unique per council
    (by slug). When a geometry changes, located residents are put in their zone again
    and those who move are told.
    """
    require_perm(actor, "groups.manage_zones", council)
    item = parse_geometry(name, geometry)
    zone = None
    if zone_id is not None:
        zone = Zone.objects.select_for_update().filter(council=council, pk=zone_id).first()
        if zone is None:
            raise AccessDenied("groups.manage_zones")
    if Zone.objects.filter(council=council, slug=item["slug"]).exclude(pk=getattr(zone, "pk", None)).exists():
        raise InvalidInput(_("Another zone is already called %(name)s.") % {"name": item["name"]})
    if zone is not None and zone.slug != item["slug"]:
        _refuse_if_zone_in_segments(
            zone, _("The segments %(names)s use the zone %(zone)s: change their rules before renaming it.")
        )
    reshaped = zone is None or zone.geometry != item["geometry"]
    zone = zone or Zone(council=council)
    zone.name, zone.slug, zone.geometry = item["name"], item["slug"], item["geometry"]
    zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat = item["bbox"]
    zone.save()
    if reshaped:
        _residents_relocate(council)
    audit_record(actor=actor, action=AuditEntry.Action.ZONE_SAVED, target=zone, details={"reshaped": reshaped})
    return zone


@transaction.atomic
def zone_delete(*, actor: User, zone: Zone) -> None:
    """Delete a zone; its residents lose it (or fall in another zone holding their point).

    Refused while a segment rule names the zone. The residents concerned are told.
    """
    require_perm(actor, "groups.manage_zones", zone.council)
    council = zone.council
    _refuse_if_zone_in_segments(
        zone, _("The segments %(names)s use the zone %(zone)s: change their rules before deleting it.")
    )
    residents = list(ResidentProfile.objects.select_for_update().filter(zone=zone).values_list("pk", "user_id"))
    audit_record(actor=actor, action=AuditEntry.Action.ZONE_DELETED, target=zone)
    zone.delete()  # residents' zone becomes empty (SET_NULL)
    located = ResidentProfile.objects.filter(
        pk__in=[pk for pk, _user in residents], latitude__isnull=False, longitude__isnull=False
    )
    moved = _residents_relocate(council, located)  # told already
    announce_access_change({user_id for _pk, user_id in residents} - set(moved), council)
