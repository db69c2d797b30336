"""The audit log: each administrative action leaves one entry, readable by its council's administrators only."""

import io
import json

import pytest
from django.conf import settings
from django.urls import reverse

from council.core.errors import AccessDenied
from council.councils import services as council_services
from council.councils.models import AuditEntry
from council.councils.models import Role
from council.groups import csv_io
from council.groups import notifications
from council.groups import services as group_services
from council.groups.models import Zone
from council.rooms import services as room_services
from council.rooms.models import Room
from council.workshops import services as workshop_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

A = AuditEntry.Action
SQUARE = [[[2.30, 48.85], [2.40, 48.85], [2.40, 48.95], [2.30, 48.95], [2.30, 48.85]]]


def _geojson(*names: str) -> str:
    features = [
        {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}
        for name in names
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


@pytest.fixture
def council(council_factory):
    return council_factory(name="Conseil Nord")


@pytest.fixture
def administrator(council, user_with_role):
    person = user_with_role("administrator", council, display_name="Anne Administratrice")
    person.refresh_from_db()
    return person


@pytest.fixture
def recorded():
    """Return a reader of the entries written since the test's setup: (action, actor, council, target)."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def read():
        entries = AuditEntry.objects.filter(pk__gt=last).order_by("pk")
        return [(e.action, e.actor_id, e.council_id, e.target_type, e.target_id, e.target_text) for e in entries]

    return read


@pytest.fixture
def group(council, administrator):
    return group_services.group_create(actor=administrator, council=council, name="Jardiniers")


# -- roles and council settings


def test_role_changes_are_recorded_with_the_role(council, administrator, recorded):
    newcomer = UserFactory(display_name="Nina Nouvelle")

    council_services.role_grant(actor=administrator, council=council, user=newcomer, role=Role.FACILITATOR)
    council_services.role_revoke(actor=administrator, council=council, user=newcomer)

    assert recorded() == [
        (A.ROLE_GRANTED, administrator.pk, council.pk, "accounts.user", newcomer.pk, "Nina Nouvelle"),
        (A.ROLE_REVOKED, administrator.pk, council.pk, "accounts.user", newcomer.pk, "Nina Nouvelle"),
    ]
    assert [e.details for e in AuditEntry.objects.order_by("-pk")[:2]] == [{"role": None}, {"role": "facilitator"}]


def test_joining_by_oneself_is_recorded(council, recorded):
    person = UserFactory(display_name="Rémi")

    council_services.council_join(actor=person, council=council)

    assert recorded() == [(A.ROLE_GRANTED, person.pk, council.pk, "accounts.user", person.pk, "Rémi")]


def test_roles_given_in_the_admin_are_recorded(client, council, administrator, recorded):
    newcomer = UserFactory(email="nouvelle@example.org", display_name="Nina")
    client.force_login(administrator)

    client.post(
        reverse("admin:councils_council_roles", args=[council.pk]), {"email": "nouvelle@example.org", "role": "member"}
    )

    assert recorded() == [(A.ROLE_GRANTED, administrator.pk, council.pk, "accounts.user", newcomer.pk, "Nina")]


def test_council_settings_changed_in_the_admin_are_recorded(client, council, administrator, recorded):
    client.force_login(administrator)

    response = client.post(
        reverse("admin:councils_council_change", args=[council.pk]),
        {"name": "Conseil Nord-Est", "description": "", "brand_colour": council.brand_colour, "open_registration": "on",
         "contributions_on_account_deletion": "anonymise"},
    )

    assert response.status_code == 302
    assert recorded() == [(A.COUNCIL_CHANGED, administrator.pk, council.pk, "councils.council", council.pk, "Conseil Nord-Est")]
    assert AuditEntry.objects.get(action=A.COUNCIL_CHANGED).details == {"fields": ["name"]}


# -- rooms


def test_rooms_created_changed_and_deleted_in_the_admin_are_recorded(client, council, administrator, recorded):
    client.force_login(administrator)

    client.post(reverse("admin:rooms_room_add"), {"council": council.pk, "name": "Plénière", "description": ""})
    room = Room.objects.get(name="Plénière")
    client.post(
        reverse("admin:rooms_room_change", args=[room.pk]),
        {"council": council.pk, "name": "Grande plénière", "description": ""},
    )
    client.post(reverse("admin:rooms_room_delete", args=[room.pk]), {"post": "yes"})

    assert not Room.objects.filter(pk=room.pk).exists()
    assert recorded() == [
        (A.ROOM_CREATED, administrator.pk, council.pk, "rooms.room", room.pk, "Plénière"),
        (A.ROOM_CHANGED, administrator.pk, council.pk, "rooms.room", room.pk, "Grande plénière"),
        (A.ROOM_DELETED, administrator.pk, council.pk, "rooms.room", room.pk, "Grande plénière"),
    ]


def test_room_creation_and_locking_by_the_services_are_recorded(council, administrator, recorded):
    room = room_services.room_create(actor=administrator, council=council, name="Séance")
    room_services.room_lock(actor=administrator, room_id=room.pk)
    room_services.room_lock(actor=administrator, room_id=room.pk)  # already locked: nothing changes
    room_services.room_lock(actor=administrator, room_id=room.pk, locked=False)

    assert recorded() == [
        (A.ROOM_CREATED, administrator.pk, council.pk, "rooms.room", room.pk, "Séance"),
        (A.ROOM_LOCKED, administrator.pk, council.pk, "rooms.room", room.pk, "Séance"),
        (A.ROOM_UNLOCKED, administrator.pk, council.pk, "rooms.room", room.pk, "Séance"),
    ]


# -- groups, members, notifications


def test_groups_created_changed_and_deleted_are_recorded(council, administrator, recorded):
    group = group_services.group_create(actor=administrator, council=council, name="Jardiniers")
    group_services.group_update(actor=administrator, group=group, name="Jardinières et jardiniers")
    group_pk = group.pk
    group_services.group_delete(actor=administrator, group=group)

    assert recorded() == [
        (A.GROUP_CREATED, administrator.pk, council.pk, "groups.neighbourhoodgroup", group_pk, "Jardiniers"),
        (A.GROUP_CHANGED, administrator.pk, council.pk, "groups.neighbourhoodgroup", group_pk, "Jardinières et jardiniers"),
        (A.GROUP_DELETED, administrator.pk, council.pk, "groups.neighbourhoodgroup", group_pk, "Jardinières et jardiniers"),
    ]
    assert AuditEntry.objects.get(action=A.GROUP_CHANGED).details == {"fields": ["name"]}


@pytest.fixture
def member(council, user_with_role):
    return user_with_role("member", council, email="marie@example.org")


def test_member_imports_and_exports_are_recorded(council, administrator, group, member, recorded):
    report = csv_io.import_members(actor=administrator, group=group, data=b"email\nmarie@example.org\n")
    count = csv_io.export_members(actor=administrator, group=group, out=io.StringIO())

    assert (len(report.imported), count) == (1, 1)
    assert recorded() == [
        (A.MEMBERS_IMPORTED, administrator.pk, council.pk, "groups.neighbourhoodgroup", group.pk, "Jardiniers"),
        (A.MEMBERS_EXPORTED, administrator.pk, council.pk, "groups.neighbourhoodgroup", group.pk, "Jardiniers"),
    ]
    assert [e.details for e in AuditEntry.objects.filter(action__in=[A.MEMBERS_IMPORTED, A.MEMBERS_EXPORTED]).order_by("pk")] == [
        {"count": 1, "status": "invited"},
        {"count": 1},
    ]


def test_an_import_with_a_rejected_line_is_not_recorded(council, administrator, group, recorded):
    report = csv_io.import_members(actor=administrator, group=group, data=b"email\nnobody@example.org\n")

    assert len(report.rejected) == 1
    assert recorded() == []


def test_notifications_sent_are_recorded(council, administrator, group, recorded):
    notifications.notification_send_create(actor=administrator, group=group, subject="Réunion", body="Jeudi à 19 h")

    assert recorded() == [
        (A.NOTIFICATION_SENT, administrator.pk, council.pk, "groups.neighbourhoodgroup", group.pk, "Jardiniers")
    ]
    assert AuditEntry.objects.get(action=A.NOTIFICATION_SENT).details == {
        "subject": "Réunion", "recipients": 0, "by_email": True
    }


# -- zones and profile questions


def test_zone_imports_renames_and_deletions_are_recorded(council, administrator, recorded):
    group_services.zones_import(actor=administrator, council=council, geojson=_geojson("Nord", "Sud"))
    nord = Zone.objects.get(council=council, slug="nord")
    nord_pk = nord.pk
    group_services.zone_save(actor=administrator, council=council, name="Nord-Est", geometry=nord.geometry, zone_id=nord.pk)
    group_services.zone_delete(actor=administrator, zone=Zone.objects.get(pk=nord_pk))

    assert recorded() == [
        (A.ZONES_IMPORTED, administrator.pk, council.pk, "", None, ""),
        (A.ZONE_SAVED, administrator.pk, council.pk, "groups.zone", nord_pk, "Nord-Est"),
        (A.ZONE_DELETED, administrator.pk, council.pk, "groups.zone", nord_pk, "Nord-Est"),
    ]
    assert AuditEntry.objects.get(action=A.ZONES_IMPORTED).details == {"zones": ["Nord", "Sud"]}


def test_zones_renamed_and_deleted_in_the_admin_are_recorded(client, council, administrator, recorded):
    group_services.zones_import(actor=administrator, council=council, geojson=_geojson("Nord"))
    nord = Zone.objects.get(council=council, slug="nord")
    client.force_login(administrator)

    client.post(reverse("admin:groups_zone_change", args=[nord.pk]), {"name": "Quartier nord"})
    client.post(reverse("admin:groups_zone_delete", args=[nord.pk]), {"post": "yes"})

    assert recorded()[1:] == [
        (A.ZONE_SAVED, administrator.pk, council.pk, "groups.zone", nord.pk, "Quartier nord"),
        (A.ZONE_DELETED, administrator.pk, council.pk, "groups.zone", nord.pk, "Quartier nord"),
    ]


def test_a_zone_a_segment_names_stays_with_a_clear_message_in_the_admin(client, council, administrator, recorded):
    group_services.zones_import(actor=administrator, council=council, geojson=_geojson("Nord"))
    group_services.group_create(
        actor=administrator, council=council, name="Riverains", kind="segment",
        rule={"all": [{"field": "zone", "op": "in", "value": ["nord"]}]},
    )
    nord = Zone.objects.get(council=council, slug="nord")
    client.force_login(administrator)

    response = client.post(reverse("admin:groups_zone_delete", args=[nord.pk]), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "The segments Riverains use the zone Nord: change their rules before deleting it."
    ]
    assert Zone.objects.filter(pk=nord.pk).exists()
    assert [entry[0] for entry in recorded()] == [A.ZONES_IMPORTED, A.GROUP_CREATED]


def test_profile_questions_are_recorded(council, administrator, recorded):
    question = group_services.attribute_create(
        actor=administrator, council=council, key="mobilite", label="Mobilité", kind="choice",
        choices=["vélo", "voiture"], purpose="Pour les ateliers.",
    )
    group_services.attribute_update(actor=administrator, attribute=question, label="Comment vous déplacez-vous ?")
    question_pk = question.pk
    group_services.attribute_delete(actor=administrator, attribute=question)

    assert recorded() == [
        (A.QUESTION_CREATED, administrator.pk, council.pk, "groups.profileattribute", question_pk, "Mobilité"),
        (A.QUESTION_CHANGED, administrator.pk, council.pk, "groups.profileattribute", question_pk, "Comment vous déplacez-vous ?"),
        (A.QUESTION_DELETED, administrator.pk, council.pk, "groups.profileattribute", question_pk, "Comment vous déplacez-vous ?"),
    ]


# -- workshop exports


def test_workshop_exports_are_recorded(client, council, administrator, recorded):
    plenary = Room.objects.create(council=council, name="Plénière")
    session = workshop_services.session_create(
        actor=administrator, room_id=plenary.pk, title="Ateliers", workshops=[{"name": "Atelier 1"}]
    )
    before = recorded()
    client.force_login(administrator)

    for name in ("workshop-outputs-csv", "workshop-outputs-markdown", "workshop-log-csv"):
        assert client.get(reverse(name, args=[council.slug, session.pk])).status_code == 200

    assert recorded()[len(before):] == [
        (A.OUTPUTS_EXPORTED, administrator.pk, council.pk, "workshops.workshopsession", session.pk, "Ateliers")
    ] * 3
    assert [e.details["file"] for e in AuditEntry.objects.filter(action=A.OUTPUTS_EXPORTED).order_by("pk")] == [
        f"workshops-{session.pk}-outputs.csv", f"workshops-{session.pk}-outputs.md", f"workshops-{session.pk}-log.csv"
    ]


# -- refusals leave nothing; votes are not there


def test_a_refused_action_leaves_no_entry(council, member, recorded):
    with pytest.raises(AccessDenied):
        group_services.group_create(actor=member, council=council, name="Intrus")

    assert recorded() == []


def test_the_log_is_its_own_table():
    assert AuditEntry._meta.db_table == "councils_auditentry"
    assert {f.name for f in AuditEntry._meta.get_fields()} == {
        "id", "council", "actor", "action", "target_type", "target_id", "target_text", "details", "at"
    }


# -- who reads it


@pytest.fixture
def two_logs(council, administrator, council_factory, user_with_role):
    """Council Nord with one group created, Council Sud with another; each with its administrator."""
    south = council_factory(name="Conseil Sud")
    south_admin = user_with_role("administrator", south, display_name="Sam Sud")
    south_admin.refresh_from_db()
    group_services.group_create(actor=administrator, council=council, name="Groupe du Nord")
    group_services.group_create(actor=south_admin, council=south, name="Groupe du Sud")
    return south, south_admin


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_councils_page_shows_its_entries_newest_first(client, council, administrator, two_logs):
    group = group_services.group_create(actor=administrator, council=council, name="Deuxième groupe")
    group_services.group_update(actor=administrator, group=group, name="Deuxième groupe", description="Pour tester")
    client.force_login(administrator)

    page = client.get(reverse("council-audit", args=[council.slug]))

    assert page.status_code == 200
    rows = [(e.action, e.target_text) for e in page.context["page"]]
    assert rows[:3] == [
        (A.GROUP_CHANGED, "Deuxième groupe"),
        (A.GROUP_CREATED, "Deuxième groupe"),
        (A.GROUP_CREATED, "Groupe du Nord"),
    ]
    content = page.content.decode()
    assert "<td>fields: description</td>" in content
    assert "Groupe du Nord" in content
    assert "Groupe du Sud" not in content


def test_the_page_is_paginated(client, council, administrator):
    for number in range(51):
        council_services.audit_record(actor=administrator, action=A.ROOM_CHANGED, council=council, details={"n": number})
    client.force_login(administrator)

    first = client.get(reverse("council-audit", args=[council.slug]))
    second = client.get(reverse("council-audit", args=[council.slug]), {"page": 2})

    assert [e.details.get("n") for e in first.context["page"]][:2] == [50, 49]
    assert len(first.context["page"]) == 50
    assert [e.details.get("n") for e in second.context["page"]][-1] is None  # the oldest: a role given at set-up


@pytest.mark.parametrize("role", ["facilitator", "member", "resident", "outsider"])
def test_only_administrators_read_the_page(role, client, council, user_with_role):
    client.force_login(user_with_role(role, council))

    assert client.get(reverse("council-audit", args=[council.slug])).status_code == 404


def test_an_administrator_cannot_read_another_councils_log(client, council, administrator, two_logs):
    south, _south_admin = two_logs
    client.force_login(administrator)

    page = client.get(reverse("council-audit", args=[south.slug]))
    listing = client.get(reverse("admin:councils_auditentry_changelist")).content.decode()
    foreign = AuditEntry.objects.get(target_text="Groupe du Sud")

    assert page.status_code == 404
    assert "Groupe du Nord" in listing
    assert "Groupe du Sud" not in listing
    assert client.get(reverse("admin:councils_auditentry_change", args=[foreign.pk])).status_code == 302


def test_nobody_writes_the_log_in_the_admin(client, council, administrator):
    entry = council_services.audit_record(actor=administrator, action=A.ROOM_CHANGED, council=council)
    client.force_login(UserFactory(email="root@example.org", is_superuser=True, is_staff=True))

    add = client.get(reverse("admin:councils_auditentry_add"))
    change = client.post(reverse("admin:councils_auditentry_change", args=[entry.pk]), {"action": A.ROOM_DELETED})
    delete = client.post(reverse("admin:councils_auditentry_delete", args=[entry.pk]), {"post": "yes"})

    entry.refresh_from_db()
    assert (add.status_code, delete.status_code) == (403, 403)
    assert change.status_code == 403
    assert entry.action == A.ROOM_CHANGED


def test_the_superuser_reads_every_council_and_instance_entries(client, council, administrator, two_logs):
    council_services.audit_record(actor=None, action=A.COUNCIL_CHANGED, details={"fields": ["host_name"]})
    client.force_login(UserFactory(email="root@example.org", is_superuser=True, is_staff=True))

    listing = client.get(reverse("admin:councils_auditentry_changelist"))

    assert listing.context["cl"].result_count == AuditEntry.objects.count()
    assert AuditEntry.objects.filter(council=None).count() == 1
