"""Create a demo instance and print the logins: two councils, one person per role, a meeting
with workshops, and enough residents, zones, answers and groups to try every assignment mode."""

import json
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from council.groups import services as groups
from council.groups.models import NeighbourhoodGroup
from council.groups.models import ProfileAttribute
from council.rooms.models import Room
from council.voting.assembly import selectors as assembly
from council.voting.assembly import services as assembly_services
from council.voting.polls.services import poll_create
from council.workshops.models import AgendaItem
from council.workshops.services import session_create

DEMO_PASSWORD = "conseil-demo-2026"  # noqa: S105 - printed on purpose, demo data only

PEOPLE = [
    ("admin@demo.council.local", "Amina Administratrice", Role.ADMINISTRATOR),
    ("facilitatrice@demo.council.local", "Fatou Facilitatrice", Role.FACILITATOR),
    ("membre@demo.council.local", "Marc Membre", Role.MEMBER),
    ("habitant@demo.council.local", "Hugo Habitant", Role.RESIDENT),
]

WORKSHOPS = [
    ("Mobilité", "Quelles rues apaiser en priorité\u00a0?"),
    ("Espaces verts", "Où planter, et qui entretient\u00a0?"),
    ("Jeunesse", "Que proposer aux 12-18 ans le soir\u00a0?"),
]
AGENDA = [("Accueil et tour de table", 10), ("Ateliers thématiques", 30), ("Restitution des ateliers", 20)]


