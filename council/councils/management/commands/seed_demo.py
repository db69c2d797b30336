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
        Room.objects.get_or_create(council=nord, name="Séance du 3 décembre")
        for email, name, role in PEOPLE:
            user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            role_grant(actor=None, council=nord, user=user, role=role)
        if not User.objects.filter(email="root@demo.council.local").exists():
            User.objects.create_superuser("root@demo.council.local", DEMO_PASSWORD, display_name="Root")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _name, role in PEOPLE:
            self.stdout.write(f"  {role.label:<14} {email}")
        self.stdout.write("  superuser      root@demo.council.local  (Django admin: /admin/)")
