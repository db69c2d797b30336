"""Pabulib `.pb` files (https://pabulib.org/format): read, check, write. No Django.

A file has three sections, each a title line then a header line then rows, `;`-separated (fields
may be quoted with `"`, as the csv module writes them):

    META             key;value rows: budget, vote_type, num_projects, num_votes, ...
    PROJECTS         project_id;cost;... one row per project
    VOTES            voter_id;vote;... one row per voter (vote: project ids separated by ",";
                     cumulative/scoring files add a "points" column, same order)

`read_pb` checks everything before returning anything: a malformed file raises `PbError` with the
line number and the reason, and nothing is returned (an import built on it is all-or-nothing).

Round trip: `read_pb(write_pb(read_pb(text)))` equals `read_pb(text)`, i.e. the same sections with
the same keys and columns in the same order, and the same values as strings (each field with the
spaces around it stripped, as pabutools does). The bytes may differ: line endings become "\\n",
blank lines and a byte-order mark go, and quoting is the csv module's (only where a value needs it).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from dataclasses import field
from fractions import Fraction
from typing import Any

from .rules import APPROVAL
from .rules import CUMULATIVE
from .rules import ORDINAL
from .rules import Instance
from .rules import Profile
from .rules import Project

SECTIONS = ("META", "PROJECTS", "VOTES")
VOTE_TYPES = {"approval": APPROVAL, "choose-1": APPROVAL, "cumulative": CUMULATIVE, "scoring": CUMULATIVE, "ordinal": ORDINAL}


class PbError(ValueError):
    """A malformed `.pb` file: `line` (1-based) and `reason`."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class PbFile:
    meta: dict[str, str] = field(default_factory=dict)
    project_columns: list[str] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)
    votes: list[dict[str, str]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return VOTE_TYPES[self.meta["vote_type"]]

    def instance(self) -> Instance:
        return Instance(self.meta["budget"], [Project(p["project_id"], p["cost"]) for p in self.projects])

    def profile(self) -> Profile:
        ballots: list[Any] = []
        for vote in self.votes:
            ids = _ids(vote.get("vote", ""))
            if self.kind == CUMULATIVE:
                ballots.append(dict(zip(ids, _ids(vote.get("points", "")), strict=True)))
            else:
                ballots.append(ids)
        return getattr(Profile, self.kind)(ballots)

    def selected(self) -> list[str] | None:
        """The project ids the file marks `selected` (1), or None if it has no such column."""
        if "selected" not in self.project_columns:
            return None
        return [p["project_id"] for p in self.projects if p.get("selected") == "1"]


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")] if text.strip() else []


def _number(text: str) -> Fraction:
    return Fraction(text.strip().replace(",", "."))


def read_pb(text: str) -> PbFile:
    """Parse and check a `.pb` file's text (see the module docstring)."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    pb = PbFile()
    section = None
    header: list[str] | None = None
    header_line = 0
    expected = list(SECTIONS)
    meta_lines: dict[str, int] = {}
    line = 0
    for row in reader:
        start, line = line + 1, reader.line_num
        row = [cell.strip() for cell in row]
        if not row or row == [""]:
            continue
        title = row[0].upper() if len(row) == 1 else None
        if title in SECTIONS:
            if not expected or title != expected[0]:
                raise PbError(start, f"section {title} out of place (sections are META, PROJECTS, VOTES, in that order)")
            expected.pop(0)
            section, header = title, None
            continue
        if section is None:
            raise PbError(start, "the file must start with META")
        if header is None:
            header, header_line = row, start
            _check_header(section, header, start)
            if section == "PROJECTS":
                pb.project_columns = header
            elif section == "VOTES":
                pb.vote_columns = header
            continue
        if len(row) != len(header):
            raise PbError(start, f"{len(row)} fields where the header (line {header_line}) has {len(header)}")
        if section == "META":
            key, value = row
            if key in pb.meta:
                raise PbError(start, f"META key {key!r} given twice")
            pb.meta[key] = value
            meta_lines[key] = start
        elif section == "PROJECTS":
            pb.projects.append(dict(zip(header, row, strict=True)))
            pb.projects[-1]["__line__"] = str(start)
        else:
            pb.votes.append(dict(zip(header, row, strict=True)))
            pb.votes[-1]["__line__"] = str(start)
    if expected:
        raise PbError(line + 1, f"missing section {expected[0]}")
    if header is None:
        raise PbError(line + 1, "the VOTES section has no header line")
    _check(pb, meta_lines)
    for row in (*pb.projects, *pb.votes):
        del row["__line__"]
    return pb


def _check_header(section: str, header: list[str], line: int) -> None:
    if len(set(header)) != len(header):
        raise PbError(line, f"{section} header repeats a column")
    needed = {"META": ["key", "value"], "PROJECTS": ["project_id", "cost"], "VOTES": ["voter_id", "vote"]}[section]
    if section == "META" and header != needed:
        raise PbError(line, "the META header must be key;value")
    missing = [c for c in needed if c not in header]
    if missing:
        raise PbError(line, f"{section} header lacks {', '.join(missing)}")


def _check(pb: PbFile, meta_lines: dict[str, int]) -> None:
    meta = pb.meta
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PbError(1, f"META lacks {key}")
    if meta["vote_type"] not in VOTE_TYPES:
        raise PbError(meta_lines["vote_type"], f"unknown vote_type {meta['vote_type']!r} (expected {', '.join(VOTE_TYPES)})")
    try:
        if _number(meta["budget"]) < 0:
            raise ValueError
    except (ValueError, ZeroDivisionError):
        raise PbError(meta_lines["budget"], f"budget {meta['budget']!r} is not a non-negative number") from None
    ids: set[str] = set()
    for project in pb.projects:
        line = int(project["__line__"])
        pid = project["project_id"]
        if not pid or "," in pid:
            raise PbError(line, f"project id {pid!r} is empty or contains a comma")
        if pid in ids:
            raise PbError(line, f"project {pid} given twice")
        ids.add(pid)
        try:
            if _number(project["cost"]) < 0:
                raise ValueError
        except (ValueError, ZeroDivisionError):
            raise PbError(line, f"project {pid}: cost {project['cost']!r} is not a non-negative number") from None
    kind = pb.kind
    if kind == CUMULATIVE and "points" not in pb.vote_columns:
        raise PbError(meta_lines["vote_type"], f"a {meta['vote_type']} file needs a points column in VOTES")
    voters: set[str] = set()
    for vote in pb.votes:
        line = int(vote["__line__"])
        vid = vote["voter_id"]
        if vid in voters:
            raise PbError(line, f"voter {vid} given twice")
        voters.add(vid)
        chosen = _ids(vote["vote"])
        unknown = [p for p in chosen if p not in ids]
        if unknown:
            raise PbError(line, f"voter {vid} votes for unknown project {unknown[0]}")
        if len(set(chosen)) != len(chosen):
            raise PbError(line, f"voter {vid} names a project twice")
        if kind == CUMULATIVE:
            points = _ids(vote["points"])
            if len(points) != len(chosen):
                raise PbError(line, f"voter {vid}: {len(chosen)} projects but {len(points)} points")
            for value in points:
                try:
                    if _number(value) < 0:
                        raise ValueError
                except (ValueError, ZeroDivisionError):
                    raise PbError(line, f"voter {vid}: points {value!r} are not a non-negative number") from None
    for key, count, what in (("num_projects", len(pb.projects), "projects"), ("num_votes", len(pb.votes), "votes")):
        if key in meta and meta[key] != str(count):
            raise PbError(meta_lines[key], f"META says {key} {meta[key]} but the file has {count} {what}")


def write_pb(pb: PbFile) -> str:
    """The file's text (see the module docstring for what the round trip keeps)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in pb.meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(pb.project_columns)
    for project in pb.projects:
        writer.writerow([project.get(c, "") for c in pb.project_columns])
    out.write("VOTES\n")
    writer.writerow(pb.vote_columns)
    for vote in pb.votes:
        writer.writerow([vote.get(c, "") for c in pb.vote_columns])
    return out.getvalue()


def read_pb_file(path: Any) -> PbFile:
    with open(path, encoding="utf-8") as handle:
        return read_pb(handle.read())
