"""Customer imports (CSV, JSON Lines, Parquet) fed mutated customer files built from real
people of ../shared/data, imported into a real (in-memory) store, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fuzzing import Target, check_seeds, fuzz
from targets import CUSTOMERS

from sanctions.errors import ParseError
from sanctions.monitor.customers import import_customers
from sanctions.store import Store


@pytest.mark.parametrize("target", CUSTOMERS, ids=lambda t: t.name)
def test_customer_import_reads_or_refuses_mutated_files(target: Target) -> None:
    fuzz(target)


@pytest.mark.parametrize("target", CUSTOMERS, ids=lambda t: t.name)
def test_customer_seeds_import(target: Target) -> None:
    check_seeds(target)


# -- crashes the fuzzing found, as plain regression tests -----------------------------------
def test_parquet_customer_file_with_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """Found by fuzzing (RowReader, shared with batch files): a bare UnicodeDecodeError."""
    path = tmp_path / "customers.parquet"
    names = pa.array([b"Viktor Bout", b"JANAN \xa9AGHA"], pa.binary()).view(pa.string())
    table = pa.table({"id": ["C-1", "C-2"], "name": names, "schema": ["Person", "Person"]})
    pq.write_table(table, path)
    with Store(":memory:") as store, pytest.raises(ParseError, match="not valid UTF-8") as caught:
        import_customers(store, path)
    assert caught.value.path == str(path)


def test_json_lines_nested_too_deeply_are_refused_with_their_line(tmp_path: Path) -> None:
    """Found by fuzzing: json.loads raises RecursionError past ~1000 nested brackets."""
    path = tmp_path / "customers.jsonl"
    deep = "[" * 5000 + "]" * 5000
    path.write_text(
        '{"id": "C-1", "name": "Viktor Bout", "schema": "Person"}\n'
        f'{{"id": "C-2", "name": "Janan Agha", "schema": "Person", "aliases": {deep}}}\n'
    )
    with Store(":memory:") as store, pytest.raises(ParseError, match="nested too deeply") as caught:
        import_customers(store, path)
    assert (caught.value.path, caught.value.line) == (str(path), 2)
