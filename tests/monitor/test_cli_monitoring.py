"""The monitoring commands end to end: customers, monitor, alerts, report, audit, users, keys;
on SQLite and on PostgreSQL (each test gets a copy of a loaded store: a file copy, or a
database made from the loaded one as its template)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pg
from sanctions.cli import app
from sanctions.store import Store

runner = CliRunner()


def run(db: Path | str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def run_json(db: Path | str, *args: str, code: int = 0) -> object:
    exit_code, stdout, stderr = run(db, *args, "--json")
    assert exit_code == code, stderr + stdout
    return json.loads(stdout)


@pytest.fixture(scope="module")
def loaded(module_db_url: str, data_dir: Path) -> str:
    db = module_db_url
    code, _, stderr = run(db, "load", str(data_dir / "ofac" / "sdn.csv"))
    assert code == 0, stderr
    if not db.startswith("postgresql://"):
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def db(tmp_path: Path, loaded: str, request: pytest.FixtureRequest) -> Iterator[str]:
    server: pg.PgServer | None = None
    if loaded.startswith("postgresql://"):
        server = request.getfixturevalue("pg_server")
        db = server.database("copy", template=loaded)
    else:
        db = str(tmp_path / "store.db")
        shutil.copyfile(loaded, db)
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,schema,birth_date,relationship_manager\n"
        "C1,Dan Gertler,Person,1973-12-23,Ann\n"
        "C2,Banco Nacional de Cuba,Organization,,Bob\n"
        "C3,Ingrid Bergström,Person,1980,Ann\n",
        encoding="utf-8",
    )
    imported = run_json(db, "customers", "import", str(customers))
    assert isinstance(imported, dict) and imported["added"] == 3
    yield db
    if server is not None:
        server.drop(db)


def test_monitor_json_and_exit_codes(db: str, data_dir: Path) -> None:
    first = run_json(db, "monitor", code=1)  # new alerts: exit 1
    assert isinstance(first, dict)
    for key in (
        "run_id",
        "mode",
        "customers_screened",
        "entities_screened",
        "new_alerts",
        "reopened",
        "closed",
        "seconds",
        "list_versions",
    ):
        assert key in first, key
    assert first["mode"] == "full" and first["new_alerts"] >= 2
    again = run_json(db, "monitor")  # nothing changed: a delta run, exit 0
    assert isinstance(again, dict) and again["mode"] == "delta" and again["new_alerts"] == 0
    assert again["customers_screened"] == 0 and again["entities_screened"] == 0
    full = run_json(db, "monitor", "--full")
    assert isinstance(full, dict) and full["mode"] == "full" and full["new_alerts"] == 0


def test_alert_review_from_the_command_line(db: str) -> None:
    run(db, "monitor")
    listed = run_json(db, "alerts", "list", "--customer", "C1")
    assert isinstance(listed, dict)
    [alert] = [a for a in listed["alerts"] if a["entity_id"] == "ofac-sdn:23252"]
    assert alert["state"] == "open" and alert["matched_name"] == "GERTLER, Dan"
    shown = run_json(db, "alerts", "show", str(alert["id"]))
    assert isinstance(shown, dict) and shown["events"][0]["action"] == "opened"
    assert shown["explanation"]["features"]["birth_date"] > 0
    code, _, stderr = run(
        db, "alerts", "decide", str(alert["id"]), "--decision", "true_match", "--user", "ana"
    )
    assert code == 2  # --reason is required
    decided = run_json(
        db,
        "alerts",
        "decide",
        str(alert["id"]),
        "--decision",
        "true_match",
        "--reason",
        "DOB and nationality match",
        "--user",
        "ana",
    )
    assert isinstance(decided, dict) and decided["state"] == "pending_approval"
    code, _, stderr = run(db, "alerts", "approve", str(alert["id"]), "--user", "ana")
    assert code == 2 and "different user" in stderr
    approved = run_json(db, "alerts", "approve", str(alert["id"]), "--user", "bob")
    assert isinstance(approved, dict) and approved["state"] == "true_match"
    pending = run_json(db, "alerts", "list", "--state", "pending_approval")
    assert isinstance(pending, dict) and pending["total"] == 0
    code, _, stderr = run(db, "alerts", "list", "--state", "unsure")
    assert code == 2 and "unknown state" in stderr


def test_report_and_customer_show(db: str) -> None:
    run(db, "monitor")
    shown = run_json(db, "customers", "show", "C1")
    assert isinstance(shown, dict)
    assert shown["customer"]["attributes"] == {"relationship_manager": "Ann"}
    assert shown["last_screening"]["mode"] == "full" and shown["alerts"]
    report = run_json(db, "report", "customer", "C1")
    assert isinstance(report, dict)
    assert report["revisions"][0]["data"]["birth_date"] == "1973-12-23"
    assert report["screenings"][0]["list_versions"] == {"ofac-sdn": 1}
    assert report["alerts"][0]["explanation"]["features"]["name"] > 0.9
    assert report["audit"]["ok"] is True
    code, text, _ = run(db, "report", "customer", "C1")
    assert code == 0 and "Evidence report" in text
    code, _, stderr = run(db, "report", "customer", "nobody")
    assert code == 2 and "no customer" in stderr
    listed = run_json(db, "customers", "list")
    assert isinstance(listed, dict) and listed["active"] == 3


def test_audit_verify_catches_an_edit_and_export_filters(db: str) -> None:
    run(db, "monitor")
    verified = run_json(db, "audit", "verify")
    assert isinstance(verified, dict) and verified["ok"] is True
    exported = run_json(db, "audit", "export")
    assert isinstance(exported, list)
    actions = [e["action"] for e in exported]
    assert actions[0] == "list.loaded" and "customers.imported" in actions
    assert "monitor.run" in actions and "alert.opened" in actions
    later = run_json(db, "audit", "export", "--since", "2999-01-01")
    assert later == []
    code, _, stderr = run(db, "audit", "export", "--since", "yesterday")
    assert code == 2
    with Store(db) as store:  # behind the store's back, as someone with database access
        store.db.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    code, _, stderr = run(db, "audit", "verify")
    assert code == 1 and "entry 3" in stderr


def test_bad_customer_files_exit_2_listing_every_problem(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,schema\nA,,Person\nB,Bo,Robot\n", encoding="utf-8")
    code, stdout, stderr = run(db, "customers", "import", str(bad), "--json")
    assert code == 2
    report = json.loads(stdout)
    assert [(p["line"], p["field"]) for p in report["problems"]] == [(2, "name"), (3, "schema")]
    code, _, stderr = run(db, "customers", "import", str(bad))
    assert code == 2 and "bad.csv:2" in stderr and "bad.csv:3: schema" in stderr


def test_users_passwords_from_stdin(db: str) -> None:
    from sanctions.auth import password_matches
    from sanctions.store.users import password_of

    code, _, stderr = run(
        db, "users", "create", "eve", "--role", "viewer", "--password-stdin", stdin="too short\n"
    )
    assert code == 2 and "at least 12 characters" in stderr
    assert [u["name"] for u in run_json(db, "users", "list")] == []  # type: ignore[union-attr]
    code, stdout, stderr = run(
        db,
        "users",
        "create",
        "eve",
        "--role",
        "viewer",
        "--password-stdin",
        "--json",
        stdin="a fine long secret\n",
    )
    assert code == 0, stderr
    assert json.loads(stdout)["has_password"] is True and "a fine long secret" not in stdout
    code, _, stderr = run(db, "users", "passwd", "eve", stdin="another fine secret\n")
    assert code == 2 and "--password-stdin" in stderr
    code, stdout, _ = run(
        db, "users", "passwd", "eve", "--password-stdin", stdin="another fine secret\r\n"
    )
    assert code == 0 and "another fine secret" not in stdout
    code, _, stderr = run(
        db, "users", "passwd", "nobody", "--password-stdin", stdin="another fine secret\n"
    )
    assert code == 2 and "no user named 'nobody'" in stderr
    from sanctions.store import audit

    with Store(db) as store:
        encoded = password_of(store.db, "eve")
        assert password_matches("another fine secret", encoded)
        assert not password_matches("a fine long secret", encoded)
        actions = [e.action for e in audit.entries(store.db) if e.subject == "user:eve"]
        text = " ".join(json.dumps(e.to_json()) for e in audit.entries(store.db))
    assert actions == ["user.created", "user.password_set", "user.password_set"]
    assert "secret" not in text


def test_users_and_keys_with_roles(db: str) -> None:
    created = run_json(db, "users", "create", "ana", "--role", "analyst")
    assert created == {
        "name": "ana",
        "role": "analyst",
        "created_at": created["created_at"],  # type: ignore[index]
        "disabled_at": None,
        "has_password": False,
        "active": True,
    }
    key = run_json(db, "keys", "create", "ana-laptop", "--user", "ana")
    assert isinstance(key, dict) and key["role"] == "analyst" and key["key"].startswith("sk_")
    code, _, stderr = run(db, "users", "create", "bob", "--role", "boss")
    assert code == 2 and "unknown role" in stderr
    users = run_json(db, "users", "list")
    assert [u["name"] for u in users] == ["ana"]  # type: ignore[union-attr]
    disabled = run_json(db, "users", "disable", "ana")
    assert isinstance(disabled, dict) and disabled["active"] is False
    keys = run_json(db, "keys", "list")
    assert [(k["name"], k["user"], k["role"]) for k in keys] == [  # type: ignore[union-attr]
        ("ana-laptop", "ana", "analyst")
    ]
