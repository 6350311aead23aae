"""API keys: created and revoked by `sanctions keys`, checked on every non-health request.

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
from datetime import UTC, datetime

from .errors import NotFound, UsageError
from .store import Store
from .store.keys import KeyInfo, all_keys, insert_key, key_by_id, key_exists, mark_revoked

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY = re.compile(r"^sk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{20,100})$")
# scrypt cost: ~30 ms per check on a small machine, once per key per process (see cache).
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def _hash(key: str, salt: bytes) -> str:
    return hashlib.scrypt(key.encode(), salt=salt, **_SCRYPT).hex()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def create_key(store: Store, name: str) -> str:
    """A new random key for `name`; only its hash is stored, so it is shown once."""
    if not _NAME.match(name):
        raise UsageError(
            f"key name {name!r} must be 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if key_exists(store, name):
        raise UsageError(f"a key named {name!r} exists already; revoke it or pick another name")
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    key_id = "".join(secrets.choice(alphabet) for _ in range(12))
    key = f"sk_{key_id}_{secrets.token_urlsafe(32)}"
    salt = secrets.token_bytes(16)
    insert_key(store, name, key_id, salt.hex(), _hash(key, salt), _now())
    return key


def revoke_key(store: Store, name: str) -> KeyInfo:
    if not mark_revoked(store, name, _now()) and not key_exists(store, name):
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
        match = _KEY.match(key)
        if match is None:
            return None
        key_id = match.group(1)
        record = key_by_id(store, key_id)
        if record is None or record.revoked_at is not None:
            return None
        name, salt, stored = record.name, record.salt, record.hash
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            if self._verified.get(digest) == key_id:
                return str(name)
        if not hmac.compare_digest(_hash(key, bytes.fromhex(salt)), stored):
            return None
        with self._lock:
            self._verified[digest] = key_id
        return str(name)


__all__ = ["KeyChecker", "KeyInfo", "create_key", "list_keys", "revoke_key"]
