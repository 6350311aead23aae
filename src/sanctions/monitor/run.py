"""A monitoring run: screen the portfolio against the active list versions, reconcile alerts.

    full   every current customer against every active entity (the first run, `--full`, or
           when the threshold differs from the last run's)
    delta  the customers added or revised since their last screening, against every entity;
           and the entities added or changed since the last run's list versions, against
           every other customer (reverse retrieval over the customers' stored keys); alerts of
           entities no longer listed close as `delisted`

Both modes decide each pair they look at with the same rules (`_reconcile_hit`,
`_reconcile_miss`); a delta run looks at every pair whose customer or entity changed, and
the other pairs would get the same answer as last time, so delta and full agree.

Scoring happens before the write transaction; the run, its alerts, events, audit entries
and webhook deliveries are written in one transaction at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..screen.screener import Screener
from ..settings import DEFAULT_THRESHOLD
from ..store import Store, alerts, audit, runs
from ..store import customers as customer_rows
from ..store.alerts import AlertKey
from . import states, webhooks
from .matching import Customer, EntitySide, PairHit, ReverseIndex, entity_fingerprint

# progress(stage, advance, total): a stage starts with advance 0 and its total.
Progress = Callable[[str, int, int | None], None]


@dataclass
class RunResult:
    run_id: int
    mode: str
    threshold: float
    list_versions: dict[str, int]
    customers_screened: int = 0
    entities_screened: int = 0
    new_alerts: int = 0
    reopened: int = 0
    closed: int = 0
    suppressed: int = 0
    seconds: float = 0.0
    started_at: str = ""
    finished_at: str = ""
    alert_ids: list[int] = field(default_factory=list)  # opened or reopened in this run

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class _Plan:
    mode: str
    versions: dict[str, int]
    changed_entities: set[str] = field(default_factory=set)
    removed_entities: set[str] = field(default_factory=set)
    changed_customers: set[str] = field(default_factory=set)


def _quiet(stage: str, advance: int, total: int | None) -> None:
    pass


def run_monitor(
    store: Store,
    *,
    full: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    user: str = "cli",
    progress: Progress = _quiet,
) -> RunResult:
    started, started_at = time.perf_counter(), audit.now()
    plan = _plan(store, full, threshold)
    hits: dict[tuple[str, str], PairHit] = {}
    screened: list[tuple[str, int]] = []
    if plan.mode == "full":
        entities = EntitySide(Screener.from_store(store))
        active_ids = set(entities.position)
        entities_screened = len(active_ids)
        progress("screening customers", 0, customer_rows.count(store.db)["active"])
        for customer in _customers(store, only_unscreened=False):
            screened.append((customer.id, customer.revision))
            for pair in entities.forward(customer, threshold):
                hits[(customer.id, pair.entity.id)] = pair
            progress("screening customers", 1, None)
    else:
        changed = list(_customers(store, only_unscreened=True))
        plan.changed_customers = {c.id for c in changed}
        active_ids = set()
        entities_screened = len(plan.changed_entities)
        if changed:
            entities = EntitySide(Screener.from_store(store))
            progress("screening new and revised customers", 0, len(changed))
            for customer in changed:
                screened.append((customer.id, customer.revision))
                for pair in entities.forward(customer, threshold):
                    hits[(customer.id, pair.entity.id)] = pair
                progress("screening new and revised customers", 1, None)
        elif plan.changed_entities:
            changed_only = [store.entity(eid) for eid in sorted(plan.changed_entities)]
            entities = EntitySide(Screener.from_entities(changed_only))
        if plan.changed_entities:
            # The other customers, through their stored keys (the reverse index).
            portfolio = ReverseIndex(store.db, plan.changed_customers)
            progress("screening changed entities", 0, len(plan.changed_entities))
            for entity_id in sorted(plan.changed_entities):
                position = entities.position[entity_id]
                for pair in portfolio.reverse(entities, position, threshold):
                    hits[(pair.customer.id, entity_id)] = pair
                progress("screening changed entities", 1, None)

    def in_scope(customer_id: str, entity_id: str) -> bool:
        if plan.mode == "full":
            return True
        return (
            customer_id in plan.changed_customers
            or entity_id in plan.changed_entities
            or entity_id in plan.removed_entities
        )

    def is_active(entity_id: str) -> bool:
        if plan.mode == "full":
            return entity_id in active_ids
        return entity_id not in plan.removed_entities

    with store.db.transaction() as db:
        run_id = runs.start(db, plan.mode, started_at, user, threshold, plan.versions)
        result = RunResult(run_id, plan.mode, threshold, plan.versions, started_at=started_at)
        result.customers_screened = len(screened)
        result.entities_screened = entities_screened
        changes = states.Transitions(user=user, at=audit.now(), run_id=run_id)
        existing = alerts.keys(db)
        for pair_key, pair in sorted(hits.items()):
            _reconcile_hit(db, existing.get(pair_key), pair, result, changes)
        for (customer_id, entity_id), key in sorted(existing.items()):
            if (customer_id, entity_id) not in hits and in_scope(customer_id, entity_id):
                _reconcile_miss(db, key, is_active(entity_id), result, changes)
        changes.flush(db)
        runs.add_customers(db, run_id, screened)
        customer_rows.mark_screened(db, screened)
        result.seconds = time.perf_counter() - started
        result.finished_at = audit.now()
        counts = {k: getattr(result, k) for k in _COUNTS}
        runs.finish(db, run_id, result.finished_at, counts)
        summary = {"mode": plan.mode, "threshold": threshold, "list_versions": plan.versions}
        summary |= counts | {"suppressed": result.suppressed}
        audit.append(db, user, "monitor.run", f"run:{run_id}", summary)
        webhooks.emit(db, "run.finished", {"run_id": run_id, **summary})
    return result


_COUNTS = (
    "customers_screened",
    "entities_screened",
    "new_alerts",
    "reopened",
    "closed",
)


def _customers(store: Store, *, only_unscreened: bool) -> Iterator[Customer]:
    for row in customer_rows.current(store.db, only_unscreened=only_unscreened):
        yield Customer.from_row(row)


def _plan(store: Store, full: bool, threshold: float) -> _Plan:
    versions = {v.source: v.version for v in store.lists()}
    last = runs.last(store.db)
    if full or last is None or abs(last.threshold - threshold) > 1e-9:
        return _Plan("full", versions)
    plan = _Plan("delta", versions)
    for source in sorted(set(versions) | set(last.list_versions)):
        old_version, new_version = last.list_versions.get(source), versions.get(source)
        if old_version == new_version:
            continue
        old = store.member_hashes(source, old_version) if old_version else {}
        new = store.member_hashes(source, new_version) if new_version else {}
        plan.removed_entities |= old.keys() - new.keys()
        for entity_id, digest in new.items():
            before = old.get(entity_id)
            if before == digest:
                continue
            # A changed remark or address does not change any score: only what the scorer
            # reads makes an entity worth screening again.
            if before is None or entity_fingerprint(
                store.entity_by_hash(before)
            ) != entity_fingerprint(store.entity_by_hash(digest)):
                plan.changed_entities.add(entity_id)
    return plan


def _evidence(pair: PairHit) -> dict[str, Any]:
    return {
        "score": pair.hit.score,
        "customer_revision": pair.customer.revision,
        "list_source": pair.entity.source,
        "list_version": 0,
        "fingerprint": pair.fingerprint,
        "hit": pair.hit.to_json(),
    }


def _reconcile_hit(
    db: Any, key: AlertKey | None, pair: PairHit, result: RunResult, changes: states.Transitions
) -> None:
    evidence = _evidence(pair)
    evidence["list_version"] = result.list_versions.get(pair.entity.source, 0)
    details: dict[str, Any] = {"customer_id": pair.customer.id, "entity_id": pair.entity.id}
    details["score"] = round(pair.hit.score, 4)
    if key is None:
        alert_id = alerts.insert(
            db,
            customer_id=pair.customer.id,
            entity_id=pair.entity.id,
            state=states.OPEN,
            at=changes.at,
            run_id=result.run_id,
            **evidence,
        )
        changes.record(alert_id, "opened", None, states.OPEN, details=details)
        result.new_alerts += 1
        result.alert_ids.append(alert_id)
        return
    if key.state == states.TRUE_MATCH:
        return  # decided as the listed party; nothing a run finds changes that
    if key.state == states.FALSE_POSITIVE and key.fingerprint == pair.fingerprint:
        result.suppressed += 1
        return
    if key.state in (states.CLOSED, states.FALSE_POSITIVE):
        if key.state == states.CLOSED:
            reason = "matches again after it was closed"
        elif key.customer_revision != pair.customer.revision:
            reason = (
                f"customer revised (revision {key.customer_revision} -> "
                f"{pair.customer.revision}) since the false-positive decision"
            )
        else:
            reason = "the listed entity's names or identifying details changed since the "
            reason += "false-positive decision"
        alerts.refresh(
            db, key.id, state=states.OPEN, at=changes.at, run_id=result.run_id, **evidence
        )
        alerts.set_state(db, key.id, states.OPEN, changes.at)
        changes.record(key.id, "reopened", key.state, states.OPEN, reason=reason, details=details)
        result.reopened += 1
        result.alert_ids.append(key.id)
        return
    if key.fingerprint != pair.fingerprint:
        # Still undecided: the analyst sees the latest evidence; the state stays.
        alerts.refresh(db, key.id, state=key.state, at=changes.at, run_id=result.run_id, **evidence)


def _reconcile_miss(
    db: Any, key: AlertKey, entity_active: bool, result: RunResult, changes: states.Transitions
) -> None:
    if not entity_active:
        if key.state != states.CLOSED:
            states.close(db, key, states.DELISTED, changes)
            result.closed += 1
    elif key.state in states.UNDECIDED:
        states.close(db, key, states.NO_LONGER_MATCHES, changes)
        result.closed += 1
