"""Rows of `web_sessions` and `login_failures` (migration 5), for the web UI's sign-in.

A session row is keyed by the sha256 of its id: the id itself lives only in the browser's
cookie, so a copy of the store opens no session. Times are Unix seconds (floats), which
keeps the expiry arithmetic simple. Expiry rules and throttling live in `sanctions.auth`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._db import Database


@dataclass(frozen=True)
class SessionRow:
    id_hash: str
    user: str
    csrf: str
    created_at: float
    seen_at: float
    address: str
    role: str
    user_disabled: bool


def insert(db: Database, id_hash: str, user: str, csrf: str, at: float, address: str) -> None:
    db.execute(
        "INSERT INTO web_sessions (id_hash, user, csrf, created_at, seen_at, address) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (id_hash, user, csrf, at, at, address),
    )


def get(db: Database, id_hash: str) -> SessionRow | None:
    row = db.one(
        "SELECT s.id_hash, s.user, s.csrf, s.created_at, s.seen_at, s.address, u.role, "
        "u.disabled_at IS NOT NULL FROM web_sessions s JOIN users u ON u.name = s.user "
        "WHERE s.id_hash = ?",
        (id_hash,),
    )
    if row is None:
        return None
    id_hash_, user, csrf, created, seen, address, role, disabled = row
    return SessionRow(id_hash_, user, csrf, created, seen, address, role, bool(disabled))


def touch(db: Database, id_hash: str, at: float) -> None:
    db.execute("UPDATE web_sessions SET seen_at = ? WHERE id_hash = ?", (at, id_hash))


def delete(db: Database, id_hash: str) -> None:
    db.execute("DELETE FROM web_sessions WHERE id_hash = ?", (id_hash,))


def delete_for_user(db: Database, user: str) -> int:
    return db.execute("DELETE FROM web_sessions WHERE user = ?", (user,)).rowcount


def delete_expired(db: Database, idle_before: float, created_before: float) -> int:
    cursor = db.execute(
        "DELETE FROM web_sessions WHERE seen_at < ? OR created_at < ?",
        (idle_before, created_before),
    )
    return cursor.rowcount


def failures(db: Database, subject: str) -> tuple[int, float] | None:
    row = db.one("SELECT failures, last_at FROM login_failures WHERE subject = ?", (subject,))
    return (int(row[0]), float(row[1])) if row else None


def add_failure(db: Database, subject: str, at: float, forget_before: float) -> None:
    """One more failure; a count whose last failure is before `forget_before` starts again."""
    db.execute(
        "INSERT INTO login_failures (subject, failures, last_at) VALUES (?, 1, ?) "
        "ON CONFLICT (subject) DO UPDATE SET last_at = excluded.last_at, failures = "
        "CASE WHEN login_failures.last_at < ? THEN 1 ELSE login_failures.failures + 1 END",
        (subject, at, forget_before),
    )


def clear_failures(db: Database, subject: str) -> None:
    db.execute("DELETE FROM login_failures WHERE subject = ?", (subject,))
