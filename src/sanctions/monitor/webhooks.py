"""Webhooks: signed JSON deliveries of monitoring events, retried, never blocking a run.

Events are queued by `emit` inside the caller's write transaction (an event exists exactly
when its action committed) and sent later by `deliver_due` (after a run, by `sanctions
webhooks deliver`, or by the server), so a slow or dead receiver never delays or fails the
action itself.

Each delivery is a POST of `{"id", "event", "created_at", "data"}` with headers

    X-Sanctions-Event      the event name
    X-Sanctions-Delivery   the delivery id (the same on every retry: deduplicate on it)
    X-Sanctions-Timestamp  unix seconds when this attempt was signed
    X-Sanctions-Signature  sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

A 2xx answer is delivered; anything else (or no answer) is retried with exponential
backoff (30 s, 1 min, 2 min, ... capped at 1 h), up to MAX_ATTEMPTS, then `failed`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..errors import NotFound, UsageError
from ..store import Store, audit
from ..store import webhooks as rows
from ..store._db import Database

EVENTS = ("alert.opened", "alert.reopened", "alert.decided", "run.finished", "list.stale")
MAX_ATTEMPTS = 8
FIRST_BACKOFF = 30.0  # seconds before the second attempt; doubles each time
MAX_BACKOFF = 3600.0
MIN_SECRET = 16
SIGNATURE_TOLERANCE = 300  # seconds a receiver should accept a timestamp off by


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # attempts that failed in this call (retried later or given up)
    pending: int = 0  # still waiting after this call

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance: float = SIGNATURE_TOLERANCE,
    now: float | None = None,
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    return age <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), signature)


def check_events(events: list[str] | str) -> tuple[str, ...]:
    names = events.split(",") if isinstance(events, str) else events
    chosen = tuple(dict.fromkeys(e.strip() for e in names if e.strip()))
    if not chosen:
        raise UsageError(f"name at least one event: {', '.join(EVENTS)}")
    unknown = [e for e in chosen if e not in EVENTS]
    if unknown:
        raise UsageError(f"unknown event {unknown[0]!r}; expected some of {', '.join(EVENTS)}")
    return chosen


def add_webhook(
    store: Store, url: str, events: list[str] | str, secret: str, *, actor: str
) -> rows.WebhookRow:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{url!r} is not an http:// or https:// URL")
    chosen = check_events(events)
    if len(secret) < MIN_SECRET:
        raise UsageError(f"the secret must be at least {MIN_SECRET} characters long")
    with store.db.transaction() as db:
        hook_id = rows.insert(db, url.strip(), chosen, secret, audit.now())
        audit.append(
            db, actor, "webhook.added", f"webhook:{hook_id}", {"url": url, "events": chosen}
        )
    hook = rows.get(store.db, hook_id)
    assert hook is not None
    return hook


def remove_webhook(store: Store, webhook_id: int, *, actor: str) -> rows.WebhookRow:
    with store.db.transaction() as db:
        if rows.get(db, webhook_id) is None:
            raise NotFound(f"no webhook {webhook_id}")
        if rows.mark_removed(db, webhook_id, audit.now()):
            audit.append(db, actor, "webhook.removed", f"webhook:{webhook_id}", {})
    hook = rows.get(store.db, webhook_id)
    assert hook is not None
    return hook


def list_webhooks(store: Store) -> list[rows.WebhookRow]:
    return rows.listing(store.db)


def emit(db: Database, event: str, data: dict[str, Any]) -> int:
    """Queue `event` for every subscribed webhook; call inside the action's transaction."""
    assert event in EVENTS, event
    at = audit.now()
    body = {"id": str(uuid.uuid4()), "event": event, "created_at": at, "data": data}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    return rows.enqueue(db, event, text, at)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt."""
    return float(min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (attempts - 1)))


def deliver_due(
    store: Store,
    *,
    timeout: float = 5.0,
    budget: float = 10.0,
    now: datetime | None = None,
    client: httpx.Client | None = None,
) -> DeliveryReport:
    """Send what is due; never raises for a receiver's failure. Stops after `budget`
    seconds; what is left stays pending for the next call."""
    moment = now or datetime.now(UTC)
    started = time.monotonic()
    sent = failed = 0
    hooks = {h.id: h for h in rows.listing(store.db, include_removed=True)}
    owned = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=False)
    try:
        for delivery in rows.due(store.db, _iso(moment)):
            if time.monotonic() - started > budget:
                break
            # Two senders (the server's loop, a CLI run) never send the same delivery twice.
            with store.db.transaction() as db:
                hold = _iso(moment + timedelta(seconds=timeout * 3 + 60))
                if not rows.claim(db, delivery.id, _iso(moment), hold):
                    continue
            hook = hooks.get(delivery.webhook_id)
            if hook is None or hook.removed_at is not None:
                _record(store, delivery, "failed", None, "webhook removed", moment)
                continue
            status, error = _post(http, hook, delivery)
            if status is not None and 200 <= status < 300:
                _record(store, delivery, "delivered", status, None, moment)
                sent += 1
            else:
                _record(store, delivery, "retry", status, error, moment)
                failed += 1
    finally:
        if owned:
            http.close()
    return DeliveryReport(sent, failed, rows.pending_count(store.db))


def _post(
    http: httpx.Client, hook: rows.WebhookRow, delivery: rows.DeliveryRow
) -> tuple[int | None, str | None]:
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "sanctions-webhooks/1",
        "X-Sanctions-Event": delivery.event,
        "X-Sanctions-Delivery": str(delivery.id),
        "X-Sanctions-Timestamp": timestamp,
        "X-Sanctions-Signature": sign(hook.secret, timestamp, body),
    }
    try:
        response = http.post(hook.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


def _record(
    store: Store,
    delivery: rows.DeliveryRow,
    outcome: str,
    status: int | None,
    error: str | None,
    moment: datetime,
) -> None:
    attempts = delivery.attempts + 1
    state, next_at, delivered_at = "failed", None, None
    if outcome == "delivered":
        state, delivered_at = "delivered", _iso(moment)
    elif outcome == "retry" and attempts < MAX_ATTEMPTS:
        state, next_at = "pending", _iso(moment + timedelta(seconds=backoff(attempts)))
    with store.db.transaction() as db:
        rows.record_attempt(
            db,
            delivery.id,
            status=state,
            attempts=attempts,
            next_attempt_at=next_at,
            last_status=status,
            last_error=error,
            delivered_at=delivered_at,
        )


def delivery_log(store: Store, limit: int = 100) -> list[rows.DeliveryRow]:
    return rows.deliveries(store.db, limit)
