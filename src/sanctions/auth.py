"""Users, roles and API keys: keys are created and revoked by `sanctions keys`, users by
`sanctions users`; a key is checked on every non-health request and acts as its user, with
that user's role. Every change is written to the audit trail in the same transaction.

Roles, from least to most: viewer (reads and screens), analyst (also decides alerts),
approver (also approves four-eyes decisions and reads the audit trail), admin (everything:
customers, monitoring runs, webhooks, reloads).

A key reads `sk_<key id>_<secret>`. The store keeps the key id (to find the row) and a
salted scrypt hash of the whole key, never the key itself (`store/keys.py`).
scrypt is slow on purpose, so a verified key is remembered in memory by its sha256; the
revocation flag is still read from the store on every request, so revoking takes effect at
once on every replica sharing the store.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import NotFound, UsageError
from .store import Store, audit
from .store.keys import KeyInfo, all_keys, insert_key, key_by_id, key_exists, mark_revoked
from .store.users import UserInfo, all_users, get_user, insert_user, mark_disabled

ROLES = ("viewer", "analyst", "approver", "admin")
# The least role each permission needs.
PERMISSIONS = {
    "read": "viewer",
    "decide": "analyst",
    "approve": "approver",
    "audit": "approver",
    "manage": "admin",
}


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the key's name, its user and the user's role."""

    key: str
    user: str
    role: str

    def may(self, permission: str) -> bool:
        return role_allows(self.role, permission)


def role_allows(role: str, permission: str) -> bool:
    return ROLES.index(role) >= ROLES.index(PERMISSIONS[permission])


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return role


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY = re.compile(r"^sk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{20,100})$")
# scrypt cost: ~30 ms per check on a small machine, once per key per process (see cache).
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def _hash(key: str, salt: bytes) -> str:
    return hashlib.scrypt(key.encode(), salt=salt, **_SCRYPT).hex()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_name(name: str, what: str) -> None:
    if not _NAME.match(name):
        raise UsageError(
            f"{what} name {name!r} must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )


def create_user(store: Store, name: str, role: str, *, actor: str) -> UserInfo:
    _check_name(name, "user")
    check_role(role)
    with store.db.transaction() as db:
        if get_user(db, name) is not None:
            raise UsageError(f"a user named {name!r} exists already")
        insert_user(db, name, role, _now())
        audit.append(db, actor, "user.created", f"user:{name}", {"role": role})
    user = get_user(store.db, name)
    assert user is not None
    return user


def disable_user(store: Store, name: str, *, actor: str) -> UserInfo:
    with store.db.transaction() as db:
        if get_user(db, name) is None:
            raise NotFound(f"no user named {name!r}")
        if mark_disabled(db, name, _now()):
            audit.append(db, actor, "user.disabled", f"user:{name}", {})
    user = get_user(store.db, name)
    assert user is not None
    return user


def list_users(store: Store) -> list[UserInfo]:
    return all_users(store.db)


def create_key(
    store: Store,
    name: str,
    *,
    user: str | None = None,
    role: str | None = None,
    actor: str = "cli",
) -> str:
    """A new random key for `name`, acting as `user` (default: a user of the same name,
    created with `role`, default viewer); only its hash is stored, so it is shown once."""
    _check_name(name, "key")
    owner = user or name
    existing = get_user(store.db, owner)
    if existing is not None and role is not None and existing.role != role:
        raise UsageError(
            f"user {owner!r} has role {existing.role!r}; a key acts with its user's role"
        )
    if existing is not None and existing.disabled_at is not None:
        raise UsageError(f"user {owner!r} is disabled")
    if existing is None:
        _check_name(owner, "user")
        check_role(role or "viewer")
    if key_exists(store, name):
        raise UsageError(f"a key named {name!r} exists already; revoke it or pick another name")
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    key_id = "".join(secrets.choice(alphabet) for _ in range(12))
    key = f"sk_{key_id}_{secrets.token_urlsafe(32)}"
    salt = secrets.token_bytes(16)
    digest = _hash(key, salt)
    with store.db.transaction() as db:
        if existing is None:
            insert_user(db, owner, role or "viewer", _now())
            audit.append(db, actor, "user.created", f"user:{owner}", {"role": role or "viewer"})
        insert_key(store, name, key_id, salt.hex(), digest, _now(), owner)
        audit.append(db, actor, "key.created", f"key:{name}", {"user": owner, "key_id": key_id})
    return key


def revoke_key(store: Store, name: str, *, actor: str = "cli") -> KeyInfo:
    with store.db.transaction() as db:
        if mark_revoked(store, name, _now()):
            audit.append(db, actor, "key.revoked", f"key:{name}", {})
        elif not key_exists(store, name):
            raise NotFound(f"no API key named {name!r}")
    return next(k for k in list_keys(store) if k.name == name)


def list_keys(store: Store) -> list[KeyInfo]:
    return all_keys(store)


class KeyChecker:
    """Verifies bearer keys against one store; thread-safe, caches scrypt results."""

    def __init__(self) -> None:
        self._verified: dict[str, str] = {}  # sha256 of key -> key id
        self._lock = threading.Lock()

    def check(self, store: Store, key: str) -> str | None:
        """The key's name when it is valid and not revoked, else None."""
        principal = self.identify(store, key)
        return principal.key if principal else None

    def identify(self, store: Store, key: str) -> Principal | None:
        """Who the key acts as, when it is valid, not revoked and its user not disabled."""
        match = _KEY.match(key)
        if match is None:
            return None
        key_id = match.group(1)
        record = key_by_id(store, key_id)
        if record is None or record.revoked_at is not None or record.user_disabled:
            return None
        principal = Principal(record.name, record.user, record.role)
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            if self._verified.get(digest) == key_id:
                return principal
        if not hmac.compare_digest(_hash(key, bytes.fromhex(record.salt)), record.hash):
            return None
        with self._lock:
            self._verified[digest] = key_id
        return principal


__all__ = [
    "PERMISSIONS",
    "ROLES",
    "KeyChecker",
    "KeyInfo",
    "Principal",
    "UserInfo",
    "check_role",
    "create_key",
    "create_user",
    "disable_user",
    "list_keys",
    "list_users",
    "revoke_key",
    "role_allows",
]
