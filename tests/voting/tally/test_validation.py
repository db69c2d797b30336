"""Which ballot contents are valid, and the reasons given for the others."""

import pytest

from council.voting.tally import count
from council.voting.tally import validate

OPTIONS = ["a", "b", "c"]
GRADES = ["Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter"]


@pytest.mark.parametrize(
    ("method", "content"),
    [
        ("majority_simple", {"choice": "a"}),
        ("majority_absolute", {"blank": True}),
        ("approval", {"approved": ["a", "c"]}),
        ("instant_runoff", {"ranking": ["c"]}),
        ("instant_runoff", {"ranking": ["b", "a", "c"]}),
        ("majority_judgment", {"grades": {"a": 0, "b": 5, "c": 2}}),
        ("majority_judgment", {"blank": True}),
    ],
)
def test_valid_contents(method, content):
    assert validate(method, OPTIONS, content, grades=GRADES) == []


@pytest.mark.parametrize(
    ("method", "content", "reasons"),
    [
        ("majority_simple", "a", ["not_an_object"]),
        ("majority_simple", None, ["not_an_object"]),
        ("majority_simple", {"choice": "z"}, ["unknown_option"]),
        ("majority_simple", {"choice": ["a"]}, ["malformed"]),
        ("majority_simple", {"choice": "a", "blank": True}, ["malformed"]),
        ("majority_simple", {"blank": False}, ["malformed"]),
        ("majority_simple", {"blank": 1}, ["malformed"]),
        ("majority_simple", {"approved": ["a"]}, ["malformed"]),
        ("majority_simple", {}, ["malformed"]),
        ("approval", {"approved": ["a", "a"]}, ["duplicate_option"]),
        ("approval", {"approved": ["a", "z"]}, ["unknown_option"]),
        ("approval", {"approved": []}, ["too_few"]),
        ("approval", {"approved": "a"}, ["malformed"]),
        ("instant_runoff", {"ranking": ["a", "b", "a"]}, ["duplicate_option"]),
        (
            "instant_runoff",
            {"ranking": ["z", "z", "a", "b", "c"]},
            ["unknown_option", "duplicate_option", "too_many"],
        ),
        ("instant_runoff", {"ranking": [1]}, ["malformed"]),
        ("majority_judgment", {"grades": {"a": 0, "b": 1}}, ["missing_grade"]),
        ("majority_judgment", {"grades": {"a": 0, "b": 1, "c": 6}}, ["grade_out_of_range"]),
        ("majority_judgment", {"grades": {"a": 0, "b": 1, "c": -1}}, ["grade_out_of_range"]),
        ("majority_judgment", {"grades": {"a": 0, "b": 1, "c": 2, "z": 0}}, ["unknown_option"]),
        ("majority_judgment", {"grades": {"a": 0, "b": 1, "c": True}}, ["malformed"]),
        ("majority_judgment", {"grades": {"a": 0, "b": 1, "c": "0"}}, ["malformed"]),
        ("majority_judgment", {"grades": [0, 1, 2]}, ["malformed"]),
    ],
)
def test_invalid_contents_give_their_reasons(method, content, reasons):
    assert validate(method, OPTIONS, content, grades=GRADES) == reasons


def test_approval_limits_are_the_votes_own():
    assert validate("approval", OPTIONS, {"approved": ["a", "b"]}, max_choices=1) == ["too_many"]
    assert validate("approval", OPTIONS, {"approved": ["a"]}, min_choices=2) == ["too_few"]
    assert validate("approval", OPTIONS, {"approved": []}, min_choices=0) == []
    assert validate("instant_runoff", OPTIONS, {"ranking": ["a", "b"]}, max_choices=2) == []


@pytest.mark.parametrize(
    ("method", "options", "grades"),
    [
        ("plurality", OPTIONS, None),
        ("majority_simple", ["a", "a"], None),
        ("majority_judgment", OPTIONS, None),
    ],
)
def test_a_vote_that_cannot_be_counted_is_a_programming_error(method, options, grades):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for developers
        validate(method, options, {"blank": True}, grades=grades)


@pytest.mark.parametrize(
    "rules",
    [
        {"min_choices": 3, "max_choices": 2},
        {"min_choices": -1},
        {"tie_break": ["a", "a"]},
        {"tie_break": ["z"]},
    ],
)
def test_count_refuses_rules_that_make_no_sense(rules):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for developers
        count("approval", OPTIONS, [], **rules)
