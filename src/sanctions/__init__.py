"""sanctions: load official sanctions lists, keep every version, and screen against them.

The public names below are imported on first use (PEP 562), so `import sanctions` and a
command line that only screens do not pay for the loaders, the HTTP client and the rest.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "FormatError": "errors",
    "NotFound": "errors",
    "ParseError": "errors",
    "QueryError": "errors",
    "SanctionsError": "errors",
    "SourceError": "errors",
    "StoreError": "errors",
    "UsageError": "errors",
    "load_paths": "ingest.load",
    "DEFAULT_THRESHOLD": "match",
    "Comparison": "match",
    "compare_names": "match",
    "Address": "model",
    "DateValue": "model",
    "Entity": "model",
    "Identifier": "model",
    "IdKind": "model",
    "Link": "model",
    "Name": "model",
    "NameKind": "model",
    "Hit": "screen",
    "Query": "screen",
    "Screener": "screen",
    "Diff": "store",
    "LoadResult": "store",
    "Store": "store",
    "VersionInfo": "store",
}

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


def __getattr__(name: str) -> _Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sanctions' has no attribute {name!r}")
    value = getattr(_import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if _TYPE_CHECKING:
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
