"""A test hook: stop a load at a named point, so a crash-safety test can SIGKILL it there.

Set `SANCTIONS_TEST_PAUSE_AT=<point>` in a loading process's environment, and when the load
reaches that point it prints `sanctions-test-paused-at <point> <pid>` on stderr and sleeps
(up to `PAUSE_SECONDS`), then goes on. The points, in the order a load passes them:

- `parse`: the parser has produced its first entities; the write transaction is open and
  holds the new version's row, but no entity row is written yet;
- `insert`: 5,000 entities are written into the still open transaction;
- `commit`: every statement of the load ran; its COMMIT is the next statement;
- `index`: the load has committed (the first statement after the COMMIT); the screening
  index beside the store is not rebuilt yet.

Unset (always, outside tests) it costs one environment lookup per load. `commit` and
`index` watch the statements of the store's SQLite connection, so they only exist there.
Used by tests/store/test_crash_safety.py; nothing else may set it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from ..store import Store

ENV = "SANCTIONS_TEST_PAUSE_AT"
POINTS = ("parse", "insert", "commit", "index")
PAUSE_SECONDS = 600.0
PARSE_AT = 100  # entities read, fewer than one batch (1,000): nothing written yet
INSERT_AT = 5_000  # five batches written


def pause_point() -> str | None:
    """The point asked for, or None (the normal case)."""
    point = os.environ.get(ENV) or None
    if point is not None and point not in POINTS:
        raise ValueError(f"{ENV}={point!r}: expected one of {', '.join(POINTS)}")
    return point


def pause(point: str) -> None:
    sys.stderr.write(f"sanctions-test-paused-at {point} {os.getpid()}\n")
    sys.stderr.flush()
    time.sleep(PAUSE_SECONDS)


def pausing_counter(
    point: str | None, on_entity: Callable[[int], None] | None
) -> Callable[[int], None] | None:
    """`on_entity`, pausing at the `parse` or `insert` point."""
    at = {"parse": PARSE_AT, "insert": INSERT_AT}.get(point or "")
    if at is None:
        return on_entity

    def counted(n: int) -> None:
        if n == at:
            pause(point or "")
        if on_entity is not None:
            on_entity(n)

    return counted


def watch_statements(point: str | None, store: Store) -> None:
    """Pause just before the load's COMMIT (`commit`) or at the statement after it (`index`)."""
    if point not in ("commit", "index") or store.db.dialect != "sqlite":
        return
    committed = False

    def trace(statement: str) -> None:
        nonlocal committed
        if committed:
            store.conn.set_trace_callback(None)
            pause("index")
        elif statement.strip().upper() == "COMMIT":
            if point == "commit":
                store.conn.set_trace_callback(None)
                pause("commit")
            committed = True

    store.conn.set_trace_callback(trace)
