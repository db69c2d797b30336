"""CSV export and all-or-nothing import of the members of a static group."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from council.councils.models import Role
from council.groups.models import Membership
from council.groups.services import coordinator_set
from council.groups.services import group_create
from council.groups.services import membership_add
from council.groups.services import membership_invite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Read the pages in English (French is the default), so assertions do not follow the catalogue."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def setup(council, user_with_role):
    admin = user_with_role(Role.ADMINISTRATOR, council, email="admin@example.org")
    group = group_create(actor=admin, council=council, name="Comité vélo")
    people = {
        name: user_with_role(Role.RESIDENT, council, email=f"{name}@example.org", display_name=name.capitalize())
        for name in ("alice", "bruno", "chloe", "driss")
    }
    return {"council": council, "admin": admin, "group": group, **people}


def _import(client, setup, content: bytes, **fields):
    url = reverse("group-import", args=[setup["council"].slug, setup["group"].pk])
    upload = SimpleUploadedFile("membres.csv", content, content_type="text/csv")
    return client.post(url, {"file": upload, **fields}, follow=True)


def test_export_lists_members_with_status_and_coordinator(client, setup):
    admin, group = setup["admin"], setup["group"]
    membership_add(actor=admin, group=group, user=setup["alice"])
    coordinator_set(actor=admin, group=group, user=setup["alice"])
    membership_invite(actor=admin, group=group, user=setup["bruno"])
    client.force_login(admin)

    response = client.get(reverse("group-export", args=[setup["council"].slug, group.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["email", "display_name", "status", "coordinator"],
        ["alice@example.org", "Alice", "active", "yes"],
        ["bruno@example.org", "Bruno", "invited", "no"],
    ]


def test_export_defuses_spreadsheet_formulas(client, setup, user_with_role):
    tricky = user_with_role(Role.RESIDENT, setup["council"], email="eve@example.org", display_name="=HYPERLINK(1)")
    membership_add(actor=setup["admin"], group=setup["group"], user=tricky)
    client.force_login(setup["admin"])

    response = client.get(reverse("group-export", args=[setup["council"].slug, setup["group"].pk]))

    assert "'=HYPERLINK(1)" in response.content.decode()


def test_residents_cannot_export(client, setup):
    client.force_login(setup["alice"])

    response = client.get(reverse("group-export", args=[setup["council"].slug, setup["group"].pk]))

    assert response.status_code == 404


def test_import_invites_everyone(client, setup):
    client.force_login(setup["admin"])

    response = _import(client, setup, b"email,display_name\nalice@example.org,Alice\nBRUNO@example.org,\n")

    assert "2 people were invited to the group." in response.content.decode()
    statuses = dict(Membership.objects.filter(group=setup["group"]).values_list("user__email", "status"))
    assert statuses == {"alice@example.org": "invited", "bruno@example.org": "invited"}


def test_import_adds_directly_when_a_manager_asks(client, setup):
    client.force_login(setup["admin"])

    response = _import(client, setup, b"email\nalice@example.org\n", add_directly="on")

    assert "1 person was added to the group." in response.content.decode()
    assert Membership.objects.get(group=setup["group"], user=setup["alice"]).status == "active"


def test_one_bad_line_imports_nothing_and_lists_every_reason(client, setup, user_with_role):
    council, admin, group = setup["council"], setup["admin"], setup["group"]
    user_with_role(None, council, email="outsider@example.org")
    membership_add(actor=admin, group=group, user=setup["driss"])
    membership_invite(actor=admin, group=group, user=setup["chloe"])
    client.force_login(admin)
    content = "\n".join(
        [
            "email;display_name",
            "alice@example.org;Alice",  # 2: fine
            "not-an-address;X",  # 3
            "nobody@example.org;Nobody",  # 4
            "outsider@example.org;Out",  # 5
            "Alice@example.org;Alice again",  # 6
            "driss@example.org;Driss",  # 7
            "chloe@example.org;Chloé",  # 8
            ";",  # blank line: skipped
            "bruno@example.org;Bruno",  # 10: fine
        ]
    ).encode()

    response = _import(client, setup, content)

    page = response.content.decode()
    assert "6 lines were rejected; nothing was imported." in page
    assert 'role="alert"' in page
    rejected = _table_rows(page)
    assert rejected == [
        ("3", "not-an-address", "This is not a valid e-mail address."),
        ("4", "nobody@example.org", "Nobody has an account with this address."),
        ("5", "outsider@example.org", "This person has no role in the council."),
        ("6", "Alice@example.org", "Same address as line 2."),
        ("7", "driss@example.org", "Already a member of the group."),
        ("8", "chloe@example.org", "Already invited to the group."),
    ]
    assert not Membership.objects.filter(group=group, user__in=[setup["alice"], setup["bruno"]]).exists()


def _table_rows(page: str) -> list[tuple[str, str, str]]:
    import re

    body = page.split('id="rejected-lines"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>", body)
    return [tuple(c.strip() for c in cell) for cell in cells]


def test_file_over_one_megabyte_is_refused(client, setup):
    client.force_login(setup["admin"])
    content = b"email\n" + b"alice@example.org\n" * 70_000

    response = _import(client, setup, content)

    assert "The file is larger than 1 MB" in response.content.decode()
    assert not Membership.objects.exists()


def test_non_utf8_file_is_refused_with_the_line(client, setup):
    client.force_login(setup["admin"])

    response = _import(client, setup, "email\nalice@example.org\nzoé@example.org\n".encode("latin-1"))

    page = response.content.decode()
    assert "The file is not UTF-8 text (line 3)" in page
    assert not Membership.objects.exists()


def test_a_file_without_email_column_is_refused(client, setup):
    client.force_login(setup["admin"])

    response = _import(client, setup, b"mail\nalice@example.org\n")

    assert "one called \u201cemail\u201d" in response.content.decode()
    assert not Membership.objects.exists()


def test_coordinators_import_invitations_only(client, setup):
    admin, group, alice = setup["admin"], setup["group"], setup["alice"]
    membership_add(actor=admin, group=group, user=alice)
    coordinator_set(actor=admin, group=group, user=alice)
    client.force_login(alice)

    page = client.get(reverse("group-import", args=[setup["council"].slug, group.pk])).content.decode()
    assert "add_directly" not in page

    _import(client, setup, b"email\nbruno@example.org\n", add_directly="on")
    assert Membership.objects.get(group=group, user=setup["bruno"]).status == "invited"
