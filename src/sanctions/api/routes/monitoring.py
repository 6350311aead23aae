"""Customers and monitoring runs under /v1. Writes need the admin role and are audited with
the key's user; reads need any role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request

from ...errors import NotFound
from ...monitor.customers import content_hash, import_records
from ...monitor.report import customer_report, customer_summary
from ...monitor.run import run_monitor
from ...settings import DEFAULT_THRESHOLD
from ...store import customers as customer_rows
from ...store import runs
from ..deps import ERROR_RESPONSES, Admin, Auditor, Offset, Reader, RowId, api_state
from ..monitor_models import CustomerIn, CustomersIn, RunIn

router = APIRouter(prefix="/v1", responses=ERROR_RESPONSES)


def _upsert(request: Request, items: list[CustomerIn], user: str) -> dict[str, Any]:
    records = [(number, item.row()) for number, item in enumerate(items, start=1)]
    digest = content_hash({"customers": [r for _, r in records]})
    result = import_records(
        api_state(request).store(), records, source=Path("api"), sha256=digest, user=user
    )
    return result.to_json()


@router.post("/customers", tags=["Customers"])
def upsert_customers(body: CustomersIn, request: Request, who: Admin) -> dict[str, Any]:
    """Upsert customers by id, all or nothing: a changed customer becomes a new revision.
    A bad customer is a 422 naming each problem by position (`line`) and field."""
    return _upsert(request, body.customers, who.user)


@router.put("/customers/{customer_id}", tags=["Customers"])
def upsert_customer(
    customer_id: str, body: CustomerIn, request: Request, who: Admin
) -> dict[str, Any]:
    """Upsert one customer; the id in the path wins over the body's."""
    return _upsert(request, [body.model_copy(update={"id": customer_id})], who.user)


@router.get("/customers", tags=["Customers"])
def list_customers(
    request: Request,
    _who: Reader,
    limit: int = Query(100, ge=1, le=10_000),
    offset: Offset = 0,
    removed: bool = Query(False, description="Include removed customers."),
) -> dict[str, Any]:
    db = api_state(request).store().db
    page = customer_rows.listing(db, include_removed=removed, limit=limit, offset=offset)
    return {"customers": [c.to_json() for c in page], **customer_rows.count(db)}


@router.get("/customers/{customer_id}", tags=["Customers"])
def get_customer(customer_id: str, request: Request, _who: Reader) -> dict[str, Any]:
    """The customer, its revisions, current alerts and last screening."""
    return customer_summary(api_state(request).store(), customer_id)


@router.get("/customers/{customer_id}/report", tags=["Customers"])
def report(customer_id: str, request: Request, _who: Auditor) -> dict[str, Any]:
    """The evidence report: revisions, every run that screened the customer with the list
    versions then active, alerts with scores, explanations and decisions."""
    return customer_report(api_state(request).store(), customer_id)


@router.post("/monitor/runs", tags=["Monitoring"])
def start_run(request: Request, who: Admin, body: RunIn | None = None) -> dict[str, Any]:
    """Run monitoring now (answers when the run is done): delta unless `full`."""
    body = body or RunIn(full=False, threshold=DEFAULT_THRESHOLD)
    result = run_monitor(
        api_state(request).store(), full=body.full, threshold=body.threshold, user=who.user
    )
    return result.to_json()


@router.get("/monitor/runs", tags=["Monitoring"])
def list_runs(
    request: Request,
    _who: Reader,
    limit: int = Query(50, ge=1, le=1000),
    offset: Offset = 0,
) -> dict[str, Any]:
    db = api_state(request).store().db
    return {"runs": [r.to_json() for r in runs.listing(db, limit, offset)]}


@router.get("/monitor/runs/{run_id}", tags=["Monitoring"])
def get_run(run_id: RowId, request: Request, _who: Reader) -> dict[str, Any]:
    run = runs.get(api_state(request).store().db, run_id)
    if run is None:
        raise NotFound(f"no monitoring run {run_id}")
    return run.to_json()
