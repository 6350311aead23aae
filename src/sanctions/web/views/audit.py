"""`/ui/audit`: the audit trail, newest first, filtered by actor and action prefix, and a
button that verifies the whole hash chain (`store.audit.verify`) and shows the result.
Reading the trail needs the approver role (or admin), as `GET /v1/audit` does."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ...api.deps import api_state
from ...store import audit
from ...store.audit import AuditEntry, Verification
from ..render import page
from ..security import AuditReader, CheckedForm

router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE = 100


def compact(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _entries_context(
    request: Request, *, actor: str, action: str, before: int | None, after: int | None
) -> dict[str, Any]:
    db = api_state(request).store().db
    found = audit.latest(
        db,
        limit=PAGE + 1,
        actor=actor or None,
        action_prefix=action or None,
        before=before,
        after=after,
    )
    newer_first = after is not None and before is None
    # One entry more than a page says there is another page beyond it.
    more = len(found) > PAGE
    entries: list[AuditEntry] = found[1:] if newer_first and more else found[:PAGE]
    filters = {"actor": actor, "action": action}

    def link(**where: int) -> str:
        kept = {k: v for k, v in {**filters, **where}.items() if v}
        return "/ui/audit" + (f"?{urlencode(kept)}" if kept else "")

    has_older = (more and not newer_first) or (newer_first and bool(entries))
    has_newer = (more and newer_first) or before is not None
    return {
        "entries": [(e, compact(e.data)) for e in entries],
        "actor": actor,
        "action": action,
        "older": link(before=entries[-1].seq) if entries and has_older else None,
        "newer": link(after=entries[0].seq) if entries and has_newer else None,
        "newest": link() if before is not None or after is not None else None,
        "page_size": PAGE,
    }


@router.get("/audit")
def audit_page(
    request: Request,
    session: AuditReader,
    actor: str = Query("", max_length=200),
    action: str = Query("", max_length=200),
    before: int | None = Query(None, ge=1),
    after: int | None = Query(None, ge=0),
) -> Response:
    context = _entries_context(
        request, actor=actor.strip(), action=action.strip(), before=before, after=after
    )
    return page(request, "audit.html", session, verification=None, **context)


@router.post("/audit/verify")
def verify_chain(request: Request, session: AuditReader, _form: CheckedForm) -> Response:
    """Verification only reads: the result is the answer (no redirect). An htmx request
    gets the result fragment; a plain form post, the audit page with the result on it."""
    result: Verification = audit.verify(api_state(request).store().db)
    if request.headers.get("hx-request"):
        return page(request, "_verify.html", session, verification=result, checked_at=audit.now())
    context = _entries_context(request, actor="", action="", before=None, after=None)
    return page(
        request,
        "audit.html",
        session,
        verification=result,
        checked_at=audit.now(),
        **context,
    )
