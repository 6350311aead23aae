"""The audit trail: an append-only table whose entries are chained by hashes.

Each entry's `hash` is the sha256 of its own fields (sequence number, time, actor, action,
subject, data) and of the previous entry's hash. Editing any field, deleting an entry or
swapping two breaks the chain from that entry on, and `verify` names the first entry that
does not verify. `audit_head` keeps the last sequence number and hash, so cutting entries
off the end is caught as well.

Entries are appended inside the caller's write transaction: the action and its audit entry
commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import UsageError
from ._db import Database

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    data: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad: int | None = None  # sequence number of the first entry that fails
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def entry_hash(
    seq: int, at: str, actor: str, action: str, subject: str, data: str, prev_hash: str
) -> str:
    content = json.dumps([seq, at, actor, action, subject, data, prev_hash], ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def append(db: Database, actor: str, action: str, subject: str, data: dict[str, Any]) -> int:
    """Append one entry (call inside a write transaction); returns its sequence number."""
    db.lock("audit")  # one appender at a time across connections: the chain stays a chain
    head = db.one("SELECT seq, hash FROM audit_head WHERE id = 1")
    seq, prev = (int(head[0]) + 1, str(head[1])) if head else (1, GENESIS)
    at = now()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    digest = entry_hash(seq, at, actor, action, subject, text, prev)
    db.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, data, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, subject, text, prev, digest),
    )
    db.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        (seq, digest),
    )
    return seq


def normalize_since(text: str) -> str:
    """An ISO date or time as the string entries' times compare with (UTC); UsageError
    when it is neither."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"since {text!r} is not an ISO date or time (YYYY-MM-DD)") from None
    if len(text.strip()) == 10:
        return moment.date().isoformat()
    # A time without a zone is taken as UTC, the zone every entry is written in.
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


_COLUMNS = "seq, at, actor, action, subject, data, prev_hash, hash"


def _rows(db: Database, since: str | None = None) -> Iterator[tuple[Any, ...]]:
    if since is None:
        yield from db.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY seq")
    else:
        yield from db.execute(
            f"SELECT {_COLUMNS} FROM audit_log WHERE at >= ? ORDER BY seq", (since,)
        )


def entries(db: Database, since: str | None = None) -> Iterator[AuditEntry]:
    """Entries in order, from the first one at or after `since` (an ISO date or time)."""
    if since is not None:
        since = normalize_since(since)
    for seq, at, actor, action, subject, data, prev, digest in _rows(db, since):
        yield AuditEntry(seq, at, actor, action, subject, json.loads(data), prev, digest)


def latest(
    db: Database,
    *,
    limit: int = 100,
    actor: str | None = None,
    action_prefix: str | None = None,
    before: int | None = None,
    after: int | None = None,
) -> list[AuditEntry]:
    """The newest entries first: at most `limit`, only `actor`'s (exact) and those whose
    action starts with `action_prefix` when given. Pages go by sequence number (the primary
    key, however long the log): `before` gives the newest entries older than that one,
    `after` the oldest entries newer than it (still listed newest first)."""
    clauses: list[str] = []
    params: list[Any] = []
    if actor:
        clauses.append("actor = ?")
        params.append(actor)
    if action_prefix:
        clauses.append("action >= ? AND action < ?")
        params += [action_prefix, action_prefix + "\U0010ffff"]
    if before is not None:
        clauses.append("seq < ?")
        params.append(before)
    if after is not None:
        clauses.append("seq > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    oldest_first = after is not None and before is None
    rows = db.all(
        f"SELECT {_COLUMNS} FROM audit_log{where} "
        f"ORDER BY seq {'ASC' if oldest_first else 'DESC'} LIMIT ?",
        [*params, limit],
    )
    found = [
        AuditEntry(seq, at, who, action, subject, json.loads(data), prev, digest)
        for seq, at, who, action, subject, data, prev, digest in rows
    ]
    return found[::-1] if oldest_first else found


def verify(db: Database) -> Verification:
    """Walk the whole chain; the first entry whose hash or link does not hold fails it."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for seq, at, actor, action, subject, data, prev, digest in _rows(db):
        if seq != expected_seq:
            return Verification(
                False,
                count,
                seq,
                f"entry {seq} follows entry {expected_seq - 1}: "
                f"{seq - expected_seq} entr{'y' if seq - expected_seq == 1 else 'ies'} missing",
            )
        if prev != expected_prev:
            return Verification(
                False, count, seq, f"entry {seq} does not link to entry {seq - 1} (reordered?)"
            )
        if entry_hash(seq, at, actor, action, subject, data, prev) != digest:
            return Verification(
                False, count, seq, f"entry {seq} does not match its hash (a field was edited)"
            )
        expected_prev, expected_seq, count = digest, seq + 1, count + 1
    head = db.one("SELECT seq, hash FROM audit_head WHERE id = 1")
    if head is not None and (int(head[0]), str(head[1])) != (expected_seq - 1, expected_prev):
        return Verification(
            False,
            count,
            int(head[0]),
            f"the chain ends at entry {expected_seq - 1} but entry {head[0]} was written last "
            "(entries were cut off the end)",
        )
    if head is None and count:
        return Verification(False, count, 1, "the chain's head record is missing")
    return Verification(True, count)
