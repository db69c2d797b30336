"""The breakout draws: even, within capacity, reproducible from the published seed."""

import re
from collections import Counter

import pytest

from council.workshops.assignment import MAX_CSV_ROWS
from council.workshops.assignment import Placement
from council.workshops.assignment import Slot
from council.workshops.assignment import assign_by_group
from council.workshops.assignment import assign_random
from council.workshops.assignment import assign_stratified
from council.workshops.assignment import draw_seed
from council.workshops.assignment import has_room
from council.workshops.assignment import parse_assignment_csv
from council.workshops.assignment import place_late_arrival

SEED = "3f9a0c11be47"
WORKSHOPS = ["Mobility", "Green spaces", "Youth"]


def three_slots(capacity=None):
    return [Slot(workshop_id=wid, capacity=capacity) for wid in (10, 20, 30)]


def sizes_of(placement: Placement) -> Counter:
    return Counter(placement.assigned.values())


# Seed and capacity


def test_draw_seed_is_twelve_hex_digits_and_fresh_each_time():
    seeds = {draw_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(re.fullmatch(r"[0-9a-f]{12}", seed) for seed in seeds)


def test_has_room_up_to_capacity_and_always_without_one():
    assert has_room(Slot(1, capacity=2), 1)
    assert not has_room(Slot(1, capacity=2), 2)
    assert has_room(Slot(1), 10_000)


# Random split


def test_random_split_places_everyone_in_workshops_of_even_size():
    placement = assign_random(list(range(1, 24)), three_slots(), SEED)
    assert sorted(placement.assigned) == list(range(1, 24))
    assert placement.unplaced == []
    assert sorted(sizes_of(placement).values()) == [7, 8, 8]


def test_random_split_respects_capacity_and_leaves_the_overflow_in_the_plenary():
    slots = [Slot(10, capacity=2), Slot(20, capacity=3), Slot(30)]
    placement = assign_random(list(range(1, 11)), slots, SEED)
    sizes = sizes_of(placement)
    assert sizes[10] == 2
    assert sizes[20] == 3
    assert sizes[30] == 5
    full = assign_random(list(range(1, 11)), three_slots(capacity=3), SEED)
    assert sorted(sizes_of(full).values()) == [3, 3, 3]
    assert len(full.unplaced) == 1
    assert full.unplaced[0] not in full.assigned


def test_random_split_keeps_people_already_placed_and_counts_them():
    already = {1: 10, 2: 10, 3: 10, 4: 20}
    placement = assign_random(list(range(1, 10)), three_slots(), SEED, already=already)
    for person, workshop_id in already.items():
        assert placement.assigned[person] == workshop_id
    assert sorted(sizes_of(placement).values()) == [3, 3, 3]


def test_random_split_is_the_same_for_the_same_seed_whatever_the_input_order():
    people = list(range(1, 31))
    first = assign_random(people, three_slots(), SEED)
    second = assign_random(list(reversed(people)), list(reversed(three_slots())), SEED)
    assert first == second


def test_random_split_changes_with_the_seed():
    people = list(range(1, 31))
    assert (
        assign_random(people, three_slots(), "aaaa").assigned
        != assign_random(people, three_slots(), "bbbb").assigned
    )


# By group


def test_by_group_sends_people_to_a_workshop_of_their_group():
    slots = [Slot(10, group_ids=frozenset({1})), Slot(20, group_ids=frozenset({2}))]
    memberships = {101: {1}, 102: {1}, 201: {2}, 202: {2, 7}}
    placement = assign_by_group([101, 102, 201, 202], slots, memberships, SEED)
    assert placement.assigned == {101: 10, 102: 10, 201: 20, 202: 20}
    assert placement.unplaced == []


def test_by_group_person_in_two_groups_goes_to_the_least_filled_match():
    slots = [Slot(10, group_ids=frozenset({1})), Slot(20, group_ids=frozenset({2}))]
    memberships = {1: {1}, 2: {1}, 3: {2}, 99: {1, 2}}
    placement = assign_by_group([1, 2, 3, 99], slots, memberships, SEED)
    assert placement.assigned[99] == 20


def test_by_group_fills_in_people_with_one_choice_first_so_nobody_is_crowded_out():
    slots = [
        Slot(10, capacity=2, group_ids=frozenset({1})),
        Slot(20, capacity=2, group_ids=frozenset({2})),
    ]
    memberships = {1: {1}, 2: {1}, 3: {1, 2}, 4: {1, 2}}
    for seed in ("a", "b", "c", "d", "e", "f"):
        placement = assign_by_group([1, 2, 3, 4], slots, memberships, seed)
        assert placement.assigned == {1: 10, 2: 10, 3: 20, 4: 20}


def test_by_group_leaves_people_without_a_matching_workshop_in_the_plenary():
    slots = [Slot(10, group_ids=frozenset({1})), Slot(20, group_ids=frozenset({2}))]
    memberships = {1: {1}, 2: {3}}
    placement = assign_by_group([1, 2, 3], slots, memberships, SEED)
    assert placement.assigned == {1: 10}
    assert placement.unplaced == [2, 3]


def test_by_group_respects_capacity():
    slots = [Slot(10, capacity=2, group_ids=frozenset({1}))]
    placement = assign_by_group([1, 2, 3], slots, {1: {1}, 2: {1}, 3: {1}}, SEED)
    assert len(placement.assigned) == 2
    assert len(placement.unplaced) == 1


def test_by_group_balances_a_group_split_over_several_workshops():
    slots = [Slot(wid, group_ids=frozenset({1})) for wid in (10, 20, 30)]
    people = list(range(1, 13))
    placement = assign_by_group(people, slots, {person: {1} for person in people}, SEED)
    assert sorted(sizes_of(placement).values()) == [4, 4, 4]


def test_by_group_is_reproducible_from_the_seed():
    slots = [Slot(wid, group_ids=frozenset({1})) for wid in (10, 20, 30)]
    people = list(range(1, 31))
    memberships = {person: {1} for person in people}
    first = assign_by_group(people, slots, memberships, SEED)
    assert assign_by_group(list(reversed(people)), slots, memberships, SEED) == first
    assert assign_by_group(people, slots, memberships, "other").assigned != first.assigned


# Stratified lottery


def strata_9_6_3():
    strata = {}
    for person in range(1, 10):
        strata[person] = ("north",)
    for person in range(10, 16):
        strata[person] = ("centre",)
    for person in range(16, 19):
        strata[person] = ("south",)
    return strata


def test_lottery_gives_every_workshop_the_room_mix_of_strata():
    strata = strata_9_6_3()
    placement = assign_stratified(list(strata), three_slots(), strata, SEED)
    assert placement.unplaced == []
    for workshop_id in (10, 20, 30):
        mix = Counter(strata[p] for p, wid in placement.assigned.items() if wid == workshop_id)
        assert mix == {("north",): 3, ("centre",): 2, ("south",): 1}


def test_lottery_keeps_sizes_even_when_strata_do_not_divide():
    strata = {p: ("a",) if p <= 4 else ("b",) for p in range(1, 9)}
    strata[9] = ("c",)
    placement = assign_stratified(list(range(1, 10)), three_slots(), strata, SEED)
    assert sorted(sizes_of(placement).values()) == [3, 3, 3]
    for stratum, share in ((("a",), 4), (("b",), 4)):
        counts = Counter(placement.assigned[p] for p in strata if strata[p] == stratum)
        assert sorted(counts.values()) == [1, 1, 2]
        assert sum(counts.values()) == share


def test_lottery_puts_people_without_a_stratum_in_one_of_their_own():
    strata = {1: ("north",), 2: ("north",), 3: ("north",)}
    placement = assign_stratified([1, 2, 3, 4, 5, 6], three_slots(), strata, SEED)
    assert sorted(sizes_of(placement).values()) == [2, 2, 2]
    assert len({placement.assigned[p] for p in (4, 5, 6)}) == 3


def test_lottery_is_reproducible_and_changes_with_the_seed():
    strata = strata_9_6_3()
    people = list(strata)
    first = assign_stratified(people, three_slots(), strata, SEED)
    again = assign_stratified(list(reversed(people)), list(reversed(three_slots())), strata, SEED)
    assert again == first
    assert assign_stratified(people, three_slots(), strata, "another").assigned != first.assigned


def test_lottery_skips_full_workshops_and_leaves_the_rest_in_the_plenary():
    strata = strata_9_6_3()
    slots = [Slot(10, capacity=2), Slot(20, capacity=2), Slot(30, capacity=10)]
    placement = assign_stratified(list(strata), slots, strata, SEED)
    sizes = sizes_of(placement)
    assert (sizes[10], sizes[20], sizes[30]) == (2, 2, 10)
    assert len(placement.unplaced) == 4
    assert not set(placement.unplaced) & set(placement.assigned)


# Late arrivals


def test_late_arrival_in_random_mode_goes_to_the_least_filled_workshop_with_room():
    slots = [Slot(10), Slot(20, capacity=1), Slot(30)]
    assert place_late_arrival(7, slots, {10: 4, 20: 0, 30: 3}, mode="random", seed=SEED) == 20
    assert place_late_arrival(7, slots, {10: 4, 20: 1, 30: 3}, mode="random", seed=SEED) == 30
    assert place_late_arrival(7, [Slot(10, capacity=4)], {10: 4}, mode="random", seed=SEED) is None


def test_late_arrival_in_random_mode_settles_ties_by_seed_and_person():
    sizes = {10: 2, 20: 2, 30: 2}
    picks = {
        place_late_arrival(p, three_slots(), sizes, mode="random", seed=SEED) for p in range(50)
    }
    assert picks == {10, 20, 30}
    assert place_late_arrival(5, three_slots(), sizes, mode="random", seed=SEED) == (
        place_late_arrival(5, three_slots(), sizes, mode="random", seed=SEED)
    )


def test_late_arrival_in_group_mode_goes_to_a_matching_workshop_or_stays():
    slots = [
        Slot(10, group_ids=frozenset({1})),
        Slot(20, group_ids=frozenset({1})),
        Slot(30, group_ids=frozenset({2})),
    ]
    sizes = {10: 5, 20: 3, 30: 0}
    assert place_late_arrival(7, slots, sizes, mode="groups", seed=SEED, groups={1}) == 20
    assert place_late_arrival(7, slots, sizes, mode="groups", seed=SEED, groups={9}) is None
    assert place_late_arrival(7, slots, sizes, mode="groups", seed=SEED) is None


def test_late_arrival_in_lottery_mode_goes_where_their_stratum_is_scarcest():
    sizes = {10: 3, 20: 4, 30: 2}
    stratum_sizes = {
        10: {("north",): 2, ("south",): 1},
        20: {("north",): 1, ("south",): 3},
        30: {("north",): 2, ("south",): 0},
    }

    def place(stratum):
        return place_late_arrival(
            7,
            three_slots(),
            sizes,
            mode="lottery",
            seed=SEED,
            stratum=stratum,
            stratum_sizes=stratum_sizes,
        )

    assert place(("north",)) == 20  # the biggest workshop, but the one with fewest from the north
    assert place(("east",)) == 30  # nobody from the east anywhere: the least filled workshop


@pytest.mark.parametrize("mode", ["manual", "choice", "list"])
def test_late_arrival_waits_in_the_plenary_when_people_are_placed_by_hand(mode):
    assert place_late_arrival(7, three_slots(), {}, mode=mode, seed=SEED) is None


def test_late_arrival_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="Unknown placement mode"):
        place_late_arrival(7, three_slots(), {}, mode="alphabetical", seed=SEED)


