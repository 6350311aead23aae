"""Rows of the customer tables (migration 4): the portfolio a monitoring run screens.

`customers` holds one row per customer id: its current revision and content hash, when it
was removed (kept, never deleted), the import that last saw it, and the revision the last
monitoring run screened. `customer_revisions` keeps every revision's data as JSON, so the
evidence report can show what the customer looked like when an alert was raised.
`customer_imports` records each imported file and its counts.

Parsing and validating customer files lives in `sanctions.monitor.customers`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ._db import Database

# Ids looked up per query when importing; bounds memory whatever the file size.
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class CustomerRow:
    """A customer's current state."""

    id: str
    revision: int
    hash: str
    removed_at: str | None
    screened_revision: int | None
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "revision": self.revision,
            "removed": self.removed_at is not None,
            "removed_at": self.removed_at,
            "screened_revision": self.screened_revision,
            **self.data,
        }


@dataclass(frozen=True)
class Revision:
    customer_id: str
    revision: int
    data: dict[str, Any]
    hash: str
    created_at: str
    import_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "created_at": self.created_at,
            "import_id": self.import_id,
            "hash": self.hash,
            "data": self.data,
        }


@dataclass(frozen=True)
class Known:
    """What an import needs to know about an id already in the store."""

    revision: int
    hash: str
    removed: bool
    seen_import: int | None


def start_import(db: Database, at: str, source: str, user: str) -> int:
    return db.insert(
        "INSERT INTO customer_imports (started_at, source, user) VALUES (?, ?, ?)",
        (at, source, user),
    )


def finish_import(db: Database, import_id: int, counts: dict[str, int]) -> None:
    db.execute(
        "UPDATE customer_imports SET rows = ?, added = ?, revised = ?, unchanged = ?, "
        "removed = ? WHERE id = ?",
        (
            counts["rows"],
            counts["added"],
            counts["revised"],
            counts["unchanged"],
            counts["removed"],
            import_id,
        ),
    )


def known(db: Database, ids: Sequence[str]) -> dict[str, Known]:
    """The stored state of those ids that exist."""
    found: dict[str, Known] = {}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start : start + LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        for cid, revision, digest, removed_at, seen in db.execute(
            f"SELECT id, revision, hash, removed_at, seen_import FROM customers "
            f"WHERE id IN ({marks})",
            chunk,
        ):
            found[cid] = Known(revision, digest, removed_at is not None, seen)
    return found


def add_revision(
    db: Database,
    customer_id: str,
    revision: int,
    data: dict[str, Any],
    digest: str,
    at: str,
    import_id: int | None,
) -> None:
    """Write a revision and make it the customer's current one (creating the customer)."""
    db.execute(
        "INSERT INTO customer_revisions (customer_id, revision, data, hash, created_at, "
        "import_id) VALUES (?, ?, ?, ?, ?, ?)",
        (customer_id, revision, json.dumps(data, ensure_ascii=False), digest, at, import_id),
    )
    db.execute(
        "INSERT INTO customers (id, revision, hash, removed_at, seen_import) "
        "VALUES (?, ?, ?, NULL, ?) ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, "
        "hash = excluded.hash, removed_at = NULL, seen_import = excluded.seen_import",
        (customer_id, revision, digest, import_id),
    )


def mark_seen(db: Database, ids: Sequence[str], import_id: int) -> None:
    db.executemany(
        "UPDATE customers SET seen_import = ? WHERE id = ?", [(import_id, i) for i in ids]
    )


def mark_unseen_removed(db: Database, import_id: int, at: str) -> list[str]:
    """Remove every current customer the import did not see; their ids."""
    rows = db.all(
        "SELECT id FROM customers WHERE removed_at IS NULL "
        "AND (seen_import IS NULL OR seen_import != ?) ORDER BY id",
        (import_id,),
    )
    ids = [cid for (cid,) in rows]
    db.executemany("UPDATE customers SET removed_at = ? WHERE id = ?", [(at, i) for i in ids])
    return ids


def mark_screened(db: Database, revisions: Sequence[tuple[str, int]]) -> None:
    db.executemany(
        "UPDATE customers SET screened_revision = ? WHERE id = ?",
        [(revision, cid) for cid, revision in revisions],
    )


_CURRENT = (
    "SELECT c.id, c.revision, c.hash, c.removed_at, c.screened_revision, r.data "
    "FROM customers c JOIN customer_revisions r "
    "ON r.customer_id = c.id AND r.revision = c.revision"
)


def _row(values: tuple[Any, ...]) -> CustomerRow:
    cid, revision, digest, removed_at, screened, data = values
    return CustomerRow(cid, revision, digest, removed_at, screened, json.loads(data))


def get(db: Database, customer_id: str) -> CustomerRow | None:
    row = db.one(_CURRENT + " WHERE c.id = ?", (customer_id,))
    return _row(row) if row else None


def current(db: Database, *, only_unscreened: bool = False) -> Iterator[CustomerRow]:
    """Customers not removed, by id; optionally only those whose revision is unscreened."""
    where = " WHERE c.removed_at IS NULL"
    if only_unscreened:
        where += " AND (c.screened_revision IS NULL OR c.screened_revision != c.revision)"
    for row in db.execute(_CURRENT + where + " ORDER BY c.id"):
        yield _row(row)


def listing(
    db: Database, *, include_removed: bool = False, limit: int = 100, offset: int = 0
) -> list[CustomerRow]:
    where = "" if include_removed else " WHERE c.removed_at IS NULL"
    rows = db.all(_CURRENT + where + " ORDER BY c.id LIMIT ? OFFSET ?", (limit, offset))
    return [_row(row) for row in rows]


