"""Importing a customer file: CSV, JSON Lines or Parquet, upserted by id, all or nothing.

Columns (names case-insensitive): `id`, `name`, `schema` (Person, Organization, Company,
LegalEntity, Vessel, Airplane; any case) are required; `aliases` (`;`-separated, or a list in
JSON Lines), `birth_date` (partial dates allowed), `country`, `nationality`, `id_number`,
`imo_number` are optional; any other column is kept as an attribute of the customer.

An unchanged row changes nothing; a changed row becomes a new revision (the old one is
kept); with `delete_missing`, customers absent from the file are marked removed and their
undecided alerts close (`customer_removed`). The whole file is one transaction: when any
row is bad, every problem found is reported by line and field and nothing is applied.
Rows are read and written in chunks, so memory stays flat for any file size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..batch.files import PARQUET_SUFFIXES, RowReader
from ..errors import ParseError, QueryError, RowsError, UsageError
from ..screen.query import Query
from ..screen.validate import canonical_schema, clean_name, prepare_query
from ..store import Store, alerts, audit
from ..store import customers as rows
from ..text.values import country_code, parse_date
from . import states
from .matching import Customer, customer_queries

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
KNOWN = frozenset(
    ("id", "name", "schema", "aliases", "birth_date", "country", "nationality")
    + ("id_number", "imo_number")
)
CHUNK = 1000
MAX_PROBLEMS = 100  # problems kept for the report; all are counted
MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    file: str
    sha256: str
    rows: int
    added: int
    revised: int
    unchanged: int
    removed: int
    alerts_closed: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Problems:
    def __init__(self) -> None:
        self.kept: list[dict[str, Any]] = []
        self.total = 0

    def add(self, line: int | None, field: str | None, message: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append({"line": line, "field": field, "message": message})


def clean_customer(raw: dict[str, Any], line: int | None, problems: _Problems) -> dict[str, Any]:
    """A row's canonical data (the revision content); problems are added, not raised."""

    def text(key: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        value = " ".join(str(value).split())
        return value or None

    def check(field: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except QueryError as exc:
            problems.add(line, field, exc.message)
            return None

    data: dict[str, Any] = {}
    customer_id = text("id")
    if customer_id is None:
        problems.add(line, "id", "id is empty")
    elif len(customer_id) > MAX_ID_LENGTH:
        problems.add(line, "id", f"id is longer than {MAX_ID_LENGTH} characters")
    data["id"] = customer_id
    data["name"] = check("name", lambda: clean_name(text("name")))
    schema = text("schema")
    if schema is None:
        problems.add(line, "schema", "schema is empty")
    else:
        data["schema"] = check("schema", lambda: canonical_schema(schema))
    aliases = raw.get("aliases")
    if isinstance(aliases, list):
        names = [str(a) for a in aliases]
    else:
        names = (text("aliases") or "").split(";")
    cleaned: list[str] = []
    for alias in names:
        if alias.strip():
            try:
                cleaned.append(clean_name(alias, "aliases"))
            except QueryError as exc:
                problems.add(line, "aliases", exc.message)
    data["aliases"] = cleaned
    if birth := text("birth_date"):
        data["birth_date"] = parse_date(birth)
        if data["birth_date"] is None:
            problems.add(line, "birth_date", f"{birth!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD)")
    for key in ("country", "nationality"):
        if value := text(key):
            data[key] = country_code(value)
            if data[key] is None:
                problems.add(line, key, f"{value!r} is not a country name or ISO code")
    for key in ("id_number", "imo_number"):
        if value := text(key):
            data[key] = value
    extra = {k: v for k in raw if k not in KNOWN and (v := text(k)) is not None}
    if extra:
        data["attributes"] = dict(sorted(extra.items()))
    data = {k: v for k, v in data.items() if v not in (None, [])}
    if data.get("name") and data.get("schema"):
        # A name that cleans but has nothing to match ("???") is refused here, not skipped
        # silently at screening time.
        for query in customer_queries(data):
            try:
                prepare_query(Query(query.name, query.schema))
            except QueryError as exc:
                field = "name" if query.name == data["name"] else "aliases"
                problems.add(line, field, exc.message)
    return data


def content_hash(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def read_rows(path: Path) -> Iterator[tuple[int | None, dict[str, Any]]]:
    """(line, row) for every row of a CSV, Parquet or JSON Lines file, column names folded
    to lower case."""
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _json_lines(path)
        return
    with RowReader(path) as reader:
        columns = [c.strip().lower() for c in reader.columns]
        for required in ("id", "name", "schema"):
            reader.column(required, required=True)
        for record in reader:
            line = record.line if record.line is not None else record.row
            yield line, dict(zip(columns, record.values, strict=True))


def _json_lines(path: Path) -> Iterator[tuple[int | None, dict[str, Any]]]:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                value = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"not valid UTF-8 at column {exc.start + 1}", path=path, line=number
                ) from None
            except json.JSONDecodeError as exc:
                raise ParseError(f"not JSON: {exc.msg}", path=path, line=number) from None
            except RecursionError:  # json's C scanner recurses once per nested [ or {
                raise ParseError("JSON nested too deeply", path=path, line=number) from None
            if not isinstance(value, dict):
                raise ParseError("each line must be a JSON object", path=path, line=number)
            yield number, {str(k).strip().lower(): v for k, v in value.items()}


def count_rows(path: Path) -> int | None:
    """Rows, for a progress bar (an estimate for text files)."""
    if path.suffix.lower() in PARQUET_SUFFIXES or path.suffix.lower() not in JSONL_SUFFIXES:
        with RowReader(path) as reader:
            return reader.count_rows()
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_customers(
    store: Store,
    path: Path,
    *,
    delete_missing: bool = False,
    user: str = "cli",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Upsert every row of the file, in one transaction; RowsError when any row is bad."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    return import_records(
        store,
        read_rows(path),
        source=path,
        sha256=file_digest(path),
        delete_missing=delete_missing,
        user=user,
        progress=progress,
    )


def import_records(
    store: Store,
    records: Iterable[tuple[int | None, dict[str, Any]]],
    *,
    source: Path,
    sha256: str,
    delete_missing: bool = False,
    user: str = "cli",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Upsert (line, row) records (rows keyed by lower-case column names), all or nothing."""
    at = audit.now()
    problems = _Problems()
    counts = {"rows": 0, "added": 0, "revised": 0, "unchanged": 0, "removed": 0}
    closed = 0
    with store.db.transaction() as db:
        import_id = rows.start_import(db, at, source.name, user)
        chunk: list[tuple[int | None, dict[str, Any]]] = []
        for line, raw in records:
            counts["rows"] += 1
            data = clean_customer(raw, line, problems)
            if "id" in data:
                chunk.append((line, data))
            if len(chunk) >= CHUNK:
                _apply(db, chunk, import_id, at, counts, problems)
                if progress:
                    progress(len(chunk))
                chunk = []
        _apply(db, chunk, import_id, at, counts, problems)
        if progress and chunk:
            progress(len(chunk))
        if problems.total:
            # Leaving by an exception rolls the whole file back.
            raise RowsError(source, problems.kept, problems.total)
        if counts["rows"] == 0:
            raise ParseError("has no customer rows", path=source)
        if delete_missing:
            removed = rows.mark_unseen_removed(db, import_id, at)
            rows.delete_keys(db, removed)
            counts["removed"] = len(removed)
            closed = _close_removed(db, removed, user, at)
        rows.finish_import(db, import_id, counts)
        audit.append(
            db,
            user,
            "customers.imported",
            f"import:{import_id}",
            {"file": source.name, "sha256": sha256, **counts, "alerts_closed": closed},
        )
    return ImportResult(import_id, str(source), sha256, alerts_closed=closed, **counts)


def _apply(
    db: Any,
    chunk: list[tuple[int | None, dict[str, Any]]],
    import_id: int,
    at: str,
    counts: dict[str, int],
    problems: _Problems,
) -> None:
    if not chunk:
        return
    stored = rows.known(db, [data["id"] for _, data in chunk])
    seen_here: dict[str, int | None] = {}
    unchanged: list[str] = []
    for line, data in chunk:
        cid = data["id"]
        old = stored.get(cid)
        if cid in seen_here or (old is not None and old.seen_import == import_id):
            problems.add(line, "id", f"id {cid!r} appears more than once in the file")
            continue
        seen_here[cid] = line
        if problems.total:
            continue  # nothing will be applied; only keep checking rows
        digest = content_hash(data)
        if old is not None and old.hash == digest and not old.removed:
            unchanged.append(cid)
            counts["unchanged"] += 1
            continue
        revision = 1 if old is None else old.revision + 1
        rows.add_revision(db, cid, revision, data, digest, at, import_id)
        # The reverse index: this revision's retrieval keys, for delta runs.
        customer = Customer.from_data(cid, revision, digest, data)
        rows.replace_keys(db, cid, customer.schema, *customer.index_rows())
        counts["added" if old is None else "revised"] += 1
    rows.mark_seen(db, unchanged, import_id)


def _close_removed(db: Any, removed: list[str], user: str, at: str) -> int:
    changes = states.Transitions(user=user, at=at)
    closed = 0
    for key in alerts.for_customers(db, removed):
        if key.state in states.UNDECIDED:
            states.close(db, key, states.CUSTOMER_REMOVED, changes)
            closed += 1
    changes.flush(db)
    return closed
