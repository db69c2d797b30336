"""The export holds everything about the person, never a ballot, in a fixed number of queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from council.accounts.selectors import kept_record_list
from council.accounts.selectors import personal_data_export
from council.rooms import services as rooms
from tests.privacy.conftest import PERSON_EMAIL


def section(export, key):
    return next(part for part in export["sections"] if part["key"] == key)


@pytest.mark.django_db
def test_holds_what_the_person_wrote_did_and_proved(everywhere):
    export = personal_data_export(everywhere.person)

    assert export["account"]["email"] == PERSON_EMAIL
    assert [row["text"] for row in section(export, "rooms.Message.author")["rows"]] == ["Bonjour à tous"]
    assert [row["title"] for row in section(export, "consultation.Contribution.author")["rows"]] == ["Des arbres"]
    assert section(export, "accounts.Verification.user")["rows"][0]["claims"]["family_name"] == "Personne-Unique"
    assert section(export, "assembly.HallPresence.user")["kept_after_deletion"] is True
    assert [row["vote__title"] for row in section(export, "ballots.Participation.elector__user")["rows"]] == ["Le budget"]
    json.dumps(export)  # JSON as it is


@pytest.mark.django_db
def test_never_says_what_the_person_chose_in_a_secret_ballot(everywhere):
    text = json.dumps(personal_data_export(everywhere.person))

    assert '"for"' not in text
    assert "choice" not in text
    assert not any(part["key"].startswith(("ballots.BoxEntry", "ballots.PendingBallot")) for part in personal_data_export(everywhere.person)["sections"])


@pytest.mark.django_db
def test_lists_the_records_kept_by_law_with_their_reason(everywhere):
    kept = {record.title: record for record in kept_record_list(everywhere.person)}

    assert kept["Sign-in sheets of sittings"].count == 1
    assert kept["Proxies you gave"].count == 1
    assert "contested" in kept["Votes you took part in"].reason


@pytest.mark.django_db
def test_costs_the_same_queries_for_one_row_or_many(everywhere):
    with CaptureQueriesContext(connection) as few:
        personal_data_export(everywhere.person)
    for n in range(30):
        rooms.message_post(actor=everywhere.person, room_id=everywhere.room.pk, text=f"Message {n}")
    with CaptureQueriesContext(connection) as many:
        export = personal_data_export(everywhere.person)

    assert len(section(export, "rooms.Message.author")["rows"]) == 31
    assert len(many) == len(few)
