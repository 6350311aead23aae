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
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import settings
from .errors import Forbidden, NotFound, UsageError
from .store import Store, audit
from .store import sessions as session_rows
from .store.keys import KeyInfo, all_keys, insert_key, key_by_id, key_exists, mark_revoked
from .store.users import (
    UserInfo,
    all_users,
    get_user,
    insert_user,
    mark_disabled,
    password_of,
    store_password,
)

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
            session_rows.delete_for_user(db, name)
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


# -- passwords and web sessions ---------------------------------------------------------------
# scrypt with 16 MiB of memory per check (n=2**14, r=8): memory-hard, ~50 ms here.
_PASSWORD = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_MAXMEM = 64 * 1024 * 1024
SIGN_IN_REFUSED = "unknown user or wrong password"
_FORGET_AFTER = 3600.0  # failures an hour old no longer slow anyone down


class SignInRefused(Forbidden):
    """A sign-in that failed; the message never says whether the user exists."""

    def __init__(self, message: str = SIGN_IN_REFUSED, *, wait: float = 0.0) -> None:
        super().__init__(message)
        self.wait = wait


def _password_hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def encode_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` (hex): the parameters travel with the hash, so they can grow."""
    salt = secrets.token_bytes(16)
    n, r, p = _PASSWORD["n"], _PASSWORD["r"], _PASSWORD["p"]
    digest = _password_hash(password, salt, n, r, p)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def password_matches(password: str, encoded: str | None) -> bool:
    """Constant work whether or not there is a stored hash (an unknown user costs the same)."""
    try:
        _, n, r, p, salt, digest = (encoded or "").split("$")
        params = int(n), int(r), int(p)
        stored = bytes.fromhex(digest)
        salt_bytes = bytes.fromhex(salt)
    except ValueError:
        params, stored, salt_bytes = (_PASSWORD["n"], _PASSWORD["r"], 1), b"", b"\0" * 16
    computed = _password_hash(password, salt_bytes, *params)
    return bool(stored) and hmac.compare_digest(computed, stored)


def check_password(password: str) -> str:
    if len(password) < settings.MIN_PASSWORD_LENGTH:
        raise UsageError(f"a password needs at least {settings.MIN_PASSWORD_LENGTH} characters")
    if len(password) > settings.MAX_PASSWORD_LENGTH:
        raise UsageError(f"a password may have at most {settings.MAX_PASSWORD_LENGTH} characters")
    return password


def set_password(store: Store, name: str, password: str, *, actor: str) -> UserInfo:
    """Set a user's password (never logged or audited, only that it changed); ends the
    user's sessions, so a stolen session dies with the old password."""
    check_password(password)
    encoded = encode_password(password)
    with store.db.transaction() as db:
        if get_user(db, name) is None:
            raise NotFound(f"no user named {name!r}")
        store_password(db, name, encoded, _now())
        session_rows.delete_for_user(db, name)
        audit.append(db, actor, "user.password_set", f"user:{name}", {})
    user = get_user(store.db, name)
    assert user is not None
    return user


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: `id` is the cookie's value (known only when just created)."""

    id: str
    user: str
    role: str
    csrf: str

    def may(self, permission: str) -> bool:
        return role_allows(self.role, permission)


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _wait_for(db: Any, subjects: list[str], now: float) -> float:
    """Seconds a sign-in must still wait: the wait doubles with each failure past the free
    ones, per account and per address; failures older than the longest wait are forgotten."""
    wait = 0.0
    for subject in subjects:
        record = session_rows.failures(db, subject)
        if record is None:
            continue
        count, last = record
        if count < settings.LOGIN_FREE_FAILURES:
            continue
        extra = count - settings.LOGIN_FREE_FAILURES
        delay = min(settings.LOGIN_FIRST_WAIT_SECONDS * 2.0**extra, settings.LOGIN_MAX_WAIT_SECONDS)
        wait = max(wait, last + delay - now)
    return wait


def _subjects(name: str, address: str) -> list[str]:
    return [f"user:{name.casefold()}", f"address:{address}"]


def sign_in(store: Store, name: str, password: str, *, address: str) -> WebSession:
    """A new session for `name`, or `SignInRefused` with the one message for an unknown
    user, a wrong password and a disabled user (and a wait when failures repeat)."""
    now = time.time()
    subjects = _subjects(name[:200], address)
    wait = _wait_for(store.db, subjects, now)
    if wait > 0:
        raise SignInRefused(
            f"too many failed sign-ins; try again in {math.ceil(wait)} s", wait=wait
        )
    valid = len(password) <= settings.MAX_PASSWORD_LENGTH
    ok = password_matches(password if valid else "", password_of(store.db, name)) and valid
    user = get_user(store.db, name) if ok else None
    if user is None:
        with store.db.transaction() as db:  # committed before refusing: the failure counts
            for subject in subjects:
                session_rows.add_failure(db, subject, now, now - _FORGET_AFTER)
            audit.append(
                db,
                name[:200] or "(empty)",
                "user.sign_in_failed",
                f"user:{name[:200]}",
                {"address": address},
            )
        raise SignInRefused()
    with store.db.transaction() as db:
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        session_rows.clear_failures(db, subjects[0])
        session_rows.delete_expired(
            db, now - settings.SESSION_IDLE_SECONDS, now - settings.SESSION_MAX_SECONDS
        )
        session_rows.insert(db, _session_hash(session_id), user.name, csrf, now, address)
        audit.append(db, user.name, "user.signed_in", f"user:{user.name}", {"address": address})
    return WebSession(session_id, user.name, user.role, csrf)


def session_for(store: Store, session_id: str | None) -> WebSession | None:
    """The live session with this id, refreshed; None when unknown, expired (idle or
    absolute) or its user is disabled."""
    if not session_id or len(session_id) > 200:
        return None
    now = time.time()
    digest = _session_hash(session_id)
    row = session_rows.get(store.db, digest)
    if row is None:
        return None
    expired = (
        now - row.seen_at > settings.SESSION_IDLE_SECONDS
        or now - row.created_at > settings.SESSION_MAX_SECONDS
    )
    if expired or row.user_disabled:
        with store.db.transaction() as db:
            session_rows.delete(db, digest)
        return None
    if now - row.seen_at > 30:  # one write per half minute, not one per request
        with store.db.transaction() as db:
            session_rows.touch(db, digest, now)
    return WebSession(session_id, row.user, row.role, row.csrf)


def sign_out(store: Store, session_id: str) -> None:
    digest = _session_hash(session_id)
    with store.db.transaction() as db:
        row = session_rows.get(db, digest)
        if row is not None:
            session_rows.delete(db, digest)
            audit.append(db, row.user, "user.signed_out", f"user:{row.user}", {})


__all__ = [
    "PERMISSIONS",
    "ROLES",
    "SIGN_IN_REFUSED",
    "KeyChecker",
    "KeyInfo",
    "Principal",
    "SignInRefused",
    "UserInfo",
    "WebSession",
    "check_password",
    "check_role",
    "create_key",
    "create_user",
    "disable_user",
    "list_keys",
    "list_users",
    "revoke_key",
    "role_allows",
    "session_for",
    "set_password",
    "sign_in",
    "sign_out",
]
