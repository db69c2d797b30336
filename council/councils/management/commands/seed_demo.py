"""Create a demo instance (two councils, one person per role, a room) and print the logins."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from council.accounts.models import User
from council.councils.models import Council
from council.councils.models import Role
from council.councils.services import role_grant
from council.rooms.models import Room

DEMO_PASSWORD = "conseil-demo-2026"  # noqa: S105 - printed on purpose, demo data only

PEOPLE = [
    ("admin@demo.council.local", "Amina Administratrice", Role.ADMINISTRATOR),
    ("facilitatrice@demo.council.local", "Fatou Facilitatrice", Role.FACILITATOR),
    ("membre@demo.council.local", "Marc Membre", Role.MEMBER),
    ("habitant@demo.council.local", "Hugo Habitant", Role.RESIDENT),
]


WORKSHOPS = [
    ("Mobilité", "Quelles rues apaiser en priorité ?"),
    ("Espaces verts", "Où planter, et qui entretient ?"),
    ("Jeunesse", "Que proposer aux 12-18 ans le soir ?"),
]
AGENDA = [("Accueil et tour de table", 10), ("Ateliers thématiques", 30), ("Restitution des ateliers", 20)]


def _prepare_meeting(room: Room) -> None:
    """A meeting ready to try: an agenda and three workshops drawn at random."""
    from council.workshops.models import AgendaItem
    from council.workshops.services import session_create

    if room.workshop_sessions.exists():
        return
    facilitator = User.objects.get(email="facilitatrice@demo.council.local")
    session = session_create(
        actor=facilitator,
        room_id=room.pk,
        title="Ateliers : le budget du quartier",
        workshops=[{"name": name, "topic": topic} for name, topic in WORKSHOPS],
        duration_seconds=25 * 60,
    )
    for position, (title, minutes) in enumerate(AGENDA, start=1):
        AgendaItem.objects.create(
            room=room, position=position, title=title, planned_minutes=minutes,
            session=session if position == 2 else None,
        )


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
        room, _ = Room.objects.get_or_create(council=nord, name="Séance du 3 décembre", parent=None)
        for email, name, role in PEOPLE:
            user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            role_grant(actor=None, council=nord, user=user, role=role)
        _prepare_meeting(room)
        if not User.objects.filter(email="root@demo.council.local").exists():
            User.objects.create_superuser("root@demo.council.local", DEMO_PASSWORD, display_name="Root")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role in PEOPLE:
            self.stdout.write(f"  {role.label:<14} {email}")
        self.stdout.write("  superuser      root@demo.council.local  (Django admin: /admin/)")
