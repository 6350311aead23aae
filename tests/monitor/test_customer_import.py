"""Importing customer files: formats, revisions, removal, and all-or-nothing refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sanctions.errors import ParseError, RowsError, SourceError
from sanctions.monitor.customers import import_customers
from sanctions.store import Store, audit
from sanctions.store import customers as rows

HEADER = "id,name,schema,aliases,birth_date,country,id_number,segment\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """On SQLite and on PostgreSQL (`db_url`)."""
    with Store(db_url) as store:
        yield store


def test_csv_rows_become_customers_with_clean_fields(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv",
        HEADER
        + 'A1,"  Dan   Gertler ",PERSON,Dan Gertler;D. Gertler,1957-12,Israel,,private\n'
        + "B2,Acme Trading Ltd,company,,,DE,HRB 123,corporate\n",
    )
    result = import_customers(store, path)
    assert (result.rows, result.added, result.revised, result.unchanged) == (2, 2, 0, 0)
    dan = rows.get(store.db, "A1")
    assert dan is not None
    assert dan.data == {
        "id": "A1",
        "name": "Dan Gertler",
        "schema": "Person",
        "aliases": ["Dan Gertler", "D. Gertler"],
        "birth_date": "1957-12",
        "country": "il",
        "attributes": {"segment": "private"},
    }
    acme = rows.get(store.db, "B2")
    assert acme is not None and acme.data["schema"] == "Company"
    assert acme.data["id_number"] == "HRB 123" and acme.data["country"] == "de"


def test_json_lines_and_parquet_are_read_too(store: Store, tmp_path: Path) -> None:
    lines = [
        {"id": "J1", "Name": "Viktor Bout", "schema": "Person", "aliases": ["Victor Butt"]},
        {"id": 7, "name": "SEA STAR", "schema": "vessel", "imo_number": "IMO 9187629"},
    ]
    jsonl = write(tmp_path / "c.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    assert import_customers(store, jsonl).added == 2
    seven = rows.get(store.db, "7")
    assert seven is not None and seven.data["imo_number"] == "IMO 9187629"
    assert rows.get(store.db, "J1").data["aliases"] == ["Victor Butt"]  # type: ignore[union-attr]
    table = pa.table({"id": ["P1"], "name": ["Ali Hassan"], "schema": ["person"], "year": [1970]})
    pq.write_table(table, tmp_path / "c.parquet")
    assert import_customers(store, tmp_path / "c.parquet").added == 1
    p1 = rows.get(store.db, "P1")
    assert p1 is not None and p1.data["attributes"] == {"year": "1970"}


def test_unchanged_rows_change_nothing_and_changed_rows_make_revisions(
    store: Store, tmp_path: Path
) -> None:
    first = write(tmp_path / "1.csv", "id,name,schema\nA,Ann Lee,Person\nB,Bo Chan,Person\n")
    import_customers(store, first)
    second = write(tmp_path / "2.csv", "id,name,schema\nA,Ann Lee,Person\nB,Bo Chen,Person\n")
    result = import_customers(store, second)
    assert (result.added, result.revised, result.unchanged) == (0, 1, 1)
    assert [r.data["name"] for r in rows.revisions(store.db, "B")] == ["Bo Chan", "Bo Chen"]
    assert rows.get(store.db, "B").revision == 2  # type: ignore[union-attr]
    assert rows.get(store.db, "A").revision == 1  # type: ignore[union-attr]


def test_delete_missing_removes_but_keeps_history(store: Store, tmp_path: Path) -> None:
    import_customers(store, write(tmp_path / "1.csv", "id,name,schema\nA,Ann Lee,Person\n"))
    import_customers(store, write(tmp_path / "2.csv", "id,name,schema\nB,Bo Chan,Person\n"))
    assert rows.get(store.db, "A").removed_at is None  # type: ignore[union-attr]
    result = import_customers(
        store, write(tmp_path / "3.csv", "id,name,schema\nB,Bo Chan,Person\n"), delete_missing=True
    )
    assert result.removed == 1
    a = rows.get(store.db, "A")
    assert a is not None and a.removed_at is not None
    assert [c.id for c in rows.current(store.db)] == ["B"]
    assert len(rows.revisions(store.db, "A")) == 1
    # Coming back revives it with a new revision.
    import_customers(store, write(tmp_path / "4.csv", "id,name,schema\nA,Ann Lee,Person\n"))
    a = rows.get(store.db, "A")
    assert a is not None and a.removed_at is None and a.revision == 2


def test_bad_rows_are_all_reported_and_nothing_is_applied(store: Store, tmp_path: Path) -> None:
    import_customers(store, write(tmp_path / "ok.csv", "id,name,schema\nA,Ann Lee,Person\n"))
    before = list(audit.entries(store.db))
    bad = write(
        tmp_path / "bad.csv",
        "id,name,schema,birth_date,country\n"
        "A,Ann Leigh,Person,,\n"  # a valid revision: must not be applied either
        "N,New Person,Person,,\n"
        ",No Id,Person,,\n"
        "X,,Person,,\n"
        "Y,Yan,Robot,,\n"
        "Z,Zed,Person,31/31/1999,\n"
        "W,Wu,Person,,Atlantis\n"
        "N,New Again,Person,,\n"
        "Q,???,Person,,\n",
    )
    with pytest.raises(RowsError) as caught:
        import_customers(store, bad)
    problems = {(p["line"], p["field"]) for p in caught.value.problems}
    assert problems == {
        (4, "id"),
        (5, "name"),
        (6, "schema"),
        (7, "birth_date"),
        (8, "country"),
        (9, "id"),
        (10, "name"),
    }
    assert caught.value.total == 7
    assert "bad.csv:4" in str(caught.value) and "nothing was imported" in str(caught.value)
    assert rows.get(store.db, "N") is None
    assert rows.get(store.db, "A").data["name"] == "Ann Lee"  # type: ignore[union-attr]
    assert list(audit.entries(store.db)) == before
    assert store.db.one("SELECT COUNT(*) FROM customer_imports") == (1,)


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", SourceError, "empty"),
        (b"name,schema\nAnn,Person\n", SourceError, "no 'id' column"),
        (b"id,name,schema\nA,Ann,Person,extra\n", ParseError, "columns"),
        (b"id,name,schema\nA,Ann \xff\xfe,Person\n", ParseError, "UTF-8"),
        (b"id,name,schema\n", ParseError, "no customer rows"),
    ],
)
def test_broken_files_are_refused_with_a_clear_error(
    store: Store, tmp_path: Path, content: bytes, error: type[Exception], message: str
) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        import_customers(store, path)
    assert store.db.one("SELECT COUNT(*) FROM customers") == (0,)


def test_broken_json_lines_name_the_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", '{"id": "a", "name": "Ann", "schema": "Person"}\n{"id": \n')
    with pytest.raises(ParseError, match=r"c\.jsonl:2"):
        import_customers(store, path)
    path = write(tmp_path / "d.jsonl", '["not", "an", "object"]\n')
    with pytest.raises(ParseError, match="JSON object"):
        import_customers(store, path)


def test_an_import_is_audited_with_the_file_digest(store: Store, tmp_path: Path) -> None:
    result = import_customers(
        store, write(tmp_path / "c.csv", "id,name,schema\nA,Ann Lee,Person\n"), user="ops"
    )
    [entry] = [e for e in audit.entries(store.db) if e.action == "customers.imported"]
    assert entry.actor == "ops" and entry.data["sha256"] == result.sha256
    assert entry.data["added"] == 1


def test_many_rows_import_in_one_transaction(store: Store, tmp_path: Path) -> None:
    lines = ["id,name,schema"] + [f"C{i},Person Number {i},Person" for i in range(5000)]
    path = write(tmp_path / "many.csv", "\n".join(lines) + "\n")
    seen: list[int] = []
    result = import_customers(store, path, progress=seen.append)
    assert result.added == 5000 and sum(seen) == 5000 and len(seen) == 5
    location = store.path if store.file is None else store.file
    store.close()
    with Store(location) as again:  # committed: another connection sees all of it
        assert again.db.one("SELECT COUNT(*) FROM customer_revisions") == (5000,)
