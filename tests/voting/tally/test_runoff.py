"""Instant runoff: rounds, exhausted ballots, elimination ties and how each is settled."""

from council.voting.tally import count

OPTIONS = ["a", "b", "c", "d"]


def rankings(*groups):
    """`rankings((3, "ab"), (2, "c"))`: 3 ballots ranking a then b, 2 ranking c only."""
    return [{"ranking": list(order)} for number, order in groups for _ in range(number)]


def summary(result):
    """Each round as (counts, exhausted, eliminated, rule, elected)."""
    return [
        (one["counts"], one["exhausted"], one["eliminated"], one["rule"], one["elected"])
        for one in result.rounds
    ]


def test_rounds_until_a_majority_of_the_continuing_ballots():
    contents = rankings((6, "a"), (5, "bc"), (4, "cb"), (2, "dc"), (1, "d"))
    result = count("instant_runoff", OPTIONS, [*contents, {"blank": True}, {"ranking": ["a", "a"]}])
    assert (result.ballots, result.blank, result.invalid, result.cast) == (20, 1, 1, 18)
    assert result.counts == {"a": 6, "b": 5, "c": 4, "d": 3}  # the first preferences
    assert summary(result) == [
        ({"a": 6, "b": 5, "c": 4, "d": 3}, 0, ["d"], "fewest_votes", None),
        ({"a": 6, "b": 5, "c": 6}, 1, ["b"], "fewest_votes", None),
        ({"a": 6, "c": 11}, 1, [], None, "c"),
    ]
    assert [one["threshold"] for one in result.rounds] == [10, 9, 9]
    assert (result.winners, result.threshold, result.tie) == (("c",), 9, False)
    assert result.explanation[-1] == {
        "code": "round_elected",
        "params": {"round": 3, "option": "c", "votes": 11, "continuing": 17, "threshold": 9},
    }
    assert result.explanation[2]["params"] == {
        "round": 1, "options": ["d"], "votes": 3, "rule": "fewest_votes", "exhausted": 0, "reason": None,
    }  # fmt: skip


def test_a_majority_in_the_first_round_needs_no_other():
    result = count("instant_runoff", OPTIONS, rankings((3, "ab"), (2, "b")))
    assert len(result.rounds) == 1
    assert result.winners == ("a",)


def test_elimination_tie_settled_by_the_earlier_round():
    result = count("instant_runoff", OPTIONS, rankings((6, "a"), (3, "b"), (4, "c"), (1, "db")))
    assert summary(result) == [
        ({"a": 6, "b": 3, "c": 4, "d": 1}, 0, ["d"], "fewest_votes", None),
        ({"a": 6, "b": 4, "c": 4}, 0, ["b"], "earlier_round", None),
        ({"a": 6, "c": 4}, 4, [], None, "a"),
    ]
    assert (result.winners, result.decided_by) == (("a",), None)


def test_tied_options_that_cannot_catch_up_go_together():
    result = count("instant_runoff", OPTIONS, rankings((5, "a"), (4, "b"), (1, "cb"), (1, "db")))
    assert summary(result)[0][2:4] == (["c", "d"], "bulk")
    assert result.winners == ("b",)


def test_zero_vote_options_go_together():
    result = count("instant_runoff", OPTIONS, rankings((2, "a"), (1, "b")))
    assert summary(result) == [({"a": 2, "b": 1, "c": 0, "d": 0}, 0, [], None, "a")]
    result = count("instant_runoff", [*OPTIONS, "e"], rankings((2, "a"), (2, "b"), (1, "ea")))
    assert [one["eliminated"] for one in result.rounds] == [["c", "d"], ["e"], []]
    assert result.rounds[0]["rule"] == "bulk"
    assert result.winners == ("a",)


def test_elimination_tie_without_an_order_is_a_declared_tie():
    contents = rankings((2, "ac"), (2, "bc"), (3, "c"))
    result = count("instant_runoff", ["a", "b", "c"], contents)
    assert summary(result) == [({"a": 2, "b": 2, "c": 3}, 0, [], "tie", None)]
    assert (result.winners, result.tie) == ((), True)
    assert result.explanation[-1] == {
        "code": "elimination_tie",
        "params": {"round": 1, "options": ["a", "b"], "votes": 2},
    }


def test_elimination_tie_settled_by_the_tie_break_order():
    contents = rankings((2, "ab"), (2, "ba"), (3, "c"))
    result = count(
        "instant_runoff", ["a", "b", "c"], contents, tie_break=["b"], tie_break_reason="president"
    )
    assert summary(result)[0][2:4] == (["a"], "tie_break")  # unlisted goes before listed
    assert (result.winners, result.decided_by) == (("b",), "tie_break")
    assert result.explanation[1]["params"]["reason"] == "president"
    other = count("instant_runoff", ["a", "b", "c"], contents, tie_break=["a", "b"])
    assert other.winners == ("a",)


def test_final_two_tied_in_every_round_need_the_tie_break():
    contents = rankings((2, "a"), (2, "b"))
    assert count("instant_runoff", ["a", "b"], contents).tie is True
    result = count(
        "instant_runoff", ["a", "b"], contents, tie_break=["b", "a"], tie_break_reason="oldest"
    )
    assert summary(result) == [
        ({"a": 2, "b": 2}, 0, ["a"], "tie_break", None),
        ({"b": 2}, 2, [], None, "b"),
    ]


def test_partial_rankings_and_limits():
    contents = rankings((1, "abc"), (1, "ab"), (1, ""))
    result = count("instant_runoff", ["a", "b", "c"], contents, max_choices=2)
    assert result.invalid == 2  # three ranked with a maximum of two; nothing ranked
    assert result.explanation[1]["params"]["reasons"] == {"too_many": 1, "too_few": 1}
    assert result.winners == ("a",)


def test_no_ballots_cast():
    for contents in ([], [{"blank": True}], [{"ranking": ["z"]}]):
        result = count("instant_runoff", OPTIONS, contents)
        assert (result.rounds, result.winners, result.tie) == ((), (), False)
        assert result.explanation[-1]["code"] == "no_votes_cast"


def test_empty_rankings_allowed_and_all_exhausted():
    result = count("instant_runoff", ["a", "b"], rankings((2, "")), min_choices=0)
    assert (result.cast, result.winners, result.tie) == (2, (), False)
    assert result.rounds[0]["exhausted"] == 2
    assert result.explanation[-1] == {"code": "all_exhausted", "params": {"round": 1}}
