"""Decisions on alerts: four-eyes, roles, suppression that re-alerts when content changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctions.auth import create_user
from sanctions.errors import Conflict, Forbidden, NotFound, UsageError
from sanctions.model import DateValue, Entity, NameKind
from sanctions.monitor import decisions
from sanctions.monitor.customers import import_customers
from sanctions.monitor.run import run_monitor
from sanctions.settings import FourEyesPolicy
from sanctions.sources.base import Publication
from sanctions.store import Store, alerts, audit

POLICY = FourEyesPolicy()  # the default: true_match needs approval


def publish(store: Store, *entities: Entity, tag: str) -> None:
    copies = [Entity.from_dict(e.to_dict()) for e in entities]
    store.load(Publication("test", "test", [Path("t.json")], iter(copies)), sha256=tag)


def person(number: int, name: str, born: str | None = None) -> Entity:
    entity = Entity(f"test:{number}", "Person", datasets=["test"])
    entity.add_name(name, NameKind.PRIMARY)
    if born:
        entity.birth_dates.append(DateValue(born))
    return entity


def customers(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text("id,name,schema,birth_date\n" + rows, encoding="utf-8")
    return path


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """On SQLite and on PostgreSQL (`db_url`)."""
    with Store(db_url) as store:
        publish(store, person(1, "Dan Gertler", "1973"), person(2, "Viktor Bout"), tag="v1")
        import_customers(
            store,
            customers(tmp_path, "c1.csv", "C1,Dan Gertler,Person,1973\nC2,Viktor But,Person,\n"),
        )
        first = run_monitor(store)
        assert first.new_alerts == 2
        yield store


def alert_of(store: Store, customer: str) -> alerts.AlertRow:
    [alert] = alerts.listing(store.db, customer_id=customer)
    return alert


def test_true_match_needs_a_second_user(store: Store) -> None:
    alert = alert_of(store, "C1")
    pending = decisions.decide(
        store, alert.id, "true_match", reason="same DOB", user="ana", policy=POLICY
    )
    assert pending.state == "pending_approval"
    assert pending.pending is not None and pending.pending["user"] == "ana"
    with pytest.raises(Forbidden, match="cannot approve"):
        decisions.approve(store, alert.id, user="ana")
    with pytest.raises(Conflict, match="awaits approval"):
        decisions.decide(store, alert.id, "false_positive", reason="x", user="bob", policy=POLICY)
    done = decisions.approve(store, alert.id, user="bob", reason="checked passport")
    assert done.state == "true_match" and done.pending is None
    actions = [(e.action, e.user, e.to_state) for e in alerts.events(store.db, alert.id)]
    assert actions == [
        ("opened", "cli", "open"),
        ("proposed", "ana", "pending_approval"),
        ("decided", "bob", "true_match"),
    ]
    with pytest.raises(Conflict, match="not pending_approval"):
        decisions.approve(store, alert.id, user="carl")
    audited = [
        (e.actor, e.action) for e in audit.entries(store.db) if e.subject == f"alert:{alert.id}"
    ]
    assert ("bob", "alert.decided") in audited and ("ana", "alert.proposed") in audited


def test_a_rejected_proposal_goes_back(store: Store) -> None:
    alert = alert_of(store, "C1")
    decisions.decide(store, alert.id, "escalate", reason="unsure", user="ana", policy=POLICY)
    decisions.decide(store, alert.id, "true_match", reason="sure now", user="ana", policy=POLICY)
    back = decisions.reject(store, alert.id, user="bob", reason="DOB differs on file")
    assert back.state == "escalated"


def test_the_policy_can_name_false_positives_above_a_score(store: Store) -> None:
    strict = FourEyesPolicy.parse("true_match,false_positive>0.9")
    alert = alert_of(store, "C1")  # an exact name: score above 0.9
    assert alert.score > 0.9
    decided = decisions.decide(
        store, alert.id, "false_positive", reason="other man", user="ana", policy=strict
    )
    assert decided.state == "pending_approval"
    none = FourEyesPolicy.parse("none")
    other = alert_of(store, "C2")
    assert (
        decisions.decide(store, other.id, "true_match", reason="yes", user="ana", policy=none).state
        == "true_match"
    )


def test_bad_decisions_are_refused(store: Store) -> None:
    alert = alert_of(store, "C1")
    with pytest.raises(UsageError, match="reason"):
        decisions.decide(store, alert.id, "false_positive", reason="  ", user="ana")
    with pytest.raises(UsageError, match="unknown decision"):
        decisions.decide(store, alert.id, "maybe", reason="x", user="ana")
    with pytest.raises(NotFound):
        decisions.decide(store, 999, "false_positive", reason="x", user="ana")
    decisions.decide(store, alert.id, "false_positive", reason="x", user="ana", policy=POLICY)
    with pytest.raises(Conflict, match="false_positive"):
        decisions.decide(store, alert.id, "escalate", reason="x", user="ana", policy=POLICY)


def test_registered_users_act_within_their_role(store: Store) -> None:
    create_user(store, "viv", "viewer", actor="admin")
    create_user(store, "ana", "analyst", actor="admin")
    alert = alert_of(store, "C1")
    with pytest.raises(Forbidden, match="viewer"):
        decisions.decide(store, alert.id, "escalate", reason="x", user="viv", policy=POLICY)
    decisions.decide(store, alert.id, "true_match", reason="x", user="ana", policy=POLICY)
    create_user(store, "ann", "analyst", actor="admin")
    with pytest.raises(Forbidden, match="analyst"):
        decisions.approve(store, alert.id, user="ann")


def test_false_positives_stay_suppressed_until_the_content_changes(
    store: Store, tmp_path: Path
) -> None:
    c1, c2 = alert_of(store, "C1"), alert_of(store, "C2")
    for alert in (c1, c2):
        decisions.decide(
            store, alert.id, "false_positive", reason="other", user="ana", policy=POLICY
        )
    # Same content: a full run and a delta run keep both suppressed.
    assert run_monitor(store, full=True).reopened == 0
    publish(store, person(1, "Dan Gertler", "1973"), person(2, "Viktor Bout"), tag="v2")
    quiet = run_monitor(store)
    assert (quiet.mode, quiet.reopened, quiet.new_alerts) == ("delta", 0, 0)
    # The listed entity gains an alias: that pair is screened again and reopens.
    bout = person(2, "Viktor Bout")
    bout.add_name("Viktor Butt", NameKind.ALIAS)
    publish(store, person(1, "Dan Gertler", "1973"), bout, tag="v3")
    changed = run_monitor(store)
    assert changed.reopened == 1
    reopened = alert_of(store, "C2")
    assert reopened.state == "open"
    last = alerts.events(store.db, reopened.id)[-1]
    assert last.action == "reopened" and "listed entity" in (last.reason or "")
    assert alert_of(store, "C1").state == "false_positive"
    # The customer is revised: its pair reopens too, saying why.
    import_customers(
        store,
        customers(tmp_path, "c2.csv", "C1,Dan Gertler,Person,1974\nC2,Viktor But,Person,\n"),
    )
    revised = run_monitor(store)
    assert revised.reopened == 1 and revised.customers_screened == 1
    event = alerts.events(store.db, alert_of(store, "C1").id)[-1]
    assert "customer revised (revision 1 -> 2)" in (event.reason or "")


def test_removed_customers_and_delisted_entities_close_alerts(store: Store, tmp_path: Path) -> None:
    import_customers(
        store, customers(tmp_path, "c3.csv", "C1,Dan Gertler,Person,1973\n"), delete_missing=True
    )
    assert (alert_of(store, "C2").state, alert_of(store, "C2").closed_reason) == (
        "closed",
        "customer_removed",
    )
    publish(store, person(2, "Viktor Bout"), tag="v2")
    result = run_monitor(store)
    assert result.closed == 1
    assert (alert_of(store, "C1").state, alert_of(store, "C1").closed_reason) == (
        "closed",
        "delisted",
    )
    # Listed again: the closed alert reopens rather than a second alert for the pair.
    publish(store, person(1, "Dan Gertler", "1973"), person(2, "Viktor Bout"), tag="v3")
    again = run_monitor(store)
    assert (again.reopened, again.new_alerts) == (1, 0)
    assert alert_of(store, "C1").state == "open"


def test_two_decisions_at_once_on_one_alert_one_wins_one_conflicts(store: Store) -> None:
    """Two replicas deciding the same alert: the second waits for the first's transaction,
    then sees its decision and gets a Conflict, never a lost update."""
    alert = alert_of(store, "C2")
    location = store.file or store.path
    outcome: list[object] = []

    def second_replica() -> None:
        with Store(location) as other:
            try:
                decisions.decide(other, alert.id, "escalate", reason="b", user="bob", policy=POLICY)
                outcome.append("decided")
            except Conflict as exc:
                outcome.append(exc)

    replica = threading.Thread(target=second_replica)
    with store.db.transaction() as db:  # the first replica, mid-decision, holds the alert
        assert alerts.get(db, alert.id, for_update=True) is not None
        alerts.set_state(db, alert.id, "false_positive", audit.now())
        replica.start()
        time.sleep(0.5)
        assert replica.is_alive() and outcome == []  # waiting, not deciding on stale state
    replica.join(30)
    [result] = outcome
    assert isinstance(result, Conflict) and "false_positive" in str(result)
    assert alert_of(store, "C2").state == "false_positive"
