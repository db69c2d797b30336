"""The "Sitting" tab of the room page (registered in apps.py with council/rooms/panels.py)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from council.accounts.models import User
from council.voting.assembly import selectors


def assembly_panel_data(request: HttpRequest, plenary: Any) -> dict[str, Any] | None:
    """Addresses the tab links to; the sign-in sheet, the hall's code and who may preside only for officials.

    Sitting addresses carry 0 for the sitting's id, which the script fills in.
    """
    slug = plenary.council.slug
    data: dict[str, Any] = {"proxies_url": reverse("assembly-proxies", args=[slug]), "official": None, "rules_url": None}
    if request.user.has_perm("assembly.manage_rules", plenary.council):
        data["rules_url"] = reverse("assembly-rules", args=[slug])
    if request.user.has_perm("assembly.sign_in_people", plenary):
        in_office = selectors.members_in_office(council=plenary.council)
        people = User.objects.filter(pk__in=in_office).order_by("display_name", "pk")
        data["official"] = {
            # who may preside: the members in office (the service checks it again)
            "people": [{"id": person.pk, "name": str(person.public_name)} for person in people],
            "sign_in_url": reverse("assembly-sign-in", args=[slug, 0]),
            "hall_screen_url": reverse("assembly-hall-screen", args=[slug, 0]),
            "qr_url": reverse("assembly-hall-qr", args=[slug, 0]),
        }
    return data
