"""Batch query files (CSV and Parquet) fed mutated files built from real people of
../shared/data, every row read as a query."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fuzzing import Target, check_seeds, fuzz
from targets import BATCH

from sanctions.batch.run import read_queries
from sanctions.errors import ParseError


@pytest.mark.parametrize("target", BATCH, ids=lambda t: t.name)
def test_batch_reader_reads_or_refuses_mutated_files(target: Target) -> None:
    fuzz(target)


@pytest.mark.parametrize("target", BATCH, ids=lambda t: t.name)
def test_batch_seeds_are_read(target: Target) -> None:
    check_seeds(target)


# -- crashes the fuzzing found, as plain regression tests -----------------------------------
def invalid_utf8_parquet(path: Path, column: str = "name") -> Path:
    """A Parquet file whose string column holds bytes that are not UTF-8 (a flipped byte)."""
    values = pa.array([b"Viktor Bout", b"JANAN \xa9AGHA"], pa.binary()).view(pa.string())
    pq.write_table(pa.table({column: values}), path)
    return path


def test_parquet_text_that_is_not_utf8_is_a_parse_error(tmp_path: Path) -> None:
    """Found by fuzzing: pyarrow decodes string cells in to_pylist, which raised a bare
    UnicodeDecodeError out of the reader."""
    path = invalid_utf8_parquet(tmp_path / "queries.parquet")
    with pytest.raises(ParseError, match="not valid UTF-8") as caught:
        list(read_queries(path))
    assert caught.value.path == str(path)


def test_parquet_column_name_that_is_not_utf8_is_a_parse_error(tmp_path: Path) -> None:
    """Found by fuzzing: pyarrow decodes the schema's column names lazily (schema_arrow), which
    raised a bare UnicodeDecodeError when the reader listed the columns."""
    out = io.BytesIO()
    table = pa.table({"name": ["Viktor Bout"], "countrX": ["ru"]})
    pq.write_table(table, out, store_schema=False)
    path = tmp_path / "queries.parquet"
    path.write_bytes(out.getvalue().replace(b"countrX", b"countr\xff"))
    with pytest.raises(ParseError, match="column name is not valid UTF-8") as caught:
        list(read_queries(path))
    assert caught.value.path == str(path)
