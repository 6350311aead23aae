"""Rows of the `api_keys` table (migration 3): who holds a key, its salted hash, revocation;
since migration 4 each key belongs to a user (`users`), whose role it carries.

Key generation and checking live in `sanctions.auth`; this module only reads and writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .versions import Store


@dataclass
class KeyInfo:
    name: str
    key_id: str
    created_at: str
    revoked_at: str | None
    user: str
    role: str

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "active": self.revoked_at is None}


@dataclass(frozen=True)
class KeyRecord:
    """What checking a presented key needs."""

    name: str
    salt: str
    hash: str
    revoked_at: str | None
    user: str
    role: str
    user_disabled: bool


def key_exists(store: Store, name: str) -> bool:
    return store.db.one("SELECT 1 FROM api_keys WHERE name = ?", (name,)) is not None


def insert_key(
    store: Store, name: str, key_id: str, salt: str, digest: str, at: str, user: str
) -> None:
    store.db.execute(
        "INSERT INTO api_keys (name, key_id, salt, hash, created_at, user) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (name, key_id, salt, digest, at, user),
    )


def mark_revoked(store: Store, name: str, at: str) -> bool:
    """True when an active key of that name was revoked just now."""
    cursor = store.db.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", (at, name)
    )
    return cursor.rowcount > 0


def all_keys(store: Store) -> list[KeyInfo]:
    rows = store.db.all(
        "SELECT k.name, k.key_id, k.created_at, k.revoked_at, k.user, u.role "
        "FROM api_keys k JOIN users u ON u.name = k.user ORDER BY k.name"
    )
    return [KeyInfo(*row) for row in rows]


def key_by_id(store: Store, key_id: str) -> KeyRecord | None:
    row = store.db.one(
        "SELECT k.name, k.salt, k.hash, k.revoked_at, k.user, u.role, "
        "u.disabled_at IS NOT NULL FROM api_keys k JOIN users u ON u.name = k.user "
        "WHERE k.key_id = ?",
        (key_id,),
    )
    if row is None:
        return None
    name, salt, digest, revoked_at, user, role, disabled = row
    return KeyRecord(name, salt, digest, revoked_at, user, role, bool(disabled))