def _rectangle(name: str, west: float, south: float, east: float, north: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


# Three side-by-side blocks of a fictional neighbourhood (about 700 m by 1 km each).
ZONES = {
    "type": "FeatureCollection",
    "features": [
        _rectangle("Les Tilleuls", 4.830, 45.760, 4.840, 45.770),
        _rectangle("Le Canal", 4.840, 45.760, 4.850, 45.770),
        _rectangle("La Gare", 4.850, 45.760, 4.860, 45.770),
    ],
}
ZONE_CENTRES = {"tilleuls": (4.835, 45.765), "canal": (4.845, 45.765), "gare": (4.855, 45.765)}

AGE_BANDS = ["18-29 ans", "30-44 ans", "45-64 ans", "65 ans et plus"]
INTERESTS = ["Mobilité", "Espaces verts", "Jeunesse", "Culture"]
QUESTIONS = [
    ("tranche_age", "Tranche d’âge", ProfileAttribute.Kind.CHOICE, AGE_BANDS,  # noqa: RUF001
     "Pour que les ateliers réunissent toutes les générations (tirage au sort stratifié)."),
    ("centres_interet", "Centres d’intérêt", ProfileAttribute.Kind.MULTI_CHOICE, INTERESTS,  # noqa: RUF001
     "Pour vous proposer les ateliers et les groupes qui vous concernent."),
]

# A dozen residents: (e-mail local part, name, zone, age band, interests, gardener?)
RESIDENTS = [
    ("alice", "Alice Arnaud", "tilleuls", "18-29 ans", ["Jeunesse", "Culture"], False),
    ("bruno", "Bruno Berger", "tilleuls", "30-44 ans", ["Mobilité"], True),
    ("chloe", "Chloé Chevalier", "tilleuls", "45-64 ans", ["Espaces verts"], True),
    ("driss", "Driss Daoud", "tilleuls", "65 ans et plus", ["Espaces verts", "Culture"], False),
    ("emma", "Emma Etienne", "canal", "18-29 ans", ["Mobilité", "Jeunesse"], False),
    ("farid", "Farid Fontaine", "canal", "30-44 ans", ["Espaces verts"], True),
    ("gaelle", "Gaëlle Garnier", "canal", "45-64 ans", ["Culture"], False),
    ("hamid", "Hamid Hoarau", "canal", "65 ans et plus", ["Mobilité"], False),
    ("ines", "Inès Idrissi", "gare", "18-29 ans", ["Jeunesse"], False),
    ("jules", "Jules Joly", "gare", "30-44 ans", ["Mobilité", "Espaces verts"], True),
    ("karima", "Karima Kone", "gare", "45-64 ans", ["Jeunesse", "Mobilité"], False),
    ("louis", "Louis Lambert", "gare", "65 ans et plus", ["Culture", "Espaces verts"], False),
]
GARDENERS = "Jardiniers du quartier"
TILLEULS = "Habitants des Tilleuls"


def _person(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _prepare_meeting(room: Room, facilitator: User) -> None:
    """A meeting ready to try: an agenda and three workshops drawn at random."""
    if room.workshop_sessions.exists():
        return
    session = session_create(
        actor=facilitator,
        room_id=room.pk,
        title="Ateliers\u00a0: le budget du quartier",
        workshops=[{"name": name, "topic": topic} for name, topic in WORKSHOPS],
        duration_seconds=25 * 60,
    )
    for position, (title, minutes) in enumerate(AGENDA, start=1):
        AgendaItem.objects.create(
            room=room, position=position, title=title, planned_minutes=minutes,
            session=session if position == 2 else None,
        )


def _prepare_assembly(council: Council) -> None:
    """Meeting rules with the CGCT's defaults (members in office: member role and above) and one proxy."""
    assembly.rules_get(council=council)
    grantor = User.objects.get(email="membre@demo.council.local")
    holder = User.objects.get(email="admin@demo.council.local")
    if not assembly.proxies_of(user=grantor, council=council)["given"]:
        assembly_services.proxy_give(
            actor=grantor, council=council, holder_id=holder.pk, valid_until=timezone.now() + timedelta(days=30),
            statement="Je donne pouvoir à Amina Administratrice de voter en mon nom aux séances du mois.",
        )


def _prepare_poll(room: Room, facilitator: User) -> None:
    """A poll prepared for the restitution (the agenda's third item), offered on the stage when that
    item starts, or launched from the Polls tab (anonymous phones welcome)."""
    if room.polls.exists():
        return
    restitution = AgendaItem.objects.filter(room=room, title=AGENDA[2][0]).values_list("pk", flat=True).first()
    poll_create(
        actor=facilitator, room_id=room.pk, question="Quel atelier faut-il financer en premier\u00a0?",
        kind="ranking", options=[name for name, _topic in WORKSHOPS], allow_anonymous=True, agenda_item=restitution,
    )


def _seed_neighbourhood(council: Council, admin: User) -> NeighbourhoodGroup:
    """Zones, two profile questions, a dozen residents with answers, a static group and a segment."""
    groups.zones_import(actor=admin, council=council, geojson=json.dumps(ZONES))
    existing = set(council.profile_attributes.values_list("key", flat=True))
    for key, label, kind, choices, purpose in QUESTIONS:
        if key not in existing:
            groups.attribute_create(actor=admin, council=council, key=key, label=label, kind=kind, choices=choices, purpose=purpose)
    gardeners = council.groups.filter(name=GARDENERS).first() or groups.group_create(
        actor=admin, council=council, name=GARDENERS, kind=NeighbourhoodGroup.Kind.STATIC,
        join_policy=NeighbourhoodGroup.JoinPolicy.OPEN, description="Pour les jardins partagés du quartier.",
    )
    if not council.groups.filter(name=TILLEULS).exists():
        groups.group_create(
            actor=admin, council=council, name=TILLEULS, kind=NeighbourhoodGroup.Kind.SEGMENT,
            rule={"all": [{"field": "zone", "op": "in", "value": ["les-tilleuls"]}]},
            description="Segment\u00a0: toute personne dont le lieu est dans la zone des Tilleuls.",
        )
    for local, name, zone, age, interests, gardener in RESIDENTS:
        resident = _person(f"{local}@demo.council.local", name)
        role_grant(actor=None, council=council, user=resident, role=Role.RESIDENT)
        longitude, latitude = ZONE_CENTRES[zone]
        groups.profile_update(
            actor=resident, council=council, answers={"tranche_age": age, "centres_interet": interests},
            latitude=latitude, longitude=longitude,
        )
        if gardener:
            groups.membership_add(actor=admin, group=gardeners, user=resident)
    return gardeners


class Command(BaseCommand):
    help = "Create demo councils and logins (idempotent) and print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        nord, _ = Council.objects.get_or_create(
            slug="nord",
            defaults={"name": "Conseil de quartier Nord", "brand_colour": "#0b6e4f"},
        )
        Council.objects.get_or_create(
            slug="sud", defaults={"name": "Conseil de quartier Sud", "brand_colour": "#f4c430"}
        )
        for email, name, role in PEOPLE:
            role_grant(actor=None, council=nord, user=_person(email, name), role=role)
        admin = User.objects.get(email="admin@demo.council.local")
        facilitator = User.objects.get(email="facilitatrice@demo.council.local")
        gardeners = _seed_neighbourhood(nord, admin)
        room, _ = Room.objects.get_or_create(council=nord, name="Séance du 3 décembre", parent=None)
        _prepare_meeting(room, facilitator)
        _prepare_assembly(nord)
        _prepare_poll(room, facilitator)
        # the by-group draw sends the gardeners to the green spaces workshop
        for workshop in room.workshop_sessions.first().workshops.filter(name="Espaces verts", groups=None):
            workshop.groups.add(gardeners)
        # shown to visitors on the council's page (a week after the first seeding)
        next_week = timezone.localtime().replace(hour=18, minute=30, second=0, microsecond=0) + timedelta(days=7)
        Room.objects.get_or_create(
            council=nord, name="Prochaine séance plénière", parent=None, defaults={"starts_at": next_week}
        )
        if not User.objects.filter(email="root@demo.council.local").exists():
            User.objects.create_superuser("root@demo.council.local", DEMO_PASSWORD, display_name="Root")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role in PEOPLE:
            self.stdout.write(f"  {role.label:<14} {email}")
        self.stdout.write("  superuser      root@demo.council.local  (Django admin: /admin/)")
        first, last = RESIDENTS[0][0], RESIDENTS[-1][0]
        self.stdout.write(
            f"  {len(RESIDENTS)} residents with answers and zones: {first}@…, …, {last}@demo.council.local"
        )
