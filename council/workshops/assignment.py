"""Who goes to which breakout workshop: pure functions, plain data in and out.

Every draw is reproducible. The facilitator publishes a seed (`draw_seed`) before the
draw; anyone holding the same list of people, the same workshops and that seed can
rerun the function and get the same result, because people and workshops are sorted
by id first and all chance comes from Python's `random.Random(seed)`.
No database here: services load the people, call these functions and save the result.
"""

import csv
import io
import random
import re
import secrets
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from council.core.parsing import first_unstorable_line

Stratum = tuple[str, ...]
NO_STRATUM: Stratum = ("",)
MAX_CSV_ROWS = 5000
#: A list with more problems reports this many and counts the rest (a socket frame, then a page list).
MAX_REPORTED_ERRORS = 50
PLACE_ON_ARRIVAL_MODES = ("random", "groups", "lottery")
PLACE_BY_HAND_MODES = ("manual", "choice", "list")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_HEADERS = ("email", "e-mail")


@dataclass(frozen=True)
class Slot:
    """One breakout workshop as the draw sees it: no capacity means no limit."""

    workshop_id: int
    capacity: int | None = None
    group_ids: frozenset[int] = frozenset()


@dataclass
class Placement:
    """The outcome of a draw: person id -> workshop id, and who stays in the plenary."""

    assigned: dict[int, int] = field(default_factory=dict)
    unplaced: list[int] = field(default_factory=list)

    def sizes(self) -> dict[int, int]:
        """People per workshop, counting only workshops that got someone."""
        counts: dict[int, int] = {}
        for workshop_id in self.assigned.values():
            counts[workshop_id] = counts.get(workshop_id, 0) + 1
        return counts


def draw_seed() -> str:
    """A fresh seed of 12 hex digits, to show everyone before the draw so nobody can pick it after."""
    return secrets.token_hex(6)


def has_room(slot: Slot, size: int) -> bool:
    """Whether a workshop holding `size` people can take one more."""
    return slot.capacity is None or size < slot.capacity


def _sorted_people(people: Iterable[int]) -> list[int]:
    """Ids in ascending order, once each: the result must not depend on how the caller listed them."""
    return sorted(set(people))


def _sorted_slots(slots: Iterable[Slot]) -> list[Slot]:
    return sorted(slots, key=lambda slot: slot.workshop_id)


def _generator(seed: str) -> random.Random:
    """Chance that anyone can replay from the published seed: secrecy is not the point, fairness is."""
    return random.Random(seed)  # noqa: S311 - reproducibility from a public seed is the aim


def _least_filled(candidates: list[Slot], sizes: dict[int, int], rng: random.Random) -> Slot:
    """The candidate with fewest people; a tie is settled by the seeded draw, in workshop id order."""
    fewest = min(sizes.get(slot.workshop_id, 0) for slot in candidates)
    tied = [slot for slot in candidates if sizes.get(slot.workshop_id, 0) == fewest]
    return tied[0] if len(tied) == 1 else rng.choice(tied)


def assign_random(
    people: list[int], slots: list[Slot], seed: str, *, already: dict[int, int] | None = None
) -> Placement:
    """Split people at random into workshops of even size.

    How to check a draw: sort the people not yet placed by id and shuffle them with
    `random.Random(seed)`; then, in that order, each goes to the workshop with fewest
    people that still has room (workshops in id order; a tie is settled by
    `choice` on the same generator). People in `already` keep their workshop, count
    towards its size and are part of the result (an entry naming a workshop not in
    `slots` is ignored). Whoever finds every workshop full stays in the plenary.
    """
    ordered_slots = _sorted_slots(slots)
    known = {slot.workshop_id for slot in ordered_slots}
    assigned = {
        person: workshop_id
        for person, workshop_id in sorted((already or {}).items())
        if workshop_id in known
    }
    sizes = {slot.workshop_id: 0 for slot in ordered_slots}
    for workshop_id in assigned.values():
        sizes[workshop_id] += 1
    rng = _generator(seed)
    to_place = [person for person in _sorted_people(people) if person not in assigned]
    rng.shuffle(to_place)
    unplaced = _fill_least_filled(to_place, lambda person: ordered_slots, sizes, rng, assigned)
    return Placement(assigned=assigned, unplaced=sorted(unplaced))


def _fill_least_filled(
    order: list[int],
    options: Callable[[int], list[Slot]],
    sizes: dict[int, int],
    rng: random.Random,
    assigned: dict[int, int],
) -> list[int]:
    """Send each person, in `order`, to the least filled of their `options` with room; return those left out.

    Writes into `assigned` and `sizes`. The draws' published method (assign_random,
    assign_by_group) in one place: a tie is settled by `rng`, in workshop id order.
    """
    unplaced = []
    for person in order:
        open_slots = [slot for slot in options(person) if has_room(slot, sizes[slot.workshop_id])]
        if not open_slots:
            unplaced.append(person)
            continue
        slot = _least_filled(open_slots, sizes, rng)
        assigned[person] = slot.workshop_id
        sizes[slot.workshop_id] += 1
    return unplaced


