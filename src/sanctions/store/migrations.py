"""Numbered schema migrations, applied in order when a store is opened.

`schema_migrations` records each applied number with its time. Stores made before that
table existed (release 0.1.0) counted their migrations in SQLite's `PRAGMA user_version`;
that count is read once and the table is filled in from it. Append new migrations at the
end; never edit one that has shipped.

The migrations are written in SQLite's words and run as written there; on PostgreSQL each
statement goes through `Database.ddl` (`_pg.translate_ddl`: identity columns, BIGINT,
DOUBLE PRECISION, `COLLATE "C"`, no `WITHOUT ROWID`), the one place the dialects' DDL
differs. Both backends get the same numbered migrations, recorded the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..errors import StoreError
from ._db import Database

MIGRATIONS: tuple[str, ...] = (
    # 1: list versions; entities content-addressed in `blobs`, a version's set in `members`.
    """
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        seq INTEGER NOT NULL,
        format TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        published TEXT,
        loaded_at TEXT NOT NULL,
        files TEXT NOT NULL,
        entity_count INTEGER NOT NULL DEFAULT 0,
        schema_counts TEXT NOT NULL DEFAULT '{}',
        added INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0,
        changed INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '[]',
        UNIQUE (source, seq)
    );
    CREATE TABLE active (
        source TEXT PRIMARY KEY,
        version_id INTEGER NOT NULL REFERENCES versions(id)
    );
    CREATE TABLE blobs (hash TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE members (
        version_id INTEGER NOT NULL REFERENCES versions(id),
        entity_id TEXT NOT NULL,
        schema TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (version_id, entity_id)
    ) WITHOUT ROWID;
    CREATE INDEX members_entity ON members (entity_id);
    """,
    # 2: fetch state of `sanctions update` (store/fetch_state.py).
    """
    CREATE TABLE fetch_sources (
        source TEXT PRIMARY KEY,
        last_attempt TEXT,
        last_success TEXT,
        last_status TEXT,
        last_error TEXT,
        sha256 TEXT
    );
    CREATE TABLE fetch_files (
        source TEXT NOT NULL,
        url TEXT NOT NULL,
        name TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (source, url)
    ) WITHOUT ROWID;
    """,
    # 3: API keys (store/keys.py). Only a salted hash of each key is kept; `key_id` is the
    # key's public prefix, to find its row.
    """
    CREATE TABLE api_keys (
        name TEXT PRIMARY KEY,
        key_id TEXT NOT NULL UNIQUE,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    """,
    # 4: monitoring (store/customers.py, runs.py, alerts.py), the audit chain (audit.py),
    # users and roles (users.py; every API key now belongs to a user), webhooks
    # (webhooks.py). Keys made before roles keep the access they had: an admin user each.
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT,
        created_at TEXT NOT NULL,
        disabled_at TEXT
    );
    INSERT INTO users (name, role, created_at) SELECT name, 'admin', created_at FROM api_keys;
    ALTER TABLE api_keys ADD COLUMN user TEXT REFERENCES users(name);
    UPDATE api_keys SET user = name;
    CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        hash TEXT NOT NULL,
        removed_at TEXT,
        seen_import INTEGER,
        screened_revision INTEGER
    ) WITHOUT ROWID;
    CREATE TABLE customer_revisions (
        customer_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        data TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        import_id INTEGER,
        PRIMARY KEY (customer_id, revision)
    ) WITHOUT ROWID;
    CREATE TABLE customer_keys (
        key TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        name_no INTEGER NOT NULL,
        token_no INTEGER NOT NULL,
        weight INTEGER NOT NULL,
        loose INTEGER NOT NULL,
        sure INTEGER NOT NULL,
        length INTEGER NOT NULL
    );
    CREATE INDEX customer_keys_key ON customer_keys (key);
    CREATE INDEX customer_keys_customer ON customer_keys (customer_id);
    CREATE TABLE customer_names (
        customer_id TEXT NOT NULL,
        name_no INTEGER NOT NULL,
        text TEXT NOT NULL,
        schema TEXT NOT NULL,
        PRIMARY KEY (customer_id, name_no)
    ) WITHOUT ROWID;
    CREATE TABLE customer_imports (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        source TEXT NOT NULL,
        user TEXT NOT NULL,
        rows INTEGER NOT NULL DEFAULT 0,
        added INTEGER NOT NULL DEFAULT 0,
        revised INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        removed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE monitor_runs (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        user TEXT NOT NULL,
        threshold REAL NOT NULL,
        list_versions TEXT NOT NULL,
        customers_screened INTEGER NOT NULL DEFAULT 0,
        entities_screened INTEGER NOT NULL DEFAULT 0,
        new_alerts INTEGER NOT NULL DEFAULT 0,
        reopened INTEGER NOT NULL DEFAULT 0,
        closed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE run_customers (
        run_id INTEGER NOT NULL REFERENCES monitor_runs(id),
        customer_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        PRIMARY KEY (customer_id, run_id)
    ) WITHOUT ROWID;
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        customer_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        state TEXT NOT NULL,
        score REAL NOT NULL,
        customer_revision INTEGER NOT NULL,
        list_source TEXT NOT NULL,
        list_version INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        hit TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        closed_reason TEXT,
        pending TEXT,
        UNIQUE (customer_id, entity_id)
    );
    CREATE INDEX alerts_entity ON alerts (entity_id);
    CREATE INDEX alerts_state ON alerts (state);
    CREATE TABLE alert_events (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        decision TEXT,
        reason TEXT,
        run_id INTEGER
    );
    CREATE INDEX alert_events_alert ON alert_events (alert_id);
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        data TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY,
        webhook_id INTEGER NOT NULL REFERENCES webhooks(id),
        event TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_status INTEGER,
        last_error TEXT,
        delivered_at TEXT
    );
    CREATE INDEX webhook_deliveries_status ON webhook_deliveries (status);
    CREATE TABLE stale_notices (
        source TEXT NOT NULL,
        since TEXT NOT NULL,
        notified_at TEXT NOT NULL,
        PRIMARY KEY (source, since)
    ) WITHOUT ROWID;
    """,
    # 5: the web UI: users' passwords (scrypt), server-side sessions, failed sign-ins, and
    # customer search by name prefix
    """
    ALTER TABLE users ADD COLUMN password TEXT;
    ALTER TABLE users ADD COLUMN password_changed_at TEXT;
    CREATE TABLE web_sessions (
        id_hash TEXT PRIMARY KEY,
        user TEXT NOT NULL REFERENCES users(name),
        csrf TEXT NOT NULL,
        created_at REAL NOT NULL,
        seen_at REAL NOT NULL,
        address TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX web_sessions_user ON web_sessions (user);
    CREATE INDEX customer_names_text ON customer_names (text);
    CREATE TABLE login_failures (
        subject TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_at REAL NOT NULL
    ) WITHOUT ROWID;
    """,
)

_TABLE = "schema_migrations"


def schema_version(db: Database) -> int:
    """How many migrations this database has had."""
    if not db.table_exists(_TABLE):
        return db.legacy_schema_version()
    row = db.one(f"SELECT COALESCE(MAX(version), 0) FROM {_TABLE}")
    return int(row[0]) if row else 0


def migrate(db: Database) -> int:
    """Bring the database up to the newest schema; returns the schema version."""
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise StoreError(f"{db.path}: store schema {current} is newer than this program")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if not db.table_exists(_TABLE):
        with db.transaction():
            db.execute(
                db.ddl(
                    f"CREATE TABLE {_TABLE} (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
                )
            )
            # A 0.1.0 store: its migrations ran before this table; their time is unknown.
            db.executemany(
                f"INSERT INTO {_TABLE} (version, applied_at) VALUES (?, ?)",
                [(number, "unknown") for number in range(1, current + 1)],
            )
    for number in range(current, len(MIGRATIONS)):
        with db.transaction():
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    db.execute(db.ddl(statement))
            db.execute(
                f"INSERT INTO {_TABLE} (version, applied_at) VALUES (?, ?)", (number + 1, now)
            )
    return len(MIGRATIONS)
