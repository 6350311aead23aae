"""Reading alerts: the queue with its filters, checked once for the CLI and the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import QueryError
from ..settings import MAX_LIMIT
from ..store import Store
from ..store import alerts as alert_rows
from .states import STATES


def query_alerts(
    store: Store,
    *,
    states: Sequence[str] = (),
    customer_id: str | None = None,
    entity_id: str | None = None,
    source: str | None = None,
    min_score: float | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """{"alerts": [...], "total": matching alerts, "by_state": counts over all alerts}."""
    wanted = [s.strip() for value in states for s in value.split(",") if s.strip()]
    for state in wanted:
        if state not in STATES:
            raise QueryError(
                f"unknown state {state!r}; expected one of {', '.join(STATES)}", field="state"
            )
    if not 1 <= limit <= MAX_LIMIT * 20:
        raise QueryError(f"limit {limit} must be between 1 and {MAX_LIMIT * 20}", field="limit")
    if offset < 0:
        raise QueryError("offset must not be negative", field="offset")
    if min_score is not None and not 0.0 <= min_score <= 1.0:
        raise QueryError(f"min_score {min_score} is outside [0, 1]", field="min_score")
    filters: dict[str, Any] = {
        "states": wanted,
        "customer_id": customer_id,
        "entity_id": entity_id,
        "source": source,
        "min_score": min_score,
    }
    rows = alert_rows.listing(store.db, limit=limit, offset=offset, **filters)
    return {
        "alerts": [row.to_json() for row in rows],
        "total": alert_rows.count(store.db, **filters),
        "limit": limit,
        "offset": offset,
        "by_state": alert_rows.by_state(store.db),
    }
