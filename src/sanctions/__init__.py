"""sanctions: load official sanctions lists, keep every version, and screen against them."""

from .errors import (
    FormatError,
    NotFound,
    ParseError,
    QueryError,
    SanctionsError,
    SourceError,
    StoreError,
    UsageError,
)
from .ingest.load import load_paths
from .match import DEFAULT_THRESHOLD, Comparison, compare_names
from .model import Address, DateValue, Entity, Identifier, IdKind, Link, Name, NameKind
from .screen import Hit, Query, Screener
from .store import Diff, LoadResult, Store, VersionInfo

__version__ = "0.1.0"

__all__ = [
    "Address",
    "Comparison",
    "DEFAULT_THRESHOLD",
    "DateValue",
    "Diff",
    "Entity",
    "FormatError",
    "Hit",
    "IdKind",
    "Identifier",
    "Link",
    "LoadResult",
    "Name",
    "NameKind",
    "NotFound",
    "ParseError",
    "Query",
    "QueryError",
    "SanctionsError",
    "Screener",
    "SourceError",
    "Store",
    "StoreError",
    "UsageError",
    "VersionInfo",
    "compare_names",
    "load_paths",
]
