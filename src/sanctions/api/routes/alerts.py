"""Alerts, decisions, approvals and the audit trail under /v1. The deciding user is the API
key's user, never a field of the request body; roles decide who may decide or approve."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ...errors import QueryError, UsageError
from ...monitor import decisions
from ...monitor.alerts import query_alerts
from ...store import audit
from ..deps import (
    ERROR_RESPONSES,
    Approver,
    Auditor,
    Decider,
    Offset,
    Reader,
    RowId,
    api_state,
)
from ..monitor_models import ApprovalIn, DecisionIn, RejectionIn

router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)


@router.get("/alerts", tags=["Alerts"])
def list_alerts(
    request: Request,
    _who: Reader,
    state: Annotated[
        list[str] | None,
        Query(
            description="open, escalated, pending_approval, false_positive, true_match, "
            "closed (repeatable or comma-separated)."
        ),
    ] = None,
    customer_id: str | None = None,
    entity_id: str | None = None,
    list_: str | None = Query(None, alias="list", description="One list's alerts."),
    min_score: float | None = Query(None, ge=0.0, le=1.0),
    limit: int = Query(100, ge=1, le=10_000),
    offset: Offset = 0,
) -> dict[str, Any]:
    """The alert queue, oldest first: `alerts`, `total` matching, counts `by_state`."""
    return query_alerts(
        api_state(request).store(),
        states=state or [],
        customer_id=customer_id,
        entity_id=entity_id,
        source=list_,
        min_score=min_score,
        limit=limit,
        offset=offset,
    )


@router.get("/alerts/{alert_id}", tags=["Alerts"])
def get_alert(alert_id: RowId, request: Request, _who: Reader) -> Any:
    """An alert: both sides, the explanation, the pending proposal, its decision history."""
    return decisions.alert_detail(api_state(request).store(), alert_id)


@router.post("/alerts/{alert_id}/decision", tags=["Alerts"])
def decide(alert_id: RowId, body: DecisionIn, request: Request, who: Decider) -> dict[str, Any]:
    """Decide (analyst or above). A decision the four-eyes policy names becomes
    pending_approval until a different user approves it."""
    store = api_state(request).store()
    decisions.decide(store, alert_id, body.decision, reason=body.reason, user=who.user)
    return decisions.alert_detail(store, alert_id)


@router.post("/alerts/{alert_id}/approval", tags=["Alerts"])
def approve(
    alert_id: RowId,
    request: Request,
    who: Approver,
    body: ApprovalIn | None = None,
) -> dict[str, Any]:
    """Approve a pending decision (approver or above); its proposer is refused (403)."""
    store = api_state(request).store()
    decisions.approve(store, alert_id, user=who.user, reason=body.reason if body else None)
    return decisions.alert_detail(store, alert_id)


@router.post("/alerts/{alert_id}/rejection", tags=["Alerts"])
def reject(alert_id: RowId, body: RejectionIn, request: Request, who: Approver) -> dict[str, Any]:
    """Send a pending decision back to the state it was proposed from."""
    store = api_state(request).store()
    decisions.reject(store, alert_id, user=who.user, reason=body.reason)
    return decisions.alert_detail(store, alert_id)


@router.get("/audit/verify", tags=["Audit"])
def verify(request: Request, _who: Auditor) -> dict[str, Any]:
    """Check the audit chain: `ok`, entries verified, the first entry that fails."""
    return audit.verify(api_state(request).store().db).to_json()


@router.get("/audit", tags=["Audit"])
def export(
    request: Request,
    _who: Auditor,
    since: str | None = Query(None, description="Entries at or after this ISO date or time."),
    limit: int = Query(1000, ge=1, le=100_000),
) -> dict[str, Any]:
    """Audit entries in order, each with its hash and the previous entry's."""
    if since is not None:
        try:
            audit.normalize_since(since)
        except (UsageError, OverflowError) as exc:  # the store's 400 knows no query field
            raise QueryError(f"since {since!r}: {exc}", field="since") from None
    db = api_state(request).store().db
    entries = []
    for entry in audit.entries(db, since):
        entries.append(entry.to_json())
        if len(entries) >= limit:
            break
    return {"entries": entries, "count": len(entries)}
