"""Cleaning the values list files print: dates in their many spellings, country names."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pycountry

from ..model import DateValue
from .latinize import latinize
from .resources import load_resource

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}

_DAY_MON_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ -,]*(\d{4})$")
_MON_YEAR = re.compile(r"^([A-Za-z]{3})[a-z]*\.?[ ,]*(\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$")
_DMY_NUMERIC = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(.+?)\s+(?:to|-|–)\s+(.+)$")
_YEAR_SPAN = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{4})$")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2100:
        return None
    if month is None or month == 0:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None or day == 0:
        return f"{year:04d}-{month:02d}"
    if not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_date(text: str | None) -> str | None:
    """One date as a partial ISO string, or None when it is not a date we can read.

    Accepts "23 Dec 1973", "Dec 1973", "1973", "1973-12-23", "23.12.1973", "23/12/1973"
    and "00/00/1973" (unknown day and month).
    """
    if not text:
        return None
    text = text.strip().rstrip(".").strip()
    if m := _DAY_MON_YEAR.match(text):
        month = MONTHS.get(m.group(2).lower())
        return _iso(int(m.group(3)), month, int(m.group(1))) if month else None
    if m := _MON_YEAR.match(text):
        month = MONTHS.get(m.group(1).lower())
        return _iso(int(m.group(2)), month) if month else None
    if m := _ISO.match(text):
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        return _iso(int(m.group(1)), month, day)
    if m := _DMY_NUMERIC.match(text):
        return _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return None


def parse_date_value(text: str | None) -> DateValue | None:
    """A date, a "circa" date or a range ("1958 to 1960") as a `DateValue`."""
    if not text:
        return None
    text = " ".join(text.split()).strip().rstrip(".")
    circa = False
    lowered = text.lower()
    for prefix in ("circa ", "approximately ", "approx. ", "about ", "c. ", "ca. "):
        if lowered.startswith(prefix):
            circa = True
            text = text[len(prefix) :]
            break
    if single := parse_date(text):
        return DateValue(single, circa=circa)
    if m := _YEAR_SPAN.match(text) or _RANGE.match(text):
        start, end = parse_date(m.group(1)), parse_date(m.group(2))
        if start and end:
            return DateValue(start, end, circa=circa)
    return None


@cache
def _territories() -> dict[str, str]:
    """Latinized name -> ISO 3166 code: pycountry's names and codes, our table
    (resources/territories.yml), and the US states (addresses name them without the
    country)."""
    table: dict[str, str] = {}

    def add(name: str | None, code: str) -> None:
        if name and (key := latinize(name)):
            table.setdefault(key, code.lower())

    for name, code in load_resource("territories")["names"].items():
        add(name, code)
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "official_name", "common_name", "alpha_2", "alpha_3"):
            add(getattr(country, attr, None), code)
    states = pycountry.subdivisions.get(country_code="US")  # type: ignore[no-untyped-call]
    for state in states or ():
        if state.type == "State":
            add(state.name, "us")
    return table


def _lookup(text: str) -> str | None:
    table = _territories()
    key = latinize(text)
    for candidate in (key, key.removeprefix("the "), key.removesuffix(" the")):
        if candidate in table:
            return table[candidate]
    return None


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO 3166 alpha-2 (lower case) for a country name as lists print it, or None.

    Knows pycountry's ISO 3166 names and codes and our table of other forms: short and
    inverted forms ("Korea, North", "Congo, Democratic Republic of the", "Burma"),
    demonyms ("Syrian"), regions and cities lists give for a country ("Crimea" -> "ua").
    """
    if not name:
        return None
    name = name.strip().rstrip(".")
    if not name:
        return None
    name = _REGION_LABEL.sub("", name)
    if code := _lookup(name):
        return code
    head, comma, tail = name.partition(",")
    if comma and "," not in tail and tail.strip():
        return _lookup(f"{tail} {head}")  # "Korea, North" -> "North Korea"
    return None


_REGION_LABEL = re.compile(r"^\s*region\s*:\s*", re.IGNORECASE)