# CSV upload


def test_csv_with_a_header_gives_lower_cased_emails_and_canonical_names():
    text = "Email,Workshop\n Alice@Example.org , mobility\nbob@example.org,YOUTH\n"
    rows, errors = parse_assignment_csv(text, WORKSHOPS)
    assert errors == []
    assert rows == [("alice@example.org", "Mobility"), ("bob@example.org", "Youth")]


def test_csv_without_header_and_with_semicolons():
    text = "alice@example.org;Green spaces\nbob@example.org;Youth, Mobility\n"
    rows, errors = parse_assignment_csv(text, [*WORKSHOPS, "Youth, Mobility"])
    assert errors == []
    assert rows == [("alice@example.org", "Green spaces"), ("bob@example.org", "Youth, Mobility")]


def test_csv_header_can_put_the_workshop_first():
    text = "workshop;EMAIL\nYouth;carol@example.org\n"
    assert parse_assignment_csv(text, WORKSHOPS) == ([("carol@example.org", "Youth")], [])


def test_csv_accepts_the_workshop_number():
    rows, errors = parse_assignment_csv("a@example.org,2\nb@example.org,4\n", WORKSHOPS)
    assert rows == [("a@example.org", "Green spaces")]
    assert errors == ["Line 2: there is no workshop number 4; they are numbered 1 to 3."]


