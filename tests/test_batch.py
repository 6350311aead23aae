"""Batch I/O: reading query files, writing hits atomically, screening and comparing files.

These use a small screener built from hand-made entities; the real lists are exercised
through the CLI in test_cli_screen.py.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sanctions.batch import (
    HIT_COLUMNS,
    MAX_KEPT_ERRORS,
    HitWriter,
    compare_file,
    inspect_queries,
    read_queries,
    screen_file,
)
from sanctions.batch import files as tabular
from sanctions.errors import ParseError, SourceError, UsageError
from sanctions.model import Entity, NameKind
from sanctions.screen import Hit, Query, Screener


def _csv(path: Path, text: str, *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _entity(entity_id: str, schema: str, name: str) -> Entity:
    entity = Entity(entity_id, schema, datasets=[entity_id.split(":")[0]])
    entity.add_name(name, NameKind.PRIMARY)
    return entity


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_entities(
        [
            _entity("ofac-sdn:23252", "Person", "GERTLER, Dan"),
            _entity("un-sc:QDi.001", "Organization", "Al-Qaida"),
            _entity("ofac-sdn:15036", "Vessel", "ARTAVIL"),
        ]
    )


# -- read_queries -------------------------------------------------------------------------------
def test_reads_bom_and_case_insensitive_stripped_headers(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "q.csv",
        " Name ,ID,SCHEMA,Birth_Date,country,ID_NUMBER,Gender,notes\r\n"
        "Dan Gertler,c-1,Person,1973-12-23,IL,10945182,male,vip\r\n"
        "Someone Else,,,,,,,\r\n",
        bom=True,
    )
    rows = list(read_queries(path))
    assert rows == [
        (1, Query("Dan Gertler", "Person", "1973-12-23", "IL", "male", "10945182", "c-1")),
        (2, Query("Someone Else")),
    ]


def test_empty_name_is_yielded_for_the_screener_to_reject(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", "id,name\n1,\n2,  \n3,Ok Name\n")
    assert [(row, q.name.strip(), q.id) for row, q in read_queries(path)] == [
        (1, "", "1"),
        (2, "", "2"),
        (3, "Ok Name", "3"),
    ]


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", 'name,id\n"Multi\nLine Name",a\n\nSecond,b\n')
    assert [(row, q.id) for row, q in read_queries(path)] == [(1, "a"), (2, "b")]


def test_missing_name_column_names_the_file_and_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", "id,full_name\n1,Dan Gertler\n")
    with pytest.raises(SourceError) as caught:
        list(read_queries(path))
    assert str(path) in str(caught.value) and "'name' column" in str(caught.value)
    with pytest.raises(SourceError):
        inspect_queries(path)


def test_missing_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        list(read_queries(tmp_path / "absent.csv"))
    empty = _csv(tmp_path / "empty.csv", "")
    with pytest.raises(SourceError, match="is empty"):
        list(read_queries(empty))


def test_invalid_utf8_is_a_parse_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b"name,id\nGood,1\nBad \xff\xfe name,2\nLater,3\n")
    rows = read_queries(path)
    assert next(rows)[1].name == "Good"
    with pytest.raises(ParseError) as caught:
        next(rows)
    assert caught.value.line == 3 and caught.value.path == str(path)
    assert f"{path}:3" in str(caught.value) and "UTF-8" in str(caught.value)


def test_wrong_column_count_is_a_parse_error_with_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", "name,id\nA,1\nB,2,extra\n")
    with pytest.raises(ParseError) as caught:
        list(read_queries(path))
    assert caught.value.line == 3 and "3 columns" in str(caught.value)


def test_parquet_is_read_in_bounded_batches_with_typed_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 2_500
    table = pa.table(
        {
            "Name": [f"Person {i}" for i in range(count)],
            "id": pa.array(range(count), type=pa.int64()),
            "birth_date": [dt.date(1970, 1, 1 + i % 28) for i in range(count)],
        }
    )
    path = tmp_path / "q.parquet"
    pq.write_table(table, path, row_group_size=700)
    monkeypatch.setattr(tabular, "BATCH_ROWS", 1_000)
    sizes: list[int] = []
    original = pq.ParquetFile.iter_batches

    def spy(self: pq.ParquetFile, *args: Any, **kwargs: Any) -> Iterator[pa.RecordBatch]:
        for batch in original(self, *args, **kwargs):
            sizes.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    rows = read_queries(path)
    first = next(rows)
    assert first == (1, Query("Person 0", birth_date="1970-01-01", id="0"))
    assert len(sizes) == 1  # streaming: one batch read so far, not the whole file
    rest = list(rows)
    assert len(rest) == count - 1 and rest[-1][0] == count and rest[-1][1].id == str(count - 1)
    assert max(sizes) <= 1_000 and sum(sizes) == count
    assert inspect_queries(path) == count


def test_unreadable_parquet_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "q.parquet"
    path.write_bytes(b"name\nnot parquet at all\n")
    with pytest.raises(ParseError, match="Parquet") as caught:
        list(read_queries(path))
    assert str(path) in str(caught.value)


# -- HitWriter ----------------------------------------------------------------------------------
def _hit(entity_id: str, score: float, lists: list[str]) -> Hit:
    return Hit(
        entity_id, "Person", "CAPTION", score, "dan gertler", "GERTLER, Dan", "primary", lists
    )


def test_hit_writer_writes_exact_columns_one_row_per_hit(tmp_path: Path) -> None:
    target = tmp_path / "hits.csv"
    with HitWriter(target) as writer:
        writer.write(1, Query("dan gertler", id="c-1"), [_hit("ofac-sdn:1", 0.912345, ["a", "b"])])
        writer.write(2, Query("nobody"), [])
        writer.write(3, Query("x"), [_hit("x:1", 1.0, ["a"]), _hit("x:2", 0.8, ["a"])])
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(name for name, _ in HIT_COLUMNS)
    assert lines[0] == "row,query_id,query_name,entity_id,schema,matched_name,score,lists"
    assert lines[1] == '1,c-1,dan gertler,ofac-sdn:1,Person,"GERTLER, Dan",0.9123,a;b'
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "3", "3"]


def test_hit_writer_leaves_no_file_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "hits.csv"
    with pytest.raises(RuntimeError), HitWriter(target) as writer:
        writer.write(1, Query("a"), [_hit("x:1", 0.9, ["x"])])
        raise RuntimeError("boom")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone too


def test_hit_writer_keeps_the_previous_output_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "hits.parquet"
    target.write_bytes(b"previous run")
    with pytest.raises(RuntimeError), HitWriter(target):
        raise RuntimeError("boom")
    assert target.read_bytes() == b"previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["hits.parquet"]


def test_hit_writer_parquet_in_several_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "BATCH_ROWS", 7)
    target = tmp_path / "hits.pq"
    with HitWriter(target) as writer:
        for row in range(1, 31):
            writer.write(row, Query("q", id=str(row)), [_hit(f"x:{row}", 0.123456, ["x", "y"])])
    table = pq.read_table(target)
    assert table.column_names == [name for name, _ in HIT_COLUMNS]
    assert table.schema.field("row").type == pa.int64()
    assert table.column("row").to_pylist() == list(range(1, 31))
    assert set(table.column("score").to_pylist()) == {0.1235}
    assert table.column("lists").to_pylist()[0] == "x;y"


def test_hit_writer_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"), HitWriter(tmp_path / "no" / "h.csv"):
        pass


# -- screen_file --------------------------------------------------------------------------------
def test_screen_file_keeps_row_numbers_and_reports_bad_rows(
    screener: Screener, tmp_path: Path
) -> None:
    source = _csv(
        tmp_path / "q.csv",
        "id,name,schema\n"
        "a,Dan Gertler,Person\n"
        "b,,\n"
        "c,Jane Doe,\n"
        "d,Artavil,Person\n"
        "e,Artavil,\n"
        "f,Dan Gertler,Spaceship\n",
    )
    progress: list[int] = []
    summary = screen_file(screener, source, tmp_path / "hits.csv", on_progress=progress.append)
    hits = _read_csv(tmp_path / "hits.csv")
    assert [(h["row"], h["query_id"], h["entity_id"]) for h in hits] == [
        ("1", "a", "ofac-sdn:23252"),
        ("5", "e", "ofac-sdn:15036"),  # the Person query in row 4 found no vessel
    ]
    assert (summary.rows, summary.queries_with_hits, summary.hit_rows) == (6, 2, 2)
    assert summary.error_count == 2
    assert [row for row, _ in summary.errors] == [2, 6]
    assert summary.errors[0][1].startswith("name:") and "schema" in summary.errors[1][1]
    assert progress == [1, 2, 3, 4, 5, 6]


def test_screen_file_keeps_the_first_errors_and_counts_all(
    screener: Screener, tmp_path: Path
) -> None:
    source = _csv(tmp_path / "q.csv", "name\n" + "\n".join(['""'] * 150) + "\n")
    summary = screen_file(screener, source, tmp_path / "hits.csv")
    assert summary.rows == 150 and summary.error_count == 150
    assert len(summary.errors) == MAX_KEPT_ERRORS and summary.errors[-1][0] == MAX_KEPT_ERRORS
    assert summary.to_json()["error_count"] == 150


def test_screen_file_broken_input_leaves_no_output(screener: Screener, tmp_path: Path) -> None:
    source = tmp_path / "q.csv"
    source.write_bytes(b"name\nDan Gertler\n\xff\n")
    with pytest.raises(ParseError):
        screen_file(screener, source, tmp_path / "hits.csv")
    assert not (tmp_path / "hits.csv").exists()


def test_screen_file_refuses_to_overwrite_its_input(screener: Screener, tmp_path: Path) -> None:
    source = _csv(tmp_path / "q.csv", "name\nDan Gertler\n")
    with pytest.raises(UsageError, match="overwrite the input"):
        screen_file(screener, source, source)
    assert source.read_text() == "name\nDan Gertler\n"


# -- compare_file -------------------------------------------------------------------------------
def test_compare_file_adds_score_and_match_row_for_row(tmp_path: Path) -> None:
    source = _csv(
        tmp_path / "pairs.csv",
        "case,Name1,name2,schema\n"
        '1,Dan Gertler,"GERTLER, Dan",Person\n'
        "2,Dan Gertler,Angela Merkel,Person\n"
        "3,,Someone,\n"
        "4,Acme,Acme,Planet\n",
    )
    summary = compare_file(source, tmp_path / "scored.csv", threshold=0.8)
    rows = _read_csv(tmp_path / "scored.csv")
    assert list(rows[0]) == ["case", "Name1", "name2", "schema", "score", "match"]
    assert [(r["case"], r["score"], r["match"]) for r in rows] == [
        ("1", "1.0000", "true"),
        ("2", rows[1]["score"], "false"),
        ("3", "", ""),
        ("4", "", ""),
    ]
    assert float(rows[1]["score"]) < 0.8 and len(rows[1]["score"]) == 6
    assert (summary.rows, summary.matches, summary.error_count) == (4, 1, 2)
    assert summary.errors[0] == (3, "name1: name is empty")


def test_compare_file_parquet_both_ways(tmp_path: Path) -> None:
    source = tmp_path / "pairs.parquet"
    pq.write_table(pa.table({"name1": ["Olaf Scholze"], "name2": ["Olaf Scholz"]}), source)
    compare_file(source, tmp_path / "scored.parquet")
    table = pq.read_table(tmp_path / "scored.parquet")
    assert table.column_names == ["name1", "name2", "score", "match"]
    assert table.schema.field("match").type == pa.bool_()


def test_compare_file_refuses_an_existing_score_column(tmp_path: Path) -> None:
    source = _csv(tmp_path / "pairs.csv", "name1,name2,Score\na,b,0.5\n")
    with pytest.raises(SourceError, match="'score' column"):
        compare_file(source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
