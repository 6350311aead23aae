"""Matching: candidate retrieval (index) and scoring (names, then whole entities)."""

from .compare import DEFAULT_THRESHOLD, Comparison, compare_names
from .names import NameScore, TokenPair, compare_name_forms

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "NameScore",
    "TokenPair",
    "compare_name_forms",
    "compare_names",
]
