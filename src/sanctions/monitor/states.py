"""Alert states and the transitions every part of monitoring shares.

    open              a new hit, waiting for an analyst
    escalated         an analyst could not decide; for a senior analyst
    pending_approval  a decision the four-eyes policy names, waiting for a second user
    false_positive    decided: not the listed party (suppressed while the content is unchanged)
    true_match        decided: the listed party
    closed            no longer matching (`no_longer_matches`), delisted (`delisted`) or the
                      customer was removed (`customer_removed`)

Every transition writes an alert event, an audit entry and (for the events webhooks know)
a webhook delivery, in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..store import alerts, audit
from ..store._db import Database
from . import webhooks

OPEN = "open"
ESCALATED = "escalated"
PENDING = "pending_approval"
FALSE_POSITIVE = "false_positive"
TRUE_MATCH = "true_match"
CLOSED = "closed"
STATES = (OPEN, ESCALATED, PENDING, FALSE_POSITIVE, TRUE_MATCH, CLOSED)
# States an analyst still has to act on; a run closes them when the pair stops matching.
UNDECIDED = (OPEN, ESCALATED, PENDING)

DELISTED = "delisted"
NO_LONGER_MATCHES = "no_longer_matches"
CUSTOMER_REMOVED = "customer_removed"


@dataclass
class Transitions:
    """Alert changes made in one transaction, written out together by `flush`."""

    user: str
    at: str
    run_id: int | None = None
    events: list[alerts.Event] = field(default_factory=list)
    audit: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    hooks: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def record(
        self,
        alert_id: int,
        action: str,
        from_state: str | None,
        to_state: str,
        *,
        reason: str | None = None,
        decision: str | None = None,
        details: dict[str, Any] | None = None,
        user: str | None = None,
    ) -> None:
        actor = user or self.user
        self.events.append(
            alerts.Event(
                alert_id,
                self.at,
                actor,
                action,
                from_state,
                to_state,
                decision,
                reason,
                self.run_id,
            )
        )
        data = {"from": from_state, "to": to_state, **(details or {})}
        if reason:
            data["reason"] = reason
        if decision:
            data["decision"] = decision
        if self.run_id is not None:
            data["run_id"] = self.run_id
        self.audit.append((actor, f"alert.{action}", f"alert:{alert_id}", data))
        if action in ("opened", "reopened", "decided"):
            self.hooks.append((f"alert.{action}", {"alert_id": alert_id, **data}))

    def flush(self, db: Database) -> None:
        alerts.add_events(db, self.events)
        for actor, action, subject, data in self.audit:
            audit.append(db, actor, action, subject, data)
        for event, data in self.hooks:
            webhooks.emit(db, event, data)
        self.events.clear()
        self.audit.clear()
        self.hooks.clear()


def close(db: Database, key: alerts.AlertKey, reason: str, changes: Transitions) -> None:
    alerts.set_state(db, key.id, CLOSED, changes.at, closed_reason=reason)
    changes.record(key.id, "closed", key.state, CLOSED, reason=reason)
