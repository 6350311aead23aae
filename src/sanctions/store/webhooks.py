"""Rows of `webhooks` and `webhook_deliveries` (migration 4): subscriptions and the delivery
log. Signing and sending live in `sanctions.monitor.webhooks`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._db import Database


@dataclass(frozen=True)
class WebhookRow:
    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: str
    removed_at: str | None

    def to_json(self) -> dict[str, Any]:
        """Never the secret."""
        return {
            "id": self.id,
            "url": self.url,
            "events": list(self.events),
            "created_at": self.created_at,
            "removed_at": self.removed_at,
            "active": self.removed_at is None,
        }


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    webhook_id: int
    event: str
    body: str
    created_at: str
    status: str  # pending, delivered, failed
    attempts: int
    next_attempt_at: str | None
    last_status: int | None
    last_error: str | None
    delivered_at: str | None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "body"}


_HOOK = "id, url, events, secret, created_at, removed_at"
_DELIVERY = (
    "id, webhook_id, event, body, created_at, status, attempts, next_attempt_at, last_status, "
    "last_error, delivered_at"
)


def _hook(row: tuple[Any, ...]) -> WebhookRow:
    hook_id, url, events, secret, created_at, removed_at = row
    return WebhookRow(hook_id, url, tuple(events.split(",")), secret, created_at, removed_at)


def insert(db: Database, url: str, events: tuple[str, ...], secret: str, at: str) -> int:
    return db.insert(
        "INSERT INTO webhooks (url, events, secret, created_at) VALUES (?, ?, ?, ?)",
        (url, ",".join(events), secret, at),
    )


def get(db: Database, webhook_id: int) -> WebhookRow | None:
    row = db.one(f"SELECT {_HOOK} FROM webhooks WHERE id = ?", (webhook_id,))
    return _hook(row) if row else None


def listing(db: Database, *, include_removed: bool = False) -> list[WebhookRow]:
    where = "" if include_removed else " WHERE removed_at IS NULL"
    return [_hook(row) for row in db.all(f"SELECT {_HOOK} FROM webhooks{where} ORDER BY id")]


def mark_removed(db: Database, webhook_id: int, at: str) -> bool:
    cursor = db.execute(
        "UPDATE webhooks SET removed_at = ? WHERE id = ? AND removed_at IS NULL", (at, webhook_id)
    )
    return cursor.rowcount > 0


def enqueue(db: Database, event: str, body: str, at: str) -> int:
    """One pending delivery per active webhook subscribed to `event`; how many."""
    hooks = [h for h in listing(db) if event in h.events]
    db.executemany(
        "INSERT INTO webhook_deliveries (webhook_id, event, body, created_at, status) "
        "VALUES (?, ?, ?, ?, 'pending')",
        [(h.id, event, body, at) for h in hooks],
    )
    return len(hooks)


def due(db: Database, now: str, limit: int = 100) -> list[DeliveryRow]:
    rows = db.all(
        f"SELECT {_DELIVERY} FROM webhook_deliveries WHERE status = 'pending' "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?",
        (now, limit),
    )
    return [DeliveryRow(*row) for row in rows]


def claim(db: Database, delivery_id: int, now: str, hold_until: str) -> bool:
    """Take a due delivery for one sender: push its next attempt to `hold_until` unless
    another sender took it first (then False)."""
    cursor = db.execute(
        "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending' "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= ?)",
        (hold_until, delivery_id, now),
    )
    return cursor.rowcount > 0


def record_attempt(
    db: Database,
    delivery_id: int,
    *,
    status: str,
    attempts: int,
    next_attempt_at: str | None,
    last_status: int | None,
    last_error: str | None,
    delivered_at: str | None,
) -> None:
    db.execute(
        "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, "
        "last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?",
        (status, attempts, next_attempt_at, last_status, last_error, delivered_at, delivery_id),
    )


def deliveries(db: Database, limit: int = 100) -> list[DeliveryRow]:
    rows = db.all(f"SELECT {_DELIVERY} FROM webhook_deliveries ORDER BY id DESC LIMIT ?", (limit,))
    return [DeliveryRow(*row) for row in rows]


def pending_count(db: Database) -> int:
    row = db.one("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
    return int(row[0]) if row else 0
