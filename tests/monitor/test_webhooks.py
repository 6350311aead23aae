"""Webhooks against real loopback HTTP receivers: signatures verify, a failing receiver is
retried with backoff until it answers, a dead one never fails anything, events are filtered
by subscription, and adding or removing a webhook is audited without its secret."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.errors import NotFound, UsageError
from sanctions.monitor import webhooks
from sanctions.store import Store, audit
from sanctions.store import webhooks as rows

SECRET = "s3cret-s3cret-s3cret"


class Receiver:
    """Records every POST; answers `fail_first` times with 500, then 200."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                valid = webhooks.verify_signature(
                    SECRET, headers["x-sanctions-timestamp"], body, headers["x-sanctions-signature"]
                )
                receiver.received.append({"headers": headers, "body": body, "valid": valid})
                failing = len(receiver.received) <= receiver.fail_first
                self.send_response(500 if failing or not valid else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """On SQLite and on PostgreSQL (`db_url`)."""
    with Store(db_url) as store:
        yield store


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def emit(store: Store, event: str, data: dict[str, Any]) -> int:
    with store.db.transaction() as db:
        return webhooks.emit(db, event, data)


def test_a_delivery_is_signed_and_verifies(store: Store, receiver: Receiver) -> None:
    webhooks.add_webhook(store, receiver.url, "alert.opened,run.finished", SECRET, actor="ops")
    assert emit(store, "alert.opened", {"alert_id": 7}) == 1
    assert emit(store, "list.stale", {"source": "un-sc"}) == 0  # not subscribed
    report = webhooks.deliver_due(store)
    assert (report.sent, report.failed, report.pending) == (1, 0, 0)
    [got] = receiver.received
    assert got["valid"] is True
    body = json.loads(got["body"])
    assert body["event"] == "alert.opened" and body["data"] == {"alert_id": 7}
    assert got["headers"]["x-sanctions-event"] == "alert.opened"
    [logged] = webhooks.delivery_log(store)
    assert logged.status == "delivered" and logged.attempts == 1 and logged.last_status == 200
    # A receiver with the wrong secret, a changed body or an old timestamp refuses it.
    stamp, signature = (
        got["headers"]["x-sanctions-timestamp"],
        got["headers"]["x-sanctions-signature"],
    )
    assert not webhooks.verify_signature("another-secret-value", stamp, got["body"], signature)
    assert not webhooks.verify_signature(SECRET, stamp, got["body"] + b" ", signature)
    assert not webhooks.verify_signature(
        SECRET, stamp, got["body"], signature, now=int(stamp) + 3600
    )


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(store: Store) -> None:
    flaky = Receiver(fail_first=2)
    try:
        webhooks.add_webhook(store, flaky.url, ["run.finished"], SECRET, actor="ops")
        emit(store, "run.finished", {"run_id": 1})
        start = datetime(2026, 1, 1, tzinfo=UTC)
        first = webhooks.deliver_due(store, now=start)
        assert (first.sent, first.failed, first.pending) == (0, 1, 1)
        [pending] = webhooks.delivery_log(store)
        assert pending.next_attempt_at == (start + timedelta(seconds=30)).isoformat(
            timespec="microseconds"
        )
        # Not due yet: nothing is sent.
        assert webhooks.deliver_due(store, now=start + timedelta(seconds=10)).failed == 0
        assert len(flaky.received) == 1
        second = webhooks.deliver_due(store, now=start + timedelta(seconds=31))
        assert second.failed == 1
        [again] = webhooks.delivery_log(store)
        assert again.attempts == 2 and again.last_status == 500
        assert again.next_attempt_at == (start + timedelta(seconds=91)).isoformat(
            timespec="microseconds"
        )
        third = webhooks.deliver_due(store, now=start + timedelta(seconds=92))
        assert (third.sent, third.pending) == (1, 0)
        [done] = webhooks.delivery_log(store)
        assert (done.status, done.attempts) == ("delivered", 3)
        ids = {r["headers"]["x-sanctions-delivery"] for r in flaky.received}
        assert len(ids) == 1 and all(r["valid"] for r in flaky.received)
    finally:
        flaky.close()


def test_a_dead_receiver_never_raises_and_gives_up(store: Store) -> None:
    webhooks.add_webhook(store, "http://127.0.0.1:9/nothing", ["alert.opened"], SECRET, actor="x")
    emit(store, "alert.opened", {"alert_id": 1})
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(webhooks.MAX_ATTEMPTS):
        report = webhooks.deliver_due(store, now=moment, timeout=1.0)
        assert report.sent == 0
        moment += timedelta(hours=2)
    [gave_up] = webhooks.delivery_log(store)
    assert gave_up.status == "failed" and gave_up.attempts == webhooks.MAX_ATTEMPTS
    assert gave_up.last_error and "Connect" in gave_up.last_error
    assert webhooks.backoff(1) == 30 and webhooks.backoff(20) == webhooks.MAX_BACKOFF


def test_adding_and_removing_is_validated_and_audited(store: Store, receiver: Receiver) -> None:
    with pytest.raises(UsageError, match="http"):
        webhooks.add_webhook(store, "ftp://example.org", ["alert.opened"], SECRET, actor="x")
    with pytest.raises(UsageError, match="unknown event"):
        webhooks.add_webhook(store, receiver.url, "alert.sneezed", SECRET, actor="x")
    with pytest.raises(UsageError, match="at least 16"):
        webhooks.add_webhook(store, receiver.url, "alert.opened", "short", actor="x")
    hook = webhooks.add_webhook(store, receiver.url, "alert.opened", SECRET, actor="ops")
    webhooks.remove_webhook(store, hook.id, actor="ops")
    with pytest.raises(NotFound):
        webhooks.remove_webhook(store, 99, actor="ops")
    assert emit(store, "alert.opened", {}) == 0
    entries = [e for e in audit.entries(store.db) if e.subject == f"webhook:{hook.id}"]
    assert [e.action for e in entries] == ["webhook.added", "webhook.removed"]
    assert SECRET not in json.dumps([e.to_json() for e in audit.entries(store.db)])
    assert rows.listing(store.db) == []


def test_the_cli_reads_the_secret_from_stdin(tmp_path: Path, receiver: Receiver) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "webhooks",
            "add",
            receiver.url,
            "--events",
            "run.finished",
            "--secret-stdin",
            "--db",
            db,
            "--json",
        ],
        input=SECRET + "\n",
    )
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["events"] == ["run.finished"]
    listed = runner.invoke(app, ["webhooks", "list", "--db", db, "--json"])
    assert SECRET not in listed.stdout and json.loads(listed.stdout)[0]["url"] == receiver.url
    refused = runner.invoke(
        app, ["webhooks", "add", receiver.url, "--events", "run.finished", "--db", db]
    )
    assert refused.exit_code == 2 and "secret-stdin" in refused.stderr
    removed = runner.invoke(app, ["webhooks", "remove", "1", "--db", db, "--json"])
    assert removed.exit_code == 0 and json.loads(removed.stdout)["active"] is False