def _matching(slots: list[Slot], groups: set[int] | frozenset[int]) -> list[Slot]:
    return [slot for slot in slots if slot.group_ids & groups]


def assign_by_group(
    people: list[int], slots: list[Slot], memberships: dict[int, set[int]], seed: str
) -> Placement:
    """Send each person to a workshop meant for one of their groups.

    How to check a draw: sort people by id and shuffle them with `random.Random(seed)`,
    then stably re-sort them by how many workshops match their groups, fewest first
    (people with one choice go before those with several, so the choosers fill the
    gaps). In that order each goes to the matching workshop with fewest people that
    still has room (workshops in id order; a tie is settled by `choice` on the same
    generator). People whose groups match no workshop, or only full ones, stay in the
    plenary and are listed in `unplaced`.
    """
    ordered_slots = _sorted_slots(slots)
    sizes = {slot.workshop_id: 0 for slot in ordered_slots}
    rng = _generator(seed)
    ordered_people = _sorted_people(people)
    rng.shuffle(ordered_people)
    options = {
        person: _matching(ordered_slots, frozenset(memberships.get(person, ())))
        for person in ordered_people
    }
    ordered_people.sort(key=lambda person: len(options[person]))
    assigned: dict[int, int] = {}
    unplaced = _fill_least_filled(ordered_people, options.__getitem__, sizes, rng, assigned)
    return Placement(assigned=assigned, unplaced=sorted(unplaced))


def assign_stratified(
    people: list[int], slots: list[Slot], strata: dict[int, Stratum], seed: str
) -> Placement:
    """Stratified lottery: every workshop mirrors the room's mix of strata (neighbourhood, age band...).

    How to check a draw:
    1. Put each person in their stratum; a person with no stratum given is in ("",).
    2. Take the strata in sorted order. Within a stratum, sort the people by id and
       shuffle them with `random.Random(seed)` (one generator for the whole draw, used
       stratum after stratum).
    3. Deal them one by one over the workshops taken in id order, like cards: the
       first to the workshop under the pointer, the next to the following workshop,
       and so on, going back to the first after the last. The pointer carries on from
       one stratum to the next, so workshop sizes differ by at most one and each
       workshop gets the lower or upper whole share of every stratum.
    4. A full workshop is skipped; once all are full, the rest stay in the plenary.
    """
    ordered_slots = _sorted_slots(slots)
    sizes = {slot.workshop_id: 0 for slot in ordered_slots}
    by_stratum: dict[Stratum, list[int]] = {}
    for person in _sorted_people(people):
        by_stratum.setdefault(tuple(strata.get(person, NO_STRATUM)), []).append(person)
    rng = _generator(seed)
    assigned: dict[int, int] = {}
    unplaced = []
    pointer = 0
    for stratum in sorted(by_stratum):
        members = by_stratum[stratum]
        rng.shuffle(members)
        for person in members:
            slot = _next_open(ordered_slots, sizes, pointer)
            if slot is None:
                unplaced.append(person)
                continue
            pointer = ordered_slots.index(slot) + 1
            assigned[person] = slot.workshop_id
            sizes[slot.workshop_id] += 1
    return Placement(assigned=assigned, unplaced=sorted(unplaced))


def _next_open(slots: list[Slot], sizes: dict[int, int], pointer: int) -> Slot | None:
    """The first workshop with room at or after `pointer`, wrapping round; None if all are full."""
    for step in range(len(slots)):
        slot = slots[(pointer + step) % len(slots)]
        if has_room(slot, sizes[slot.workshop_id]):
            return slot
    return None


def place_late_arrival(
    person: int,
    slots: list[Slot],
    sizes: dict[int, int],
    *,
    mode: str,
    seed: str,
    groups: set[int] | None = None,
    stratum: Stratum | None = None,
    stratum_sizes: dict[int, dict[Stratum, int]] | None = None,
) -> int | None:
    """The workshop for someone who arrives after the split, by the rule of the split; None = plenary.

    `sizes` is the number of people per workshop now (missing = 0). "random": the
    least filled workshop with room; "groups": the least filled one with room meant
    for one of their `groups`; "lottery": the one with fewest people of their
    `stratum` (from `stratum_sizes`: workshop id -> stratum -> count), then the least
    filled. Ties are settled by `random.Random(f"{seed}:{person}")`, so two late
    arrivals do not follow the same path. "manual", "choice" and "list": None, they
    wait in the plenary until a facilitator, or they themselves, pick a workshop.
    """
    if mode in PLACE_BY_HAND_MODES:
        return None
    if mode not in PLACE_ON_ARRIVAL_MODES:
        raise ValueError(f"Unknown placement mode: {mode!r}")
    ordered_slots = _sorted_slots(slots)
    open_slots = [slot for slot in ordered_slots if has_room(slot, sizes.get(slot.workshop_id, 0))]
    if mode == "groups":
        open_slots = _matching(open_slots, frozenset(groups or ()))
    elif mode == "lottery" and open_slots:
        own = tuple(stratum) if stratum is not None else NO_STRATUM
        counts = {
            slot.workshop_id: (stratum_sizes or {}).get(slot.workshop_id, {}).get(own, 0)
            for slot in open_slots
        }
        fewest = min(counts.values())
        open_slots = [slot for slot in open_slots if counts[slot.workshop_id] == fewest]
    if not open_slots:
        return None
    return _least_filled(open_slots, sizes, _generator(f"{seed}:{person}")).workshop_id


