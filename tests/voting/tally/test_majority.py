"""Simple, absolute and two-thirds majorities, and approval: thresholds, ties, blank and invalid."""

import pytest

from council.voting.tally import count

MOTION = ["for", "against"]


def ballots(**choices):
    """`ballots(a=3, blank=1, spoilt=2)`: single-choice contents in a plain list."""
    contents = []
    for key, number in choices.items():
        if key == "blank":
            contents += [{"blank": True}] * number
        elif key == "spoilt":
            contents += [{"choice": "nobody"}] * number
        else:
            contents += [{"choice": key}] * number
    return contents


def codes(result):
    return [step["code"] for step in result.explanation]


def test_simple_majority_motion_adopted_with_abstentions_and_spoilt_ballots():
    result = count("majority_simple", MOTION, ballots(**{"for": 5}, against=4, blank=3, spoilt=2))
    assert (result.ballots, result.valid, result.blank, result.invalid, result.cast) == (
        14,
        12,
        3,
        2,
        9,
    )
    assert result.counts == {"for": 5, "against": 4}
    assert result.winners == ("for",)
    assert result.threshold is None
    assert codes(result) == ["ballots_counted", "invalid_ballots", "most_votes", "motion_adopted"]
    assert result.explanation[1]["params"] == {"count": 2, "reasons": {"unknown_option": 2}}


def test_simple_majority_is_relative_among_several_options():
    result = count("majority_simple", ["a", "b", "c"], ballots(a=4, b=3, c=3))
    assert result.winners == ("a",)
    assert result.explanation[-1] == {"code": "most_votes", "params": {"option": "a", "votes": 4}}


def test_a_tie_without_a_casting_vote_has_no_winner():
    result = count("majority_simple", MOTION, ballots(**{"for": 3}, against=3, blank=4))
    assert result.winners == ()
    assert result.tie is True
    assert result.decided_by is None
    assert codes(result)[-2:] == ["tie", "motion_rejected"]
    assert result.explanation[-2]["params"] == {"options": ["for", "against"], "votes": 3}


def test_the_presidents_casting_vote_breaks_a_tie():
    result = count(
        "majority_simple",
        MOTION,
        ballots(**{"for": 3}, against=3),
        tie_break=["against"],
        tie_break_reason="president",
    )
    assert result.winners == ("against",)
    assert (result.tie, result.decided_by) == (False, "tie_break")
    assert result.explanation[-2] == {
        "code": "tie_broken",
        "params": {
            "options": ["for", "against"],
            "winner": "against",
            "reason": "president",
            "votes": 3,
        },
    }
    assert codes(result)[-1] == "motion_rejected"


def test_a_tie_break_order_not_naming_the_tied_options_leaves_the_tie():
    result = count("approval", ["a", "b", "c"], [{"approved": ["a", "b"]}], tie_break=["c"])
    assert (result.winners, result.tie) == ((), True)


def test_absolute_majority_needs_more_than_half_of_the_votes_cast():
    # 5 of 10 votes cast: exactly half is not an absolute majority; blanks do not count.
    result = count("majority_absolute", ["a", "b", "c"], ballots(a=5, b=3, c=2, blank=7))
    assert result.threshold == 6
    assert result.winners == ()
    assert list(result.explanation[-2:]) == [
        {"code": "threshold", "params": {"threshold": 6, "cast": 10, "rule": "more_than_half"}},
        {"code": "no_majority", "params": {"threshold": 6, "votes": 5}},
    ]
    one_more = count("majority_absolute", ["a", "b", "c"], ballots(a=6, b=3, c=2, blank=7))
    assert (one_more.threshold, one_more.winners) == (6, ("a",))
    assert codes(one_more)[-1] == "majority_reached"


def test_absolute_majority_of_an_odd_number_of_votes():
    result = count("majority_absolute", MOTION, ballots(**{"for": 4}, against=3, spoilt=5))
    assert (result.cast, result.threshold, result.winners) == (7, 4, ("for",))
    assert codes(result)[-1] == "motion_adopted"


