"""`/ui/alerts`: the alert queue (filters, pages of 50, j/k keyboard navigation) and
`/ui/alerts/{id}`: one alert's review — the customer beside the listed entity, the
explanation, its history — with the decision, approval and rejection forms.

The queue is `monitor.alerts.query_alerts` and the decisions are `monitor.decisions`, the
same calls the API's /v1/alerts routes make; the four-eyes rule is enforced there (and the
role by the route dependencies), whatever buttons a page shows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from ...api.deps import api_state
from ...auth import WebSession
from ...errors import Conflict, Forbidden, NotFound, QueryError, UsageError
from ...monitor import decisions
from ...monitor.alerts import query_alerts
from ...monitor.states import ESCALATED, OPEN, PENDING, STATES, UNDECIDED
from ...screen import Hit
from ...settings import DECISIONS, FourEyesPolicy
from ...store import Store
from ...store import alerts as alert_rows
from ...store import customers as customer_rows
from ..render import page
from ..security import Analyst, Approver, CheckedForm, Viewer
from .screening import hit_view

router = APIRouter(prefix="/ui", include_in_schema=False)
LIMIT = 50
DEFAULT_STATES = UNDECIDED  # open, escalated, pending_approval
DECIDABLE = (OPEN, ESCALATED)
DECISION_LABELS = {
    "false_positive": "False positive — not the listed party",
    "true_match": "True match — the listed party",
    "escalate": "Escalate — for a senior analyst",
}
NOTICES = {
    "decided": "Decision recorded.",
    "escalated": "Alert escalated.",
    "proposed": "Decision proposed: it takes effect when a different user approves it.",
    "approved": "Decision approved: it has taken effect.",
    "rejected": "Proposal rejected: the alert is back in the queue.",
}
# Entity properties shown first, in this order; the rest follow by name, notes last.
FIRST_PROPERTIES = (
    "name",
    "alias",
    "weakAlias",
    "previousName",
    "birthDate",
    "birthPlace",
    "gender",
    "nationality",
    "citizenship",
    "country",
    "program",
    "passportNumber",
    "idNumber",
    "address",
)
LAST_PROPERTIES = ("notes",)


# -- the queue ---------------------------------------------------------------------------------


def _min_score(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise QueryError(f"min score {text!r} is not a number", field="min_score") from None


@router.get("/alerts")
def queue(
    request: Request,
    session: Viewer,
    state: list[str] = Query(default=[]),  # noqa: B008 - FastAPI's declaration style
    min_score: str = Query("", max_length=20),
    list_: str = Query("", alias="list", max_length=100),
    customer: str = Query("", max_length=200),
    offset: int = Query(0, ge=0),
    filtered: str = Query("", max_length=5),
) -> Response:
    store = api_state(request).store()
    # The form says `filtered=1`: no box ticked then means every state; a bare link (or the
    # first visit) gets the states still waiting for someone.
    chosen = [s.strip() for value in state for s in value.split(",") if s.strip()]
    if not chosen and not filtered:
        chosen = list(DEFAULT_STATES)
    source, customer_id = list_.strip(), customer.strip()
    form: dict[str, Any] = {
        "states": chosen,
        "min_score": min_score.strip(),
        "list": source,
        "customer": customer_id,
    }
    error = None
    result: dict[str, Any] = {"alerts": [], "total": 0, "by_state": {}}
    status = 200
    try:
        result = query_alerts(
            store,
            states=chosen,
            customer_id=customer_id or None,
            source=source or None,
            min_score=_min_score(min_score),
            limit=LIMIT,
            offset=offset,
        )
    except QueryError as exc:
        error = f"{exc.field}: {exc.message}" if exc.field else exc.message
        status = exc.http_status
        result["by_state"] = alert_rows.by_state(store.db)  # the counts ignore the filters
    alerts = result["alerts"]
    total = int(result["total"])
    params: dict[str, Any] = {
        "filtered": "1",
        "state": chosen,
        "min_score": form["min_score"],
        "list": source,
        "customer": customer_id,
    }

    def link(at: int) -> str:
        kept = {k: v for k, v in params.items() if v}
        return "/ui/alerts?" + urlencode({**kept, "offset": at}, doseq=True)

    pager = {
        "first": offset + 1 if alerts else 0,
        "last": offset + len(alerts) if alerts else 0,
        "total": total,
        "previous": link(max(0, offset - LIMIT)) if offset > 0 else None,
        "next": link(offset + LIMIT) if offset + LIMIT < total else None,
    }
    swap = bool(request.headers.get("hx-request"))
    return page(
        request,
        "_alert_rows.html" if swap else "alerts.html",
        session,
        status=200 if swap else status,  # htmx swaps no 4xx: the rows show the message
        form=form,
        states=STATES,
        lists=[v.source for v in store.lists()],
        alerts=alerts,
        by_state=result["by_state"],
        pager=pager,
        error=error,
    )


# -- one alert ---------------------------------------------------------------------------------


def _entity_view(store: Store, entity_id: str) -> tuple[dict[str, Any] | None, str | None]:
    """The listed entity as it stands in the active list, or why it cannot be shown."""
    try:
        entity = store.entity(entity_id)
    except NotFound as exc:
        return None, str(exc)
    # every fact, the designation ones too (FtM moves those to a Sanction entity)
    props = entity.flat_properties()
    order = [p for p in FIRST_PROPERTIES if p in props]
    order += sorted(p for p in props if p not in order and p not in LAST_PROPERTIES)
    order += [p for p in LAST_PROPERTIES if p in props]
    return {
        "id": entity.id,
        "schema": entity.schema,
        "caption": entity.caption,
        "properties": [(p, props[p]) for p in order],
        "datasets": list(entity.datasets),
        "entity": entity,
    }, None


def _hit(stored: dict[str, Any]) -> Hit:
    """The screening hit the alert keeps (as the screener gave it)."""
    return Hit(
        entity_id=str(stored.get("entity_id", "")),
        schema=str(stored.get("schema") or ""),
        caption=str(stored.get("caption") or stored.get("entity_id", "")),
        score=float(stored.get("score") or 0.0),
        query_name=str(stored.get("query_name") or ""),
        matched_name=str(stored.get("matched_name") or ""),
        matched_kind=str(stored.get("matched_kind") or "name"),
        datasets=list(stored.get("lists") or []),
        explanation=dict(stored.get("explanation") or {}),
    )


def _review(
    request: Request,
    session: WebSession,
    alert_id: int,
    *,
    status: int = 200,
    error: str | None = None,
    posted: FormData | None = None,
    posted_to: str = "",
) -> Response:
    store = api_state(request).store()
    alert = decisions.alert_detail(store, alert_id)  # NotFound -> the 404 page
    row = alert_rows.get(store.db, alert_id)
    entity, entity_missing = _entity_view(store, alert["entity_id"])
    view = hit_view(_hit(row.hit if row else {}), entity["entity"] if entity else None)
    customer = customer_rows.get(store.db, alert["customer_id"])
    revisions = customer_rows.revisions(store.db, alert["customer_id"])
    raised_on = next((r for r in revisions if r.revision == alert["customer_revision"]), None)
    pending = alert.get("pending") if alert["state"] == PENDING else None
    kept = {"to": posted_to, "decision": "", "reason": ""}
    if posted is not None:
        kept |= {"decision": _text(posted, "decision"), "reason": _text(posted, "reason")}
    choices = [d for d in DECISIONS if not (d == "escalate" and alert["state"] == ESCALATED)]
    return page(
        request,
        "alert.html",
        session,
        status=status,
        alert=alert,
        r=view,
        entity=entity,
        entity_missing=entity_missing,
        customer=customer,
        revisions=revisions,
        raised_on=raised_on,
        pending=pending,
        can_decide=session.may("decide") and alert["state"] in DECIDABLE,
        can_approve=session.may("approve") and pending is not None,
        proposer_is_me=pending is not None and pending.get("user") == session.user,
        choices=[(d, DECISION_LABELS.get(d, d)) for d in choices],
        policy_note=_policy_note(FourEyesPolicy.from_env()),
        notice=NOTICES.get(request.query_params.get("done", "")),
        error=error,
        posted=kept,
    )


def _policy_note(policy: FourEyesPolicy) -> str:
    rules = policy.describe()
    if rules == "none":
        return "Four-eyes: no decision needs a second user's approval (SANCTIONS_FOUR_EYES=none)."
    readable = rules.replace("_", " ").replace(">", " above score ").replace(",", ", ")
    return f"Four-eyes: {readable} takes effect only when a different user approves it."


@router.get("/alerts/{alert_id}")
def review(request: Request, session: Viewer, alert_id: int) -> Response:
    return _review(request, session, alert_id)


# -- decisions ---------------------------------------------------------------------------------
# A refusal from the services (400 empty reason, 409 already decided, 403 four-eyes) shows the
# alert page again with the message and the error's status, the typed reason kept.

_REFUSALS = (UsageError, Conflict, Forbidden)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _done(alert_id: int, what: str) -> Response:
    return RedirectResponse(f"/ui/alerts/{alert_id}?done={what}", status_code=303)


@router.post("/alerts/{alert_id}/decision")
def decide(request: Request, session: Analyst, form: CheckedForm, alert_id: int) -> Response:
    decision = _text(form, "decision")
    try:
        row = decisions.decide(
            api_state(request).store(),
            alert_id,
            decision,
            reason=_text(form, "reason"),
            user=session.user,
        )
    except _REFUSALS as exc:
        status = exc.http_status
        return _review(
            request,
            session,
            alert_id,
            status=status,
            error=str(exc),
            posted=form,
            posted_to="decision",
        )
    if row.state == PENDING:
        return _done(alert_id, "proposed")
    return _done(alert_id, "escalated" if decision == "escalate" else "decided")


@router.post("/alerts/{alert_id}/approval")
def approve(request: Request, session: Approver, form: CheckedForm, alert_id: int) -> Response:
    try:
        decisions.approve(
            api_state(request).store(),
            alert_id,
            user=session.user,
            reason=_text(form, "reason") or None,
        )
    except _REFUSALS as exc:
        return _review(request, session, alert_id, status=exc.http_status, error=str(exc))
    return _done(alert_id, "approved")


@router.post("/alerts/{alert_id}/rejection")
def reject(request: Request, session: Approver, form: CheckedForm, alert_id: int) -> Response:
    try:
        decisions.reject(
            api_state(request).store(), alert_id, user=session.user, reason=_text(form, "reason")
        )
    except _REFUSALS as exc:
        return _review(
            request,
            session,
            alert_id,
            status=exc.http_status,
            error=str(exc),
            posted=form,
            posted_to="rejection",
        )
    return _done(alert_id, "rejected")