def _workshop_lookup(workshop_names: list[str]) -> dict[str, str]:
    """Lower-cased name -> canonical name; with two names alike the first counts."""
    lookup: dict[str, str] = {}
    for name in workshop_names:
        lookup.setdefault(" ".join(name.split()).casefold(), name)
    return lookup


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,").delimiter
    except csv.Error:
        return ","


def parse_assignment_csv(
    text: str, workshop_names: list[str]
) -> tuple[list[tuple[str, str]], list[str]]:
    """Read an uploaded list of `email,workshop` lines; return (e-mail, workshop name) pairs and errors.

    The first line may name the columns (one called "email", in any case; the
    workshop is then the first other column). Columns are split by ";" or ",".
    A workshop is given by its name, in any case, or by its number from 1 in the
    order of `workshop_names`. Lines with an error are left out and reported with
    their line number; an e-mail address listed twice counts at its first good line.
    """
    text = text.removeprefix("\ufeff")
    bad_line = first_unstorable_line(text)
    if bad_line is not None:
        return [], [
            _("Line %(line)d holds a NUL or invalid character: the list is not CSV text.")
            % {"line": bad_line}
        ]
    lookup = _workshop_lookup(workshop_names)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    email_column, workshop_column = 0, 1
    first_row = True
    data_lines: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            cells = [value.strip() for value in values]
            if not any(cells):
                continue
            if first_row and _is_header(cells):
                email_column, workshop_column = _header_columns(cells)
                first_row = False
                continue
            first_row = False
            data_lines.append((reader.line_num, cells))
            if len(data_lines) > MAX_CSV_ROWS:
                return [], [
                    _("The file has more than %(max)d lines; split it into smaller files.")
                    % {"max": MAX_CSV_ROWS}
                ]
    except csv.Error as error:
        return [], [
            _("Line %(line)d is not valid CSV: %(error)s")
            % {"line": reader.line_num, "error": error}
        ]
    rows: list[tuple[str, str]] = []
    errors: list[str] = []
    first_line_of: dict[str, int] = {}
    for line, cells in data_lines:
        email = cells[email_column] if email_column < len(cells) else ""
        workshop = cells[workshop_column] if workshop_column < len(cells) else ""
        error, name = _check_row(line, email, workshop, lookup, workshop_names, first_line_of)
        if error:
            errors.append(error)
            continue
        first_line_of[email.lower()] = line
        rows.append((email.lower(), name))
    return rows, errors


def capped_errors(errors: list[str]) -> list[str]:
    """The first MAX_REPORTED_ERRORS messages, then one that counts the others."""
    hidden = len(errors) - MAX_REPORTED_ERRORS
    if hidden <= 0:
        return errors
    more = ngettext("…and %(count)d more problem.", "…and %(count)d more problems.", hidden)
    return [*errors[:MAX_REPORTED_ERRORS], more % {"count": hidden}]


def _is_header(cells: list[str]) -> bool:
    return any(cell.lower() in _EMAIL_HEADERS for cell in cells)


def _header_columns(cells: list[str]) -> tuple[int, int]:
    email_column = next(i for i, cell in enumerate(cells) if cell.lower() in _EMAIL_HEADERS)
    workshop_column = next((i for i in range(len(cells)) if i != email_column), email_column + 1)
    return email_column, workshop_column


def _check_row(
    line: int,
    email: str,
    workshop: str,
    lookup: dict[str, str],
    workshop_names: list[str],
    first_line_of: dict[str, int],
) -> tuple[str, str]:
    """(error, "") for a bad line, ("", canonical workshop name) for a good one."""
    if not email:
        return _("Line %(line)d: the e-mail address is missing.") % {"line": line}, ""
    if not _EMAIL.match(email):
        return _("Line %(line)d: '%(email)s' is not an e-mail address.") % {
            "line": line,
            "email": email,
        }, ""
    if email.lower() in first_line_of:
        return _(
            "Line %(line)d: %(email)s is listed twice (first on line %(first)d); the first line counts."
        ) % {"line": line, "email": email.lower(), "first": first_line_of[email.lower()]}, ""
    if not workshop:
        return _("Line %(line)d: the workshop is missing.") % {"line": line}, ""
    name = lookup.get(" ".join(workshop.split()).casefold())
    if name is not None:
        return "", name
    if workshop.isdigit():
        number = int(workshop)
        if 1 <= number <= len(workshop_names):
            return "", workshop_names[number - 1]
        return _(
            "Line %(line)d: there is no workshop number %(number)d; they are numbered 1 to %(count)d."
        ) % {"line": line, "number": number, "count": len(workshop_names)}, ""
    return _("Line %(line)d: no workshop named '%(name)s'.") % {"line": line, "name": workshop}, ""
