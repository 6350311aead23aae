"""Secondary evidence beyond the name: birth date, country, gender, identifiers, schema.

Each feature returns how much it moves the name score (positive supports, negative
contradicts) and a short note for the explanation. Missing data on either side is neutral:
lists are incomplete, and an absent birth date says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model import Entity
from ..text.resources import compatible_schemas

BIRTH_DATE_EXACT = 0.06
BIRTH_YEAR_MATCH = 0.03
BIRTH_DATE_CONFLICT = -0.1  # two to four years apart
BIRTH_DATE_FAR = -0.2  # five years or more apart: a different person, unless the name is exact
COUNTRY_MATCH = 0.03
COUNTRY_CONFLICT = -0.05
GENDER_CONFLICT = -0.1
# The most each feature can add when the query carries that evidence (the screener skips
# names that cannot reach the threshold even with it).
MOST_GAINED = {"birth_date": BIRTH_DATE_EXACT, "country": COUNTRY_MATCH, "gender": 0.0}
# An identical passport, IMO or registration number is near-certain whatever the name says.
IDENTIFIER_FLOOR = 0.95

_ID_CHARS = re.compile(r"[^0-9A-Z]")
# Labels people type in front of a number ("IMO 9187629", "Passport No. A123").
_ID_LABEL = re.compile(r"^(IMO|MMSI|PASSPORT|NO|NR|NUMBER|ID|#)[\s.:#-]*", re.IGNORECASE)
COUNTRY_PROPERTIES = ("nationality", "citizenship", "country", "flag")


def schema_compatible(query_schema: str | None, listed_schema: str) -> bool:
    if query_schema is None:
        return True
    # Which listed schemas a query of each schema may hit (FtM-style: a Company query may
    # match a listed Organization; a Person never matches a Vessel): resources/schemata.yml.
    return listed_schema in compatible_schemas().get(query_schema, frozenset({query_schema}))


def birth_date_feature(query_date: str | None, entity: Entity) -> tuple[float, str | None]:
    """Compare a partial ISO date with every listed birth date or range."""
    if not query_date or not entity.birth_dates:
        return 0.0, None
    year = int(query_date[:4])
    best = BIRTH_DATE_FAR
    note = f"born {query_date}, listed {', '.join(d.start for d in entity.birth_dates)}"
    for listed in entity.birth_dates:
        start, end = int(listed.start[:4]), int((listed.end or listed.start)[:4])
        precise = min(len(query_date), len(listed.start))
        if listed.end is None and query_date[:precise] == listed.start[:precise]:
            gain = BIRTH_DATE_EXACT if precise >= 10 else BIRTH_YEAR_MATCH
        elif start <= year <= end:
            gain = BIRTH_YEAR_MATCH
        elif start - 1 <= year <= end + 1 or listed.circa:
            gain = 0.0  # near year: spelling of records, not a contradiction
        elif start - 4 <= year <= end + 4:
            gain = BIRTH_DATE_CONFLICT
        else:
            gain = BIRTH_DATE_FAR
        best = max(best, gain)
    return best, note


def country_feature(country: str | None, entity: Entity) -> tuple[float, str | None]:
    if not country:
        return 0.0, None
    listed = {value for prop in COUNTRY_PROPERTIES for value in entity.get(prop)}
    listed |= {a.country for a in entity.addresses if a.country}
    if not listed:
        return 0.0, None
    if country in listed:
        return COUNTRY_MATCH, f"country {country} listed"
    return COUNTRY_CONFLICT, f"country {country}, listed {', '.join(sorted(listed))}"


def gender_feature(gender: str | None, entity: Entity) -> tuple[float, str | None]:
    listed = entity.get("gender")
    if not gender or not listed or gender in listed:
        return 0.0, None
    return GENDER_CONFLICT, f"gender {gender}, listed {', '.join(listed)}"


def normalize_identifier(value: str) -> str:
    value = value.strip()
    while (label := _ID_LABEL.match(value)) and label.end() < len(value):
        value = value[label.end() :]
    return _ID_CHARS.sub("", value.upper())


def identifier_match(number: str | None, entity: Entity) -> str | None:
    """The listed identifier equal to `number` (ignoring case, spaces, punctuation), if any."""
    if not number:
        return None
    wanted = normalize_identifier(number)
    if len(wanted) < 4:  # too short to identify anything
        return None
    for ident in entity.identifiers:
        if normalize_identifier(ident.value) == wanted:
            return f"{ident.kind.value} {ident.value}"
    return None


# The evidence features the screener adds to a name score, in the order they are explained:
# (label, function of the query's canonical value and the listed entity). Identifiers are
# not here: an identical identifier floors the score rather than adding to it.
FEATURES: tuple[tuple[str, Callable[[str | None, Entity], tuple[float, str | None]]], ...] = (
    ("birth_date", birth_date_feature),
    ("country", country_feature),
    ("gender", gender_feature),
)
