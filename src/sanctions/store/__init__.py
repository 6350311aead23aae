"""The store: every line of SQL in the package lives in this folder.

_db.py          the connection and transactions (the only module that imports sqlite3)
migrations.py   numbered schema migrations, applied on open
versions.py     `Store`: list versions, entities, diffs
fetch_state.py  what `sanctions update` remembers between runs
keys.py         API key rows
users.py        users and their roles
audit.py        the hash-chained audit trail
customers.py    the monitored portfolio: customers and their revisions, imports
alerts.py       monitoring runs, alerts and their decision history
webhooks.py     webhook subscriptions and the delivery log
"""

from __future__ import annotations

from . import audit
from .fetch_state import FetchState, FileState, SourceState, now_iso
from .keys import KeyInfo
from .versions import Diff, LoadResult, Store, VersionInfo, changed_properties

__all__ = [
    "Diff",
    "audit",
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
