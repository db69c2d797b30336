"""Majority judgment: majority grades (lower median), the majority-value tie-break, invalid grades."""

import random

from council.voting.tally import count
from council.voting.tally.judgment import majority_value

GRADES = ["Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter"]


def graded(*rows):
    """`graded({"x": 1, "y": 0}, ...)`: one ballot per row of grades."""
    return [{"grades": row} for row in rows]


def test_best_majority_grade_wins_and_even_counts_take_the_lower_median():
    contents = graded(
        {"x": 0, "y": 1, "z": 5},
        {"x": 1, "y": 1, "z": 5},
        {"x": 3, "y": 2, "z": 0},
        {"x": 4, "y": 2, "z": 0},
    )
    result = count("majority_judgment", ["x", "y", "z"], contents, grades=GRADES)
    # x: Très bien, Bien | Passable, Insuffisant -> the lower middle grade, Passable (3).
    assert result.medians == {"x": 3, "y": 2, "z": 5}
    assert result.grades == {
        "x": [1, 1, 0, 1, 1, 0],
        "y": [0, 2, 2, 0, 0, 0],
        "z": [2, 0, 0, 0, 0, 2],
    }
    assert result.winners == ("y",)
    assert result.explanation[-1] == {
        "code": "median_winner",
        "params": {"option": "y", "median": 2},
    }
    data = result.to_dict()
    assert "counts" not in data
    assert list(data)[7:9] == ["grades", "medians"]


def test_tied_majority_grades_are_separated_by_removing_median_grades():
    # Balinski & Laraki's example: X (Bien, Bien, Assez bien, Passable) and
    # Y (Très bien, Assez bien, Assez bien, Assez bien) both have Assez bien; without one
    # Assez bien each, X's median is Bien and Y's stays Assez bien: X wins.
    contents = graded({"x": 1, "y": 0}, {"x": 1, "y": 2}, {"x": 2, "y": 2}, {"x": 3, "y": 2})
    result = count("majority_judgment", ["y", "x"], contents, grades=GRADES)
    assert result.medians == {"y": 2, "x": 2}
    assert (result.winners, result.tie, result.decided_by) == (("x",), False, None)
    assert result.explanation[-1] == {
        "code": "majority_value",
        "params": {
            "options": ["y", "x"],
            "median": 2,
            "winner": "x",
            "runner_up": "y",
            "removed": 1,
            "winner_grade": 1,
            "runner_up_grade": 2,
        },
    }


def test_identical_grades_are_a_tie_unless_an_order_breaks_it():
    contents = graded({"a": 0, "b": 1}, {"a": 1, "b": 0}, {"a": 2, "b": 2})
    result = count("majority_judgment", ["a", "b"], contents, grades=GRADES)
    assert (result.winners, result.tie) == ((), True)
    assert result.explanation[-1] == {"code": "tie", "params": {"options": ["a", "b"], "median": 1}}
    broken = count(
        "majority_judgment",
        ["a", "b"],
        contents,
        grades=GRADES,
        tie_break=["b"],
        tie_break_reason="oldest",
    )
    assert (broken.winners, broken.decided_by) == (("b",), "tie_break")


def test_invalid_and_blank_ballots_grade_nothing():
    contents = [
        *graded({"a": 0, "b": 5}),
        {"grades": {"a": 0}},  # b not graded
        {"grades": {"a": 0, "b": 6}},  # no seventh grade
        {"grades": {"a": 0, "b": 1, "c": 1}},  # no option c
        {"blank": True},
    ]
    result = count("majority_judgment", ["a", "b"], contents, grades=GRADES)
    assert (result.ballots, result.valid, result.blank, result.invalid, result.cast) == (
        5,
        2,
        1,
        3,
        1,
    )
    assert result.grades == {"a": [1, 0, 0, 0, 0, 0], "b": [0, 0, 0, 0, 0, 1]}
    assert result.explanation[1]["params"]["reasons"] == {
        "unknown_option": 1,
        "missing_grade": 1,
        "grade_out_of_range": 1,
    }


def test_no_ballots():
    result = count("majority_judgment", ["a", "b"], [{"blank": True}], grades=GRADES)
    assert result.medians == {"a": None, "b": None}
    assert result.grades == {"a": [0] * 6, "b": [0] * 6}
    assert (result.winners, result.tie) == ((), False)
    assert result.explanation[-1]["code"] == "no_votes_cast"


def test_majority_value_is_the_successive_medians():
    """The linear walk gives what removing the median from the sorted list one by one gives."""
    rng = random.Random(12)
    for _ in range(300):
        row = [rng.randrange(4) for _ in range(rng.randrange(1, 6))]
        remaining = [grade for grade, number in enumerate(row) for _ in range(number)]
        expected = []
        while remaining:
            expected.append(remaining.pop(len(remaining) // 2))
        assert list(majority_value(row)) == expected
