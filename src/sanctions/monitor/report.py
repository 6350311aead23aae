"""The evidence for one customer, as an examiner asks for it: every revision, every run that
screened it and the list versions then active, every alert with its score, explanation and
decisions (who proposed, who approved, when), and the audit chain's state."""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..store import Store, audit, runs
from ..store import alerts as alert_rows
from ..store import customers as customer_rows


def customer_report(store: Store, customer_id: str) -> dict[str, Any]:
    db = store.db
    current = customer_rows.get(db, customer_id)
    if current is None:
        raise NotFound(f"no customer {customer_id!r}")
    screenings = []
    for run, revision in runs.for_customer(db, customer_id):
        screenings.append(
            {
                "run_id": run.id,
                "mode": run.mode,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "threshold": run.threshold,
                "list_versions": run.list_versions,
                "scope": (
                    f"screened in full (revision {revision})"
                    if revision is not None
                    else "checked against the entities that changed in this run"
                ),
                "revision": revision,
            }
        )
    found = alert_rows.listing(db, customer_id=customer_id, limit=10_000)
    alerts = []
    for alert in found:
        data = alert.to_json()
        data["events"] = [e.to_json() for e in alert_rows.events(db, alert.id)]
        alerts.append(data)
    check = audit.verify(db)
    return {
        "customer": current.to_json(),
        "revisions": [r.to_json() for r in customer_rows.revisions(db, customer_id)],
        "screenings": screenings,
        "last_screening": screenings[-1] if screenings else None,
        "alerts": alerts,
        "audit": check.to_json(),
        "generated_at": audit.now(),
    }


def customer_summary(store: Store, customer_id: str) -> dict[str, Any]:
    """What `customers show` prints: revisions, current alerts, last screening."""
    report = customer_report(store, customer_id)
    return {
        "customer": report["customer"],
        "revisions": report["revisions"],
        "alerts": report["alerts"],
        "last_screening": report["last_screening"],
    }
