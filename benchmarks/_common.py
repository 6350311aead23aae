"""Helpers shared by the benchmark scripts: data paths, machine description, markdown section
writing, a store with the real lists loaded, reading the yente people fixtures as queries, and
a wall-clock timer."""

from __future__ import annotations

import calendar
import csv
import os
import platform
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PAIRS = DATA / "pairs"
# The lists a screening benchmark runs against: OFAC SDN + consolidated (the folder) and UN.
# Every real sanctions list in shared/data, each call one publication of one source. (The
# OpenSanctions Senzing file is left out: it holds US Congress members, who are PEPs, not
# sanctioned, and serve as a false-alert test instead.)
SCREENING_LISTS = (
    (DATA / "ofac", DATA / "un" / "consolidated.xml"),
    (DATA / "eu" / "journal_sanctions",),
    (DATA / "uk" / "ofsi_conlist_excerpt.csv",),
    (DATA / "us_csl" / "csl.csv",),
    (DATA / "opensanctions" / "zala.entities.ftm.json",),
)

_LOOSE_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    return f"{system}, {cpu}, Python {platform.python_version()}"


def write_section(path: Path, heading: str, section: str) -> None:
    """Replace the section starting at `heading` (up to the next "## "), or append it."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    section = section.rstrip("\n") + "\n"
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        rest = "\n" + text[end + 1 :] if end >= 0 else ""  # keep a blank line before it
        text = text[:start] + section + rest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def load_screening_store(db_path: Path) -> Path:
    """Load every real list (SCREENING_LISTS) into a new store at `db_path`; return the path."""
    from sanctions.ingest.load import load_paths
    from sanctions.store import Store

    with Store(db_path) as store:
        for paths in SCREENING_LISTS:
            load_paths(store, list(paths))
    return db_path


@contextmanager
def timed(label: str) -> Iterator[None]:
    """Print the wall time of the block."""
    start = time.perf_counter()
    try:
        yield
    finally:
        print(f"[time] {label}: {time.perf_counter() - start:.1f} s", flush=True)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True, slots=True)
class Person:
    """One row of the yente candidate-generation fixtures, as a screening query's inputs."""

    full_name: str
    birth_date: str | None  # ISO partial date, or the valid part of a malformed one
    country: str | None
    raw_birth_date: str  # as written in the file

    @property
    def birth_date_normalised(self) -> bool:
        """True when the file's date was not valid ISO as written."""
        return bool(self.raw_birth_date.strip()) and self.birth_date != self.raw_birth_date.strip()


def iso_partial_date(text: str) -> str | None:
    """A loose date as ISO: zero-padded ("1969-7-16" -> "1969-07-16"), cut back to its valid
    part when the month or day cannot exist ("1968-13-30" -> "1968"); None if not a date."""
    m = _LOOSE_DATE.match(text.strip())
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    if month is None or not 1 <= month <= 12:
        return f"{year:04d}"
    if day is None or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def to_country_code(value: str) -> str | None:
    """ISO alpha-2 from either a code ("af") or a country name ("Iraq")."""
    from sanctions.text.values import country_code

    value = value.strip()
    if len(value) == 2 and value.isalpha():
        return value.lower()
    return country_code(value)


def read_people(path: Path) -> list[Person]:
    """The fixture rows (header full_name, ..., date_of_birth, place_of_birth, nationality)."""
    return [
        Person(
            full_name=row["full_name"],
            birth_date=iso_partial_date(row["date_of_birth"]),
            country=to_country_code(row["nationality"]),
            raw_birth_date=row["date_of_birth"],
        )
        for row in read_csv(path)
    ]
