"""Every rule about screening input, stated once: the CLI, the API and batch files all
accept and refuse the same things, with the same message naming the field."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import QueryError
from ..model import SCHEMAS
from ..settings import MAX_LIMIT, MAX_NAME_LENGTH
from ..text.names import NameForm, analyze_name
from ..text.values import country_code, parse_date
from .query import Query

_SCHEMA_NAMES = {schema.lower(): schema for schema in SCHEMAS}
_GENDERS = {"male": "male", "m": "male", "female": "female", "f": "female"}


def canonical_schema(value: str | None, field: str = "schema") -> str | None:
    """ "person", " PERSON " and "Person" are all Person; None or blank means any schema."""
    if value is None or not value.strip():
        return None
    schema = _SCHEMA_NAMES.get(value.strip().lower())
    if schema is None:
        raise QueryError(
            f"unknown schema {value!r}; expected one of {', '.join(SCHEMAS)}", field=field
        )
    return schema


def clean_name(value: str | None, field: str = "name") -> str:
    """The name with its white space collapsed; refused when empty or too long."""
    name = " ".join((value or "").split())
    if not name:
        raise QueryError("name is empty", field=field)
    if len(name) > MAX_NAME_LENGTH:
        raise QueryError(
            f"name is {len(name):,} characters long; the limit is {MAX_NAME_LENGTH}", field=field
        )
    return name


def canonical_gender(value: str | None) -> str | None:
    """male or female (also m/f, any case); None or blank means unknown."""
    if value is None or not value.strip():
        return None
    gender = _GENDERS.get(value.strip().lower())
    if gender is None:
        raise QueryError(f"{value!r} is not male or female", field="gender")
    return gender


def check_options(threshold: float, limit: int) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise QueryError(f"threshold {threshold} is outside [0, 1]", field="threshold")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit {limit} must be between 1 and {MAX_LIMIT}", field="limit")


def check_lists(lists: Iterable[str] | None) -> tuple[str, ...] | None:
    """Source names to screen against (None: every list); blank names are refused."""
    if lists is None:
        return None
    names = tuple(lists)
    if any(not name.strip() for name in names):
        raise QueryError("a list name is empty", field="lists")
    return names


def prepare_query(query: Query) -> tuple[Query, NameForm]:
    """Validate and normalise a query; QueryError names the field that is wrong."""
    name = clean_name(query.name)
    schema = canonical_schema(query.schema)
    birth_date = None
    if query.birth_date:
        birth_date = parse_date(query.birth_date)
        if birth_date is None:
            raise QueryError(
                f"birth date {query.birth_date!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
                field="birth_date",
            )
    country = None
    if query.country:
        # Codes go through the territory table too: "UK" is "gb" on every list.
        country = country_code(query.country.strip())
        if country is None:
            raise QueryError(
                f"country {query.country!r} is not a country name or ISO code", field="country"
            )
    gender = canonical_gender(query.gender)
    form = analyze_name(name, schema)
    if not form.tokens:
        raise QueryError(f"name {name!r} has no letters or digits to match", field="name")
    clean = Query(name, schema, birth_date, country, gender, query.id_number, query.id)
    return clean, form


def prepare_pair(name1: str, name2: str, schema: str | None = None) -> tuple[str, str, str | None]:
    """Two names to compare and their schema, checked as a query's name and schema are."""
    return clean_name(name1, "name1"), clean_name(name2, "name2"), canonical_schema(schema)
