"""Try to link a participation to its ballot, as an attacker holding the database would.

From the schema (shared columns, keys, times), from the physical order of the rows in
PostgreSQL, and from the log records written during a vote. (Redis is inspected in
test_socket.py, where a vote goes over the socket.)
"""

import logging
import uuid

import pytest
from django.db import connection
from django.db import models

from council.voting.ballots import services
from council.voting.ballots.models import BoxEntry
from council.voting.ballots.models import Elector
from council.voting.ballots.models import Participation
from council.voting.ballots.models import PendingBallot

pytestmark = pytest.mark.django_db
VOTER_SIDE = (Elector, Participation)
BALLOT_SIDE = (PendingBallot, BoxEntry)
TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


def _columns(model) -> set[str]:
    return {field.column for field in model._meta.concrete_fields}


@pytest.mark.parametrize("voter_model", VOTER_SIDE)
@pytest.mark.parametrize("ballot_model", BALLOT_SIDE)
def test_the_two_sides_share_no_column_but_the_vote(voter_model, ballot_model):
    shared = _columns(voter_model) & _columns(ballot_model)

    assert shared == {"id", "vote_id"}  # `id` is random on each side (below)
    related = {field.related_model for field in voter_model._meta.concrete_fields if field.is_relation}
    assert not related & set(BALLOT_SIDE)
    related = {field.related_model for field in ballot_model._meta.concrete_fields if field.is_relation}
    assert not related & set(VOTER_SIDE)


@pytest.mark.parametrize("model", VOTER_SIDE + BALLOT_SIDE)
def test_no_time_and_random_keys_on_either_side(model):
    fields = model._meta.concrete_fields

    assert not [field.name for field in fields if isinstance(field, TIME_FIELDS)]
    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.pk.default is uuid.uuid4


def _physical_order(table: str, vote_id: int, column: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE vote_id = %s ORDER BY ctid", [vote_id])
        return [row[0] for row in cursor.fetchall()]


def test_the_rows_order_on_disk_does_not_follow_the_casting_order(make_vote, official, settings):
    settings.VOTE_BATCH_MIN = 10
    options = [(f"o{n}", f"Projet {n}") for n in range(30)]
    vote, electors = make_vote(voters=30, method="approval", options=options)
    cast_order = []
    for number, elector in enumerate(electors):
        services.ballot_cast(actor=elector, vote_id=vote.pk, content={"approved": [f"o{number}"]})
        cast_order.append(f"o{number}")
    services.vote_close(actor=official, vote_id=vote.pk)

    on_disk = _physical_order("ballots_boxentry", vote.pk, "content->'approved'->>0")
    voters_on_disk = _physical_order("ballots_participation", vote.pk, "elector_id")

    # The participations lie in casting order (a database reader learns who voted when,
    # roughly); the box does not: batches of ten drawn among twenty pending.
    assert len(voters_on_disk) == 30
    assert on_disk != cast_order
    assert set(on_disk[:10]) <= set(cast_order[:20])
    assert not PendingBallot.objects.filter(vote=vote).exists()


@pytest.mark.django_db(transaction=True)  # real commits: one transaction per cast, as in production
def test_no_ballot_in_the_box_was_written_by_a_casting_transaction(make_vote, official, settings):
    """PostgreSQL stamps each row with its writing transaction (`xmin`): the box's are the batches'."""
    settings.VOTE_BATCH_MIN = 2
    vote, electors = make_vote(voters=6)
    for elector in electors:
        services.ballot_cast(actor=elector, vote_id=vote.pk, content={"choice": "for"})
    services.vote_close(actor=official, vote_id=vote.pk)

    participations = set(_physical_order("ballots_participation", vote.pk, "xmin::text"))
    box = set(_physical_order("ballots_boxentry", vote.pk, "xmin::text"))

    assert len(participations) == 6
    assert not participations & box


def test_no_log_record_holds_both_a_voter_and_a_ballot(make_vote, official, caplog, settings):
    settings.VOTE_BATCH_MIN = 2
    vote, electors = make_vote(voters=4)
    connection.force_debug_cursor = True  # every SQL statement is a log record too
    receipts = []
    try:
        with caplog.at_level(logging.DEBUG):
            for elector in electors:
                receipts.append(services.ballot_cast(actor=elector, vote_id=vote.pk, content={"choice": "against"}).tracker)
            services.vote_close(actor=official, vote_id=vote.pk)
    finally:
        connection.force_debug_cursor = False

    elector_ids = {str(pk) for pk in Elector.objects.filter(vote=vote).values_list("pk", flat=True)}
    participation_ids = {str(pk) for pk in Participation.objects.filter(vote=vote).values_list("pk", flat=True)}
    voter_marks = [
        *elector_ids, *participation_ids, *(person.email for person in electors), *(str(person) for person in electors)
    ]
    user_ids = {person.pk for person in electors}
    assert caplog.records, "the log was captured"
    for record in caplog.records:
        text = record.getMessage() + " " + repr(getattr(record, "params", ""))
        names_voter = any(mark in text for mark in voter_marks) or _names_user(record, user_ids)
        names_ballot = any(receipt in text for receipt in receipts) or '"against"' in text
        assert not (names_voter and names_ballot), text


def _names_user(record, user_ids: set[int]) -> bool:
    params = getattr(record, "params", None) or ()
    return "ballots_elector" in record.getMessage() and any(param in user_ids for param in params)
