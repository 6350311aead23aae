"""Analysts' decisions on alerts, and the four-eyes approval of those the policy names.

    decide   open or escalated -> false_positive | true_match | escalated, or
             -> pending_approval when the policy names the decision (it takes effect on
             approval by a different user)
    approve  pending_approval -> the proposed decision; the proposer may not approve
    reject   pending_approval -> back to the state it was proposed from

Every decision names its user and a reason; each writes an alert event, an audit entry and
(when a decision takes effect) an `alert.decided` webhook delivery, in one transaction.
When the user is known to the store (`sanctions users`), its role must allow the action.
"""

from __future__ import annotations

from typing import Any

from ..auth import role_allows
from ..errors import Conflict, Forbidden, NotFound, UsageError
from ..settings import DECISIONS, FourEyesPolicy
from ..store import Store, audit
from ..store import alerts as alert_rows
from ..store._db import Database
from ..store.alerts import AlertRow
from ..store.users import get_user
from . import states

MAX_REASON = 2000
_TARGET = {
    "false_positive": states.FALSE_POSITIVE,
    "true_match": states.TRUE_MATCH,
    "escalate": states.ESCALATED,
}


def _load(db: Database, alert_id: int, *, lock: bool = False) -> AlertRow:
    """The alert; `lock` (inside the deciding transaction): hold its row until commit, so a
    concurrent decision on another replica waits, then sees this one and gets Conflict."""
    alert = alert_rows.get(db, alert_id, for_update=lock)
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    return alert


def _check_user(db: Database, user: str, permission: str) -> None:
    if not user or not user.strip():
        raise UsageError("a decision needs the user who makes it (--user)")
    known = get_user(db, user)
    if known is None:
        return  # a shell operator not registered as a user: store access is the authority
    if known.disabled_at is not None:
        raise Forbidden(f"user {user!r} is disabled")
    if not role_allows(known.role, permission):
        raise Forbidden(f"user {user!r} has role {known.role!r}, which may not {permission}")


def _check_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise UsageError("a decision needs a reason (--reason)")
    if len(text) > MAX_REASON:
        raise UsageError(f"the reason is longer than {MAX_REASON} characters")
    return text


def decide(
    store: Store,
    alert_id: int,
    decision: str,
    *,
    reason: str,
    user: str,
    policy: FourEyesPolicy | None = None,
) -> AlertRow:
    if decision not in DECISIONS:
        raise UsageError(f"unknown decision {decision!r}; expected one of {', '.join(DECISIONS)}")
    text = _check_reason(reason)
    policy = policy or FourEyesPolicy.from_env()
    with store.db.transaction() as db:
        _check_user(db, user, "decide")
        alert = _load(db, alert_id, lock=True)
        if alert.state == states.PENDING:
            proposer = (alert.pending or {}).get("user")
            raise Conflict(
                f"alert {alert_id} awaits approval of {proposer}'s decision; approve or reject it"
            )
        if alert.state not in (states.OPEN, states.ESCALATED):
            raise Conflict(f"alert {alert_id} is {alert.state}; only open or escalated alerts")
        if decision == "escalate" and alert.state == states.ESCALATED:
            raise Conflict(f"alert {alert_id} is already escalated")
        changes = states.Transitions(user=user, at=audit.now())
        if decision != "escalate" and policy.needs_approval(decision, alert.score):
            pending = {"decision": decision, "reason": text, "user": user, "at": changes.at}
            pending["from_state"] = alert.state
            alert_rows.set_state(db, alert_id, states.PENDING, changes.at, pending=pending)
            changes.record(
                alert_id, "proposed", alert.state, states.PENDING, decision=decision, reason=text
            )
        else:
            target = _TARGET[decision]
            alert_rows.set_state(db, alert_id, target, changes.at)
            changes.record(alert_id, "decided", alert.state, target, decision=decision, reason=text)
        changes.flush(db)
    return _load(store.db, alert_id)


def approve(store: Store, alert_id: int, *, user: str, reason: str | None = None) -> AlertRow:
    with store.db.transaction() as db:
        _check_user(db, user, "approve")
        alert = _load(db, alert_id, lock=True)
        pending = _pending(alert)
        if pending["user"] == user:
            raise Forbidden(
                f"alert {alert_id}: {user!r} proposed this decision and cannot approve it; "
                "four-eyes needs a different user"
            )
        target = _TARGET[pending["decision"]]
        changes = states.Transitions(user=user, at=audit.now())
        alert_rows.set_state(db, alert_id, target, changes.at)
        note = " ".join((reason or "").split()) or None
        details: dict[str, Any] = {"proposed_by": pending["user"], "proposed_at": pending["at"]}
        changes.record(
            alert_id,
            "decided",
            states.PENDING,
            target,
            decision=pending["decision"],
            reason=pending["reason"] + (f" (approved: {note})" if note else ""),
            details=details | {"approved_by": user},
        )
        changes.flush(db)
    return _load(store.db, alert_id)


def reject(store: Store, alert_id: int, *, user: str, reason: str) -> AlertRow:
    text = _check_reason(reason)
    with store.db.transaction() as db:
        _check_user(db, user, "approve")
        alert = _load(db, alert_id, lock=True)
        pending = _pending(alert)
        back = pending.get("from_state", states.OPEN)
        changes = states.Transitions(user=user, at=audit.now())
        alert_rows.set_state(db, alert_id, back, changes.at)
        changes.record(
            alert_id,
            "rejected",
            states.PENDING,
            back,
            decision=pending["decision"],
            reason=text,
            details={"proposed_by": pending["user"]},
        )
        changes.flush(db)
    return _load(store.db, alert_id)


def _pending(alert: AlertRow) -> dict[str, Any]:
    if alert.state != states.PENDING or not alert.pending:
        raise Conflict(f"alert {alert.id} is {alert.state}, not pending_approval")
    return alert.pending


def alert_detail(store: Store, alert_id: int) -> dict[str, Any]:
    """An alert with its decision history, as `alerts show` and the API give it."""
    alert = _load(store.db, alert_id)
    data = alert.to_json()
    data["events"] = [e.to_json() for e in alert_rows.events(store.db, alert_id)]
    return data
