"""A session's outputs as CSV and Markdown, its log, and the facilitators' page."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from pycrdt import Doc
from pycrdt import Text

from council.workshops import services
from council.workshops.notes import notes_apply
from council.workshops.reports import report_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_session(facilitator, members, make_session):
    """Two workshops that ran and reported: members 0 and 1 in the first, member 2 in the second."""
    session = make_session(2, mode="manual")
    first, second = session.workshops.order_by("position")
    for member, workshop in ((members[0], first), (members[1], first), (members[2], second)):
        services.assignment_set(actor=facilitator, session_id=session.pk, user_id=member.pk, workshop_id=workshop.pk)
    services.session_open(actor=facilitator, session_id=session.pk)
    doc = Doc()
    doc.get("notes", type=Text).insert(0, "- arbres\n- bancs\n# pas un titre")
    notes_apply(actor=members[0], workshop_id=first.pk, update=doc.get_update())
    report_save(
        actor=members[1],
        workshop_id=first.pk,
        summary="Plus de verdure, place Carnot.",
        proposals=["Planter dix arbres", "=SOMME(A1:A9)"],
    )
    services.session_close(actor=facilitator, session_id=session.pk, grace_seconds=0)
    return session


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _url(name, session):
    return reverse(name, args=[session.room.council.slug, session.pk])


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_outputs_csv_has_one_row_per_workshop(client, facilitator, closed_session):
    client.force_login(facilitator)

    response = client.get(_url("workshop-outputs-csv", closed_session))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="workshops-{closed_session.pk}-outputs.csv"' in response["Content-Disposition"]
    header, first, second = _csv(response)
    assert header == ["Workshop", "Topic", "Members", "Summary", "Proposal 1", "Proposal 2", "Proposal 3", "Notes"]
    assert first == [
        "Atelier 1",
        "Sujet 1",
        "2",
        "Plus de verdure, place Carnot.",
        "Planter dix arbres",
        "'=SOMME(A1:A9)",  # a spreadsheet must not run it as a formula
        "",
        "'- arbres\n- bancs\n# pas un titre",
    ]
    assert second == ["Atelier 2", "Sujet 2", "1", "", "", "", "", ""]


def test_outputs_markdown_has_a_section_per_workshop(client, facilitator, closed_session):
    client.force_login(facilitator)

    response = client.get(_url("workshop-outputs-markdown", closed_session))

    text = response.content.decode()
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Ateliers",
        "## Atelier 1",
        "### Summary",
        "### Key proposals",
        "### Notes",
        "## Atelier 2",
        "### Summary",
        "### Key proposals",
    ]
    assert "2 participants" in text
    assert "1 participant\n" in text
    assert "1. Planter dix arbres\n2. =SOMME(A1:A9)\n" in text
    assert "> - arbres\n> - bancs\n> # pas un titre\n" in text  # the notes' own headings stay quoted
    assert "No summary." in text


def test_log_csv_says_who_was_where(client, facilitator, closed_session):
    client.force_login(facilitator)

    response = client.get(_url("workshop-log-csv", closed_session))

    header, *rows = _csv(response)
    assert header == ["When", "What", "Workshop", "Person", "By", "Text"]
    assert [row[1:5] for row in rows] == [
        ["assigned", "Atelier 1", "Membre 00", "Fatou Facilitatrice"],
        ["assigned", "Atelier 1", "Membre 01", "Fatou Facilitatrice"],
        ["assigned", "Atelier 2", "Membre 02", "Fatou Facilitatrice"],
        ["workshops opened", "", "", "Fatou Facilitatrice"],
        ["workshops closing", "", "", "Fatou Facilitatrice"],
        ["workshops closed", "", "", ""],
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0][0])


def test_facilitators_page_shows_the_reports_side_by_side(client, facilitator, closed_session):
    client.force_login(facilitator)

    response = client.get(_url("workshop-outputs", closed_session))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption>Each workshop's report back in Ateliers</caption>" in page
    assert '<th scope="row">Atelier 1' in page
    assert "<li>Planter dix arbres</li>" in page
    for name in ("workshop-outputs-csv", "workshop-outputs-markdown", "workshop-log-csv"):
        assert f'href="{_url(name, closed_session)}"' in page


@pytest.mark.parametrize(
    "name", ["workshop-outputs", "workshop-outputs-csv", "workshop-outputs-markdown", "workshop-log-csv"]
)
@pytest.mark.parametrize("who", ["assigned member", "unassigned member", "resident"])
def test_participants_cannot_export(name, who, client, members, resident, closed_session):
    person = {"assigned member": members[1], "unassigned member": members[5], "resident": resident}[who]
    client.force_login(person)

    assert client.get(_url(name, closed_session)).status_code == 404


def test_exports_need_login(client, closed_session):
    response = client.get(_url("workshop-outputs-csv", closed_session))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_exports_are_not_served_under_another_council(client, facilitator, closed_session, council_factory):
    client.force_login(facilitator)
    other = council_factory()

    response = client.get(reverse("workshop-outputs-csv", args=[other.slug, closed_session.pk]))

    assert response.status_code == 404
