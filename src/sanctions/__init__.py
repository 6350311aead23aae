"""sanctions: load official sanctions lists, keep every version, and screen against them."""

from .errors import (
    FormatError,
    NotFound,
    ParseError,
    SanctionsError,
    SourceError,
    StoreError,
    UsageError,
)
from .loader import load_paths
from .model import Address, DateValue, Entity, Identifier, IdKind, Link, Name, NameKind
from .store import Diff, LoadResult, Store, VersionInfo

__version__ = "0.1.0"

__all__ = [
    "Address",
    "DateValue",
    "Diff",
    "Entity",
    "FormatError",
    "IdKind",
    "Identifier",
    "Link",
    "LoadResult",
    "Name",
    "NameKind",
    "NotFound",
    "ParseError",
    "SanctionsError",
    "SourceError",
    "Store",
    "StoreError",
    "UsageError",
    "VersionInfo",
    "load_paths",
]
