"""Screening: the `Screener` façade, what it takes (`Query`) and gives (`Hit`), and every
rule about valid input (validate.py). Interfaces call this package and nothing below it."""

from ..settings import DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT, MAX_NAME_LENGTH
from .pairs import compare_pair
from .query import Hit, Query
from .screener import Screener, Snapshot, entity_queries
from .validate import (
    canonical_gender,
    canonical_schema,
    check_lists,
    check_options,
    clean_name,
    prepare_pair,
    prepare_query,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "MAX_LIMIT",
    "MAX_NAME_LENGTH",
    "Hit",
    "Query",
    "Screener",
    "Snapshot",
    "canonical_gender",
    "canonical_schema",
    "check_lists",
    "check_options",
    "clean_name",
    "compare_pair",
    "entity_queries",
    "prepare_pair",
    "prepare_query",
]
