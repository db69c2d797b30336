"""Pre-assignment lists that used to crash the socket or flood it: NUL characters, thousands of errors."""

import pytest

from council.workshops import services
from council.workshops.assignment import parse_assignment_csv
from council.workshops.models import Assignment

pytestmark = pytest.mark.django_db


def test_a_nul_character_refuses_the_list_with_its_line(make_session, facilitator, members):
    session = make_session(2)
    csv_text = f"{members[0].email},1\nbr\x00uno@example.org,2\n"

    result = services.assignments_import(actor=facilitator, session_id=session.pk, csv_text=csv_text)

    assert result == {"assigned": 0, "errors": ["Line 2 holds a NUL or invalid character: the list is not CSV text."]}
    assert not Assignment.objects.filter(session=session).exists()


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "lone-surrogate"])
def test_the_parser_refuses_what_postgresql_cannot_store_before_reading_any_line(bad):
    assert parse_assignment_csv(f"a@example.org,1\nb{bad}@example.org,1\n", ["A"]) == (
        [],
        ["Line 2 holds a NUL or invalid character: the list is not CSV text."],
    )


def test_thousands_of_errors_are_reported_as_the_first_50_and_a_count(make_session, facilitator, members):
    session = make_session(2)
    csv_text = f"{members[0].email},1\n" + "".join(f"p{i}@example.org,9\n" for i in range(4000))

    result = services.assignments_import(actor=facilitator, session_id=session.pk, csv_text=csv_text)

    assert result["assigned"] == 1
    assert len(result["errors"]) == 51
    assert result["errors"][0] == "Line 2: there is no workshop number 9; they are numbered 1 to 2."
    assert result["errors"][49] == "Line 51: there is no workshop number 9; they are numbered 1 to 2."
    assert result["errors"][50] == "…and 3950 more problems."
