"""Rows of `alerts` and `alert_events` (migration 4).

An alert is one (customer, entity) pair; its row holds the current state and the evidence
of the last screening that hit (score, matched names, explanation as `hit` JSON), the
fingerprint of the matched content (for suppression), and a proposed decision awaiting
approval (`pending` JSON). `alert_events` is its history: opened, reopened, closed,
decided, proposed, approved. States and transitions are decided in `sanctions.monitor`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ._db import Database


@dataclass(frozen=True)
class AlertRow:
    id: int
    customer_id: str
    entity_id: str
    state: str
    score: float
    customer_revision: int
    list_source: str
    list_version: int
    fingerprint: str
    hit: dict[str, Any]
    created_at: str
    updated_at: str
    run_id: int
    closed_reason: str | None
    pending: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("hit", "fingerprint")}
        data["score"] = round(self.score, 4)
        data["customer_name"] = self.hit.get("query_name")
        data["matched_name"] = self.hit.get("matched_name")
        data["entity_caption"] = self.hit.get("caption")
        data["schema"] = self.hit.get("schema")
        data["explanation"] = self.hit.get("explanation", {})
        data["fingerprint"] = self.fingerprint
        return data


@dataclass(frozen=True)
class AlertKey:
    """The little reconciliation needs to know about an existing alert."""

    id: int
    state: str
    fingerprint: str
    customer_revision: int


@dataclass(frozen=True)
class Event:
    alert_id: int
    at: str
    user: str
    action: str
    from_state: str | None
    to_state: str
    decision: str | None
    reason: str | None
    run_id: int | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


_COLUMNS = (
    "id, customer_id, entity_id, state, score, customer_revision, list_source, list_version, "
    "fingerprint, hit, created_at, updated_at, run_id, closed_reason, pending"
)


def _row(values: tuple[Any, ...]) -> AlertRow:
    fields = list(values)
    fields[9] = json.loads(fields[9])
    fields[14] = json.loads(fields[14]) if fields[14] else None
    return AlertRow(*fields)


def keys(db: Database) -> dict[tuple[str, str], AlertKey]:
    """Every alert by (customer id, entity id)."""
    return {
        (cid, eid): AlertKey(aid, state, fp, rev)
        for aid, cid, eid, state, fp, rev in db.execute(
            "SELECT id, customer_id, entity_id, state, fingerprint, customer_revision FROM alerts"
        )
    }


def insert(
    db: Database,
    *,
    customer_id: str,
    entity_id: str,
    state: str,
    score: float,
    customer_revision: int,
    list_source: str,
    list_version: int,
    fingerprint: str,
    hit: dict[str, Any],
    at: str,
    run_id: int,
) -> int:
    return db.insert(
        "INSERT INTO alerts (customer_id, entity_id, state, score, customer_revision, "
        "list_source, list_version, fingerprint, hit, created_at, updated_at, run_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            customer_id,
            entity_id,
            state,
            score,
            customer_revision,
            list_source,
            list_version,
            fingerprint,
            json.dumps(hit, ensure_ascii=False),
            at,
            at,
            run_id,
        ),
    )


def refresh(
    db: Database,
    alert_id: int,
    *,
    state: str,
    score: float,
    customer_revision: int,
    list_source: str,
    list_version: int,
    fingerprint: str,
    hit: dict[str, Any],
    at: str,
    run_id: int,
) -> None:
    """New evidence from a run (and possibly a new state); a reopened alert loses its
    closing reason and any stale proposal."""
    db.execute(
        "UPDATE alerts SET state = ?, score = ?, customer_revision = ?, list_source = ?, "
        "list_version = ?, fingerprint = ?, hit = ?, updated_at = ?, run_id = ?, "
        "closed_reason = CASE WHEN ? = 'closed' THEN closed_reason ELSE NULL END WHERE id = ?",
        (
            state,
            score,
            customer_revision,
            list_source,
            list_version,
            fingerprint,
            json.dumps(hit, ensure_ascii=False),
            at,
            run_id,
            state,
            alert_id,
        ),
    )


def set_state(
    db: Database,
    alert_id: int,
    state: str,
    at: str,
    *,
    closed_reason: str | None = None,
    pending: dict[str, Any] | None = None,
) -> None:
    db.execute(
        "UPDATE alerts SET state = ?, updated_at = ?, closed_reason = ?, pending = ? WHERE id = ?",
        (
            state,
            at,
            closed_reason,
            json.dumps(pending, ensure_ascii=False) if pending else None,
            alert_id,
        ),
    )


def add_events(db: Database, events: Iterable[Event]) -> None:
    db.executemany(
        "INSERT INTO alert_events (alert_id, at, user, action, from_state, to_state, decision, "
        "reason, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.alert_id,
                e.at,
                e.user,
                e.action,
                e.from_state,
                e.to_state,
                e.decision,
                e.reason,
                e.run_id,
            )
            for e in events
        ],
    )


def get(db: Database, alert_id: int, *, for_update: bool = False) -> AlertRow | None:
    """An alert; `for_update` (inside a transaction that will change it) locks its row
    until the transaction ends, so two replicas deciding at once are serialized."""
    lock = db.for_update if for_update else ""
    row = db.one(f"SELECT {_COLUMNS} FROM alerts WHERE id = ?{lock}", (alert_id,))
    return _row(row) if row else None


def listing(
    db: Database,
    *,
    states: Sequence[str] = (),
    customer_id: str | None = None,
    entity_id: str | None = None,
    source: str | None = None,
    min_score: float | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AlertRow]:
    where, params = _filters(states, customer_id, entity_id, source, min_score)
    rows = db.all(
        f"SELECT {_COLUMNS} FROM alerts{where} ORDER BY id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_row(row) for row in rows]


def count(
    db: Database,
    *,
    states: Sequence[str] = (),
    customer_id: str | None = None,
    entity_id: str | None = None,
    source: str | None = None,
    min_score: float | None = None,
) -> int:
    where, params = _filters(states, customer_id, entity_id, source, min_score)
    row = db.one(f"SELECT COUNT(*) FROM alerts{where}", params)
    return int(row[0]) if row else 0


def _filters(
    states: Sequence[str],
    customer_id: str | None,
    entity_id: str | None,
    source: str | None,
    min_score: float | None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if states:
        clauses.append(f"state IN ({','.join('?' * len(states))})")
        params.extend(states)
    for column, value in (
        ("customer_id", customer_id),
        ("entity_id", entity_id),
        ("list_source", source),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if min_score is not None:
        clauses.append("score >= ?")
        params.append(min_score)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def by_state(db: Database) -> dict[str, int]:
    return {s: n for s, n in db.all("SELECT state, COUNT(*) FROM alerts GROUP BY state")}


def events(db: Database, alert_id: int) -> list[Event]:
    rows = db.all(
        "SELECT alert_id, at, user, action, from_state, to_state, decision, reason, run_id "
        "FROM alert_events WHERE alert_id = ? ORDER BY id",
        (alert_id,),
    )
    return [Event(*row) for row in rows]


def for_customers(db: Database, customer_ids: Sequence[str]) -> list[AlertKey]:
    out: list[AlertKey] = []
    for start in range(0, len(customer_ids), 500):
        chunk = customer_ids[start : start + 500]
        out.extend(
            AlertKey(*row)
            for row in db.all(
                "SELECT id, state, fingerprint, customer_revision FROM alerts "
                f"WHERE customer_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    return out
