"""Matching: candidate retrieval (index) and scoring (names, then whole entities)."""

from ..settings import DEFAULT_THRESHOLD
from .compare import Comparison, compare_names
from .names import NameScore, TokenPair, compare_name_forms

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "NameScore",
    "TokenPair",
    "compare_name_forms",
    "compare_names",
]
