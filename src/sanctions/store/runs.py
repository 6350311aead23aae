"""Rows of `monitor_runs` and `run_customers` (migration 4): each monitoring run, the list
versions it screened against, its counts, and which customers it screened in full."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._db import Database


@dataclass(frozen=True)
class RunRow:
    id: int
    mode: str
    started_at: str
    finished_at: str | None
    user: str
    threshold: float
    list_versions: dict[str, int]
    customers_screened: int
    entities_screened: int
    new_alerts: int
    reopened: int
    closed: int

    def to_json(self) -> dict[str, Any]:
        return {"run_id": self.id, **{k: v for k, v in self.__dict__.items() if k != "id"}}


_COLUMNS = (
    "id, mode, started_at, finished_at, user, threshold, list_versions, customers_screened, "
    "entities_screened, new_alerts, reopened, closed"
)


def _row(values: tuple[Any, ...]) -> RunRow:
    fields = list(values)
    fields[6] = json.loads(fields[6])
    return RunRow(*fields)


def start(
    db: Database, mode: str, at: str, user: str, threshold: float, versions: dict[str, int]
) -> int:
    return db.insert(
        "INSERT INTO monitor_runs (mode, started_at, user, threshold, list_versions) "
        "VALUES (?, ?, ?, ?, ?)",
        (mode, at, user, threshold, json.dumps(versions, sort_keys=True)),
    )


def finish(db: Database, run_id: int, at: str, counts: dict[str, int]) -> None:
    db.execute(
        "UPDATE monitor_runs SET finished_at = ?, customers_screened = ?, "
        "entities_screened = ?, new_alerts = ?, reopened = ?, closed = ? WHERE id = ?",
        (
            at,
            counts["customers_screened"],
            counts["entities_screened"],
            counts["new_alerts"],
            counts["reopened"],
            counts["closed"],
            run_id,
        ),
    )


def add_customers(db: Database, run_id: int, screened: Sequence[tuple[str, int]]) -> None:
    db.executemany(
        "INSERT INTO run_customers (run_id, customer_id, revision) VALUES (?, ?, ?)",
        [(run_id, cid, revision) for cid, revision in screened],
    )


def last(db: Database) -> RunRow | None:
    row = db.one(
        f"SELECT {_COLUMNS} FROM monitor_runs WHERE finished_at IS NOT NULL "
        "ORDER BY id DESC LIMIT 1"
    )
    return _row(row) if row else None


def get(db: Database, run_id: int) -> RunRow | None:
    row = db.one(f"SELECT {_COLUMNS} FROM monitor_runs WHERE id = ?", (run_id,))
    return _row(row) if row else None


def listing(db: Database, limit: int = 50, offset: int = 0) -> list[RunRow]:
    rows = db.all(
        f"SELECT {_COLUMNS} FROM monitor_runs ORDER BY id DESC LIMIT ? OFFSET ?", (limit, offset)
    )
    return [_row(row) for row in rows]


def for_customer(db: Database, customer_id: str) -> list[tuple[RunRow, int | None]]:
    """Every finished run since the customer was first screened, with the revision the run
    screened in full (None: a delta run that only checked the entities that changed)."""
    first = db.one("SELECT MIN(run_id) FROM run_customers WHERE customer_id = ?", (customer_id,))
    if first is None or first[0] is None:
        return []
    rows = db.all(
        f"SELECT {', '.join('r.' + c.strip() for c in _COLUMNS.split(','))}, rc.revision "
        "FROM monitor_runs r LEFT JOIN run_customers rc "
        "ON rc.run_id = r.id AND rc.customer_id = ? "
        "WHERE r.id >= ? AND r.finished_at IS NOT NULL ORDER BY r.id",
        (customer_id, first[0]),
    )
    return [(_row(row[:-1]), row[-1]) for row in rows]