def test_csv_reports_bad_lines_with_their_number_and_keeps_the_good_ones():
    text = (
        "email,workshop\n"
        "alice@example.org,Youth\n"
        "carol@example.org,Foo\n"
        "bob,Youth\n"
        "ALICE@example.org,Mobility\n"
        "\n"
        "dan@example.org,\n"
    )
    rows, errors = parse_assignment_csv(text, WORKSHOPS)
    assert rows == [("alice@example.org", "Youth")]
    assert errors == [
        "Line 3: no workshop named 'Foo'.",
        "Line 4: 'bob' is not an e-mail address.",
        "Line 5: alice@example.org is listed twice (first on line 2); the first line counts.",
        "Line 7: the workshop is missing.",
    ]


def test_csv_with_too_many_rows_is_refused_as_a_whole():
    text = "".join(f"p{i}@example.org,1\n" for i in range(MAX_CSV_ROWS + 1))
    rows, errors = parse_assignment_csv(text, WORKSHOPS)
    assert rows == []
    assert errors == [f"The file has more than {MAX_CSV_ROWS} lines; split it into smaller files."]
    rows, errors = parse_assignment_csv(text.split("\n", 1)[1], WORKSHOPS)
    assert len(rows) == MAX_CSV_ROWS
    assert errors == []


def test_without_workshops_everyone_stays_in_the_plenary():
    people = [3, 1, 2]
    strata = {1: ("north",)}
    for placement in (
        assign_random(people, [], SEED),
        assign_by_group(people, [], {1: {1}}, SEED),
        assign_stratified(people, [], strata, SEED),
    ):
        assert placement == Placement(assigned={}, unplaced=[1, 2, 3])
