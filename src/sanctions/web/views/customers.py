"""`/ui/customers`: the monitored customers (search by id or name prefix, paged) and one
customer's page: the current record, its revisions with what changed, its alerts, the runs
that screened it, and its evidence report (the API's JSON, as a download)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ...api.deps import api_state
from ...errors import NotFound
from ...monitor.report import customer_report
from ...monitor.states import UNDECIDED
from ...store import alerts as alert_rows
from ...store import customers as customer_rows
from ...store import runs
from ...store.customers import CustomerRow, Revision
from ...text.latinize import latinize
from ..render import page
from ..security import AuditReader, Viewer

router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE = 50
ALERTS_SHOWN = 500
SCREENINGS_SHOWN = 100
# Shown first on the customer's record; any other field follows in the order it was stored.
FIELDS: tuple[str, ...] = ("name", "schema", "aliases", "birth_date", "country")
FIELDS += ("nationality", "id_number", "imo_number")


def label(key: str) -> str:
    """A stored field's name as a page shows it: `birth_date` is "Birth date"."""
    text = {"schema": "type"}.get(key, key).replace("_", " ")
    return text[:1].upper() + text[1:]


def name_key(text: str) -> str:
    """A name as the reverse index stores it (lowercase, latinized, one space between
    words), so a prefix typed in any case or script finds it."""
    return " ".join(latinize(text).split())


@router.get("/customers")
def customer_list(
    request: Request,
    session: Viewer,
    q: str = Query("", max_length=200),
    removed: bool = Query(False),
    page_no: int = Query(1, ge=1, le=100_000, alias="page"),
) -> Response:
    db = api_state(request).store().db
    q = q.strip()
    offset = (page_no - 1) * PAGE
    if q:
        found = customer_rows.search(
            db, q, name_key(q), include_removed=removed, limit=PAGE + 1, offset=offset
        )
    else:
        found = customer_rows.listing(db, include_removed=removed, limit=PAGE + 1, offset=offset)
    # Every finished run after a customer's first screening covers it (a delta run checks it
    # against what changed), as in the evidence report (`runs.for_customer`).
    last_run = runs.last(db)
    rows = [
        {
            "customer": c,
            "open_alerts": alert_rows.count(db, customer_id=c.id, states=UNDECIDED),
            "last_screened": last_run
            if last_run and c.screened_revision is not None and c.removed_at is None
            else None,
        }
        for c in found[:PAGE]
    ]
    return page(
        request,
        "customers.html",
        session,
        rows=rows,
        counts=customer_rows.count(db),
        q=q,
        removed=removed,
        page_no=page_no,
        previous=_page_link(q, removed, page_no - 1) if page_no > 1 else None,
        next=_page_link(q, removed, page_no + 1) if len(found) > PAGE else None,
        page_size=PAGE,
    )


def _page_link(q: str, removed: bool, page_no: int) -> str:
    params = {"q": q, "removed": "true" if removed else "", "page": str(page_no)}
    return "/ui/customers?" + urlencode({k: v for k, v in params.items() if v})


def _flat(data: dict[str, Any]) -> dict[str, str]:
    """A revision's fields as text, one level deep (`attributes.segment`)."""
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": _text(v) for k, v in value.items()})
        else:
            out[key] = _text(value)
    return out


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def revision_changes(revisions: list[Revision]) -> list[dict[str, Any]]:
    """Each revision with what changed from the one before it, field by field:
    (field, before, after), before or after empty when the field was added or removed."""
    out: list[dict[str, Any]] = []
    previous: dict[str, str] | None = None
    for revision in revisions:
        fields = _flat(revision.data)
        changes: list[tuple[str, str, str]] = []
        if previous is not None:
            for key in [*previous, *(k for k in fields if k not in previous)]:
                before, after = previous.get(key, ""), fields.get(key, "")
                if before != after:
                    changes.append((label(key), before, after))
        out.append({"revision": revision, "changes": changes, "first": previous is None})
        previous = fields
    return out


def record_fields(customer: CustomerRow) -> list[tuple[str, str]]:
    fields = _flat(customer.data)
    order = [k for k in FIELDS if k in fields] + [
        k for k in fields if k not in FIELDS and k != "id"
    ]
    return [(label(key), fields[key]) for key in order]


@router.get("/customers/{customer_id}")
def customer_page(request: Request, session: Viewer, customer_id: str) -> Response:
    db = api_state(request).store().db
    customer = customer_rows.get(db, customer_id)
    if customer is None:
        raise NotFound(f"no customer {customer_id!r}")
    screenings = runs.for_customer(db, customer_id)
    return page(
        request,
        "customer.html",
        session,
        customer=customer,
        fields=record_fields(customer),
        revisions=revision_changes(customer_rows.revisions(db, customer_id)),
        alerts=alert_rows.listing(db, customer_id=customer_id, limit=ALERTS_SHOWN),
        alert_total=alert_rows.count(db, customer_id=customer_id),
        screenings=screenings[::-1][:SCREENINGS_SHOWN],
        screening_total=len(screenings),
        may_report=session.may("audit"),
    )


@router.get("/customers/{customer_id}/report")
def evidence_report(request: Request, _session: AuditReader, customer_id: str) -> Response:
    """The API's evidence report (`GET /v1/customers/{id}/report`, the same role) as a file."""
    report = customer_report(api_state(request).store(), customer_id)
    body = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in customer_id)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f"attachment; filename={safe}-evidence.json"},
    )