def test_a_monitoring_run_and_a_decision_queue_their_events(
    store: Store, receiver: Receiver, tmp_path: Path
) -> None:
    from sanctions.model import Entity, NameKind
    from sanctions.monitor.customers import import_customers
    from sanctions.monitor.decisions import decide
    from sanctions.monitor.run import run_monitor
    from sanctions.settings import FourEyesPolicy
    from sanctions.sources.base import Publication

    listed = Entity("test:1", "Person", datasets=["test"])
    listed.add_name("Dan Gertler", NameKind.PRIMARY)
    store.load(Publication("test", "test", [Path("t")], iter([listed])), sha256="1")
    customers = tmp_path / "c.csv"
    customers.write_text("id,name,schema\nC1,Dan Gertler,Person\n", encoding="utf-8")
    import_customers(store, customers)
    events = "alert.opened,alert.decided,run.finished"
    webhooks.add_webhook(store, receiver.url, events, SECRET, actor="ops")
    result = run_monitor(store)
    webhooks.deliver_due(store)
    got = [json.loads(r["body"]) for r in receiver.received]
    assert [g["event"] for g in got] == ["alert.opened", "run.finished"]
    assert got[0]["data"]["customer_id"] == "C1" and got[0]["data"]["entity_id"] == "test:1"
    assert got[1]["data"]["run_id"] == result.run_id and got[1]["data"]["new_alerts"] == 1
    decide(
        store,
        result.alert_ids[0],
        "false_positive",
        reason="other man",
        user="ana",
        policy=FourEyesPolicy.parse("none"),
    )
    webhooks.deliver_due(store)
    decided = json.loads(receiver.received[-1]["body"])
    assert decided["event"] == "alert.decided" and decided["data"]["decision"] == "false_positive"


def test_a_delivery_taken_by_another_sender_is_not_sent_twice(
    store: Store, receiver: Receiver
) -> None:
    webhooks.add_webhook(store, receiver.url, ["run.finished"], SECRET, actor="ops")
    emit(store, "run.finished", {"run_id": 1})
    now = datetime.now(UTC)
    [due] = rows.due(store.db, now.isoformat(timespec="microseconds"))
    later = (now + timedelta(minutes=2)).isoformat(timespec="microseconds")
    with store.db.transaction() as db:  # another sender (the server's loop) took it
        assert rows.claim(db, due.id, now.isoformat(timespec="microseconds"), later)
    assert webhooks.deliver_due(store, now=now).sent == 0 and receiver.received == []
    # Once the hold has passed (the other sender died), it is sent.
    assert webhooks.deliver_due(store, now=now + timedelta(minutes=3)).sent == 1
    assert len(receiver.received) == 1