# Above every string that starts with a given prefix: `x >= p AND x < p || _TOP` is a prefix
# match an index on x can answer (LIKE cannot: it folds case).
_TOP = "\U0010ffff"


def search(
    db: Database,
    id_prefix: str,
    name_prefix: str = "",
    *,
    include_removed: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> list[CustomerRow]:
    """Customers, by id, whose id starts with `id_prefix` (exact case) or one of whose
    names, as analysed for the reverse index (`customer_names.text`: lowercase, latinized),
    starts with `name_prefix`. Both are range conditions: the id's on the primary key.
    Removed customers have no names in the index, so only their id finds them."""
    where = "(c.id >= ? AND c.id < ?)"
    params: list[Any] = [id_prefix, id_prefix + _TOP]
    if name_prefix:
        where += " OR c.id IN (SELECT customer_id FROM customer_names WHERE text >= ? AND text < ?)"
        params += [name_prefix, name_prefix + _TOP]
    where = f" WHERE ({where})" + ("" if include_removed else " AND c.removed_at IS NULL")
    rows = db.all(_CURRENT + where + " ORDER BY c.id LIMIT ? OFFSET ?", [*params, limit, offset])
    return [_row(row) for row in rows]


def count(db: Database) -> dict[str, int]:
    row = db.one(
        "SELECT COUNT(*), COUNT(CASE WHEN removed_at IS NULL THEN 1 END), "
        "COUNT(CASE WHEN removed_at IS NULL AND (screened_revision IS NULL "
        "OR screened_revision != revision) THEN 1 END) FROM customers"
    )
    assert row is not None
    total, active, unscreened = row
    return {"total": total, "active": active, "unscreened": unscreened}


def revisions(db: Database, customer_id: str) -> list[Revision]:
    rows = db.all(
        "SELECT customer_id, revision, data, hash, created_at, import_id "
        "FROM customer_revisions WHERE customer_id = ? ORDER BY revision",
        (customer_id,),
    )
    return [Revision(c, r, json.loads(d), h, at, i) for c, r, d, h, at, i in rows]


def revision_hash(db: Database, customer_id: str, revision: int) -> str | None:
    row = db.one(
        "SELECT hash FROM customer_revisions WHERE customer_id = ? AND revision = ?",
        (customer_id, revision),
    )
    return str(row[0]) if row else None


# -- the reverse index: retrieval keys of each customer's current names ------------------------
# One row per (key, customer, name, token): the token's weight units and the covered weight
# the name needs to be a candidate (`loose`) and to be one without comparing texts (`sure`),
# both from `match/coverage.py`.
# key, name number, token, units, loose, sure, length of the name's text
KeyRow = tuple[str, int, int, int, int, int, int]


def replace_keys(
    db: Database,
    customer_id: str,
    schema: str,
    names: Sequence[tuple[int, str]],
    keys: Sequence[KeyRow],
) -> None:
    """Set a customer's names (number, analysed text) and key rows, replacing the previous
    revision's."""
    delete_keys(db, [customer_id])
    db.executemany(
        "INSERT INTO customer_names (customer_id, name_no, text, schema) VALUES (?, ?, ?, ?)",
        [(customer_id, number, text, schema) for number, text in names],
    )
    db.executemany(
        "INSERT INTO customer_keys (key, customer_id, name_no, token_no, weight, loose, sure, "
        "length) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(key, customer_id, *rest) for key, *rest in keys],
    )


def delete_keys(db: Database, customer_ids: Sequence[str]) -> None:
    for start in range(0, len(customer_ids), LOOKUP_CHUNK):
        chunk = customer_ids[start : start + LOOKUP_CHUNK]
        marks = ",".join("?" * len(chunk))
        db.execute(f"DELETE FROM customer_keys WHERE customer_id IN ({marks})", chunk)
        db.execute(f"DELETE FROM customer_names WHERE customer_id IN ({marks})", chunk)


def covered_names(db: Database, keys: Sequence[str], length: int) -> list[tuple[str, int, bool]]:
    """(customer id, name number, sure) for every stored name whose tokens posted under
    `keys` carry at least its `loose` weight; `sure` when they carry its `sure` weight.
    Each token counts once, however many of the keys it shares. Names below `sure` are left
    out when their length alone rules out reading alike with a text of `length` characters
    (a similarity of 80 needs 5 |a - b| <= a + b; see `match.coverage.alike`)."""
    if not keys:
        return []
    marks = ",".join("?" * len(keys))
    rows = db.all(
        # `loose`, `sure` and `length` are the name's, the same on each of its rows: MAX
        # reads them (standard SQL; SQLite would take them bare).
        "SELECT customer_id, name_no, SUM(weight) >= MAX(sure) FROM ("
        "SELECT DISTINCT customer_id, name_no, token_no, weight, loose, sure, length "
        f"FROM customer_keys WHERE key IN ({marks})) AS k GROUP BY customer_id, name_no "
        "HAVING SUM(weight) >= MAX(sure) OR (SUM(weight) >= MAX(loose) AND "
        "5 * ABS(MAX(length) - ?) <= MAX(length) + ?) ORDER BY customer_id, name_no",
        [*keys, length, length],
    )
    return [(cid, number, bool(sure)) for cid, number, sure in rows]


def name_texts(db: Database) -> dict[tuple[str, int], str]:
    """Every stored customer name's analysed text, by (customer id, name number)."""
    rows = db.execute("SELECT customer_id, name_no, text FROM customer_names")
    return {(cid, n): text for cid, n, text in rows}


def indexed_schemas(db: Database) -> set[str]:
    """The schemas of the customers in the reverse index."""
    return {schema for (schema,) in db.all("SELECT DISTINCT schema FROM customer_names")}
