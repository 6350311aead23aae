"""Rows of the `users` table (migration 4): who may use the API (and later the web UI), and
with which role. API keys belong to a user; roles are defined in `sanctions.auth`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._db import Database


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    created_at: str
    disabled_at: str | None
    has_password: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "active": self.disabled_at is None}


_COLUMNS = "name, role, created_at, disabled_at, password IS NOT NULL"


def get_user(db: Database, name: str) -> UserInfo | None:
    row = db.one(f"SELECT {_COLUMNS} FROM users WHERE name = ?", (name,))
    return _user(row) if row else None


def all_users(db: Database) -> list[UserInfo]:
    return [_user(row) for row in db.all(f"SELECT {_COLUMNS} FROM users ORDER BY name")]


def _user(row: tuple[Any, ...]) -> UserInfo:
    name, role, created_at, disabled_at, has_password = row
    return UserInfo(name, role, created_at, disabled_at, bool(has_password))


def insert_user(db: Database, name: str, role: str, at: str) -> None:
    db.execute("INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)", (name, role, at))


def mark_disabled(db: Database, name: str, at: str) -> bool:
    cursor = db.execute(
        "UPDATE users SET disabled_at = ? WHERE name = ? AND disabled_at IS NULL", (at, name)
    )
    return cursor.rowcount > 0


def set_role(db: Database, name: str, role: str) -> None:
    db.execute("UPDATE users SET role = ? WHERE name = ?", (role, name))


def password_of(db: Database, name: str) -> str | None:
    """The stored password hash of an active user (`auth` reads it), else None."""
    row = db.one("SELECT password FROM users WHERE name = ? AND disabled_at IS NULL", (name,))
    return row[0] if row else None


def store_password(db: Database, name: str, encoded: str, at: str) -> None:
    db.execute(
        "UPDATE users SET password = ?, password_changed_at = ? WHERE name = ?",
        (encoded, at, name),
    )