def test_absolute_majority_motion_against_wins_and_rejects():
    result = count("majority_absolute", MOTION, ballots(**{"for": 2}, against=5))
    assert result.winners == ("against",)
    assert result.explanation[-1] == {"code": "motion_rejected", "params": {"for": 2, "against": 5}}


@pytest.mark.parametrize(
    ("tie_break", "winners", "tie"), [(None, (), True), (["for"], ("for",), False)]
)
def test_absolute_majority_motion_split_equally(tie_break, winners, tie):
    result = count(
        "majority_absolute", MOTION, ballots(**{"for": 4}, against=4, blank=1), tie_break=tie_break
    )
    assert (result.winners, result.tie) == (winners, tie)


def test_absolute_majority_split_between_two_of_three_options_is_a_tie():
    result = count("majority_absolute", ["a", "b", "c"], ballots(a=4, b=4), tie_break=["b", "a"])
    assert (result.winners, result.decided_by) == (("b",), "tie_break")


@pytest.mark.parametrize(
    ("votes_for", "against", "adopted"),
    [(6, 3, True), (5, 3, False), (4, 2, True), (7, 4, False), (2, 0, True), (3, 3, False)],
)
def test_two_thirds_means_at_least_two_thirds_of_the_votes_cast(votes_for, against, adopted):
    result = count(
        "majority_two_thirds", MOTION, ballots(**{"for": votes_for}, against=against, blank=9)
    )
    assert result.threshold == -(-2 * (votes_for + against) // 3)
    assert result.winners == (("for",) if adopted else ("against",))
    assert codes(result)[-1] == ("motion_adopted" if adopted else "motion_rejected")


def test_two_thirds_among_options_may_leave_no_winner():
    result = count("majority_two_thirds", ["a", "b", "c"], ballots(a=5, b=2, c=2))
    assert (result.threshold, result.winners, result.tie) == (6, (), False)
    assert codes(result)[-1] == "no_majority"
    assert count("majority_two_thirds", ["a", "b", "c"], ballots(a=6, b=2, c=1)).winners == ("a",)


@pytest.mark.parametrize(
    "method", ["majority_simple", "majority_absolute", "majority_two_thirds", "approval"]
)
def test_no_ballots_and_only_blank_ballots(method):
    for contents in ([], [{"blank": True}] * 3):
        result = count(method, MOTION, contents)
        assert (result.cast, result.winners, result.tie, result.threshold) == (0, (), False, None)
        assert result.counts == {"for": 0, "against": 0}
        assert "no_votes_cast" in codes(result)


def test_approval_counts_every_approval_and_refuses_too_many():
    contents = [
        {"approved": ["a", "b"]},
        {"approved": ["b"]},
        {"approved": ["b", "c"]},
        {"approved": ["a", "c"]},
        {"approved": ["a", "b", "c"]},  # more than max_choices: invalid
        {"approved": ["c", "c"]},  # duplicate: invalid
        {"blank": True},
    ]
    result = count("approval", ["a", "b", "c"], contents, max_choices=2)
    assert result.counts == {"a": 2, "b": 3, "c": 2}
    assert (result.ballots, result.valid, result.blank, result.invalid, result.cast) == (
        7,
        5,
        1,
        2,
        4,
    )
    assert result.winners == ("b",)
    assert result.explanation[1]["params"]["reasons"] == {"duplicate_option": 1, "too_many": 1}


def test_approval_tie_goes_to_the_oldest_candidate():
    contents = [{"approved": ["ana"]}, {"approved": ["bob", "ana"]}, {"approved": ["bob"]}]
    result = count(
        "approval", ["ana", "bob"], contents, tie_break=["bob", "ana"], tie_break_reason="oldest"
    )
    assert (result.winners, result.decided_by) == (("bob",), "tie_break")
    assert result.explanation[-1]["params"]["reason"] == "oldest"


def test_to_dict_has_a_stable_key_order():
    data = count("majority_absolute", MOTION, ballots(**{"for": 2})).to_dict()
    assert list(data) == [
        "method", "options", "ballots", "valid", "blank", "invalid", "cast", "counts",
        "rounds", "threshold", "winners", "tie", "decided_by", "explanation",
    ]  # fmt: skip
    assert data["winners"] == ["for"]
    assert data["rounds"] == []
