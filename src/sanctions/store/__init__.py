"""The store: every line of SQL in the package lives in this folder.

_db.py          the connection and transactions (the only module that imports sqlite3)
migrations.py   numbered schema migrations, applied on open
versions.py     `Store`: list versions, entities, diffs
fetch_state.py  what `sanctions update` remembers between runs
keys.py         API key rows
"""

from __future__ import annotations

from .fetch_state import FetchState, FileState, SourceState, now_iso
from .keys import KeyInfo
from .versions import Diff, LoadResult, Store, VersionInfo, changed_properties

__all__ = [
    "Diff",
    "FetchState",
    "FileState",
    "KeyInfo",
    "LoadResult",
    "SourceState",
    "Store",
    "VersionInfo",
    "changed_properties",
    "now_iso",
]
