"""Comparing two names directly (`sanctions compare`), with the input rules of screening."""

from __future__ import annotations

from ..match.compare import Comparison, compare_names
from .validate import prepare_pair


def compare_pair(name1: str, name2: str, schema: str | None = None) -> Comparison:
    """Score two names as screening would; QueryError names the field when they cannot be."""
    first, second, canonical = prepare_pair(name1, name2, schema)
    return compare_names(first, second, canonical)
