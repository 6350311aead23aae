"""`sanctions screen` and `sanctions compare` end to end: the real lists in a real SQLite store.

The store is loaded once for the module; the CLI keeps the index it builds while the store's
active versions are unchanged, so only the first screening test pays for building it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from sanctions.cli import app

runner = CliRunner()

HIT_HEADER = ["row", "query_id", "query_name", "entity_id", "schema", "matched_name", "score"]
HIT_HEADER += ["lists"]
GERTLER = "ofac-sdn:23252"  # "GERTLER, Dan", GLOMAG
ARTAVIL = "ofac-sdn:15036"  # a tanker
CLEAN_NAME = "Zebulon Quackenbush"


def run(db: Path | None, *args: str) -> tuple[int, str, str]:
    """Invoke the app in-process; `db` None for commands without a store (compare)."""
    result = runner.invoke(app, [*args, "--db", str(db)] if db else list(args))
    assert "Traceback" not in result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def run_json(db: Path | None, *args: str, expect: int) -> Any:
    code, stdout, stderr = run(db, *args, "--json")
    assert code == expect, (stdout, stderr)
    return json.loads(stdout)


def assert_one_line_error(stderr: str, *words: str) -> None:
    message = stderr.strip()
    assert message.startswith("error:") and "\n" not in message, stderr
    for word in words:
        assert word in message, (word, message)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A store holding the OFAC folder (SDN and consolidated sets) and the UN list."""
    path = tmp_path_factory.mktemp("screen") / "store.db"
    code, _, stderr = run(path, "load", str(data_dir / "ofac"), str(data_dir / "un"))
    assert code == 0, stderr
    return path


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# -- one name -----------------------------------------------------------------------------------
def test_listed_person_is_a_hit_and_exits_1(db: Path) -> None:
    result = run_json(db, "screen", "Dan Gertler", "--schema", "Person", expect=1)
    assert result["query"]["name"] == "Dan Gertler" and result["query"]["schema"] == "Person"
    assert isinstance(result["threshold"], float)
    assert result["lists"] == {"ofac-sdn": 1, "ofac-cons": 1, "un-sc": 1}
    top = result["hits"][0]
    assert top["entity_id"] == GERTLER and top["schema"] == "Person"
    assert top["matched_name"] == "GERTLER, Dan" and top["score"] >= result["threshold"]
    assert top["lists"] == ["ofac-sdn"]
    assert {"name", "features"} <= set(top["explanation"])


def test_query_fields_are_normalized_in_json(db: Path) -> None:
    result = run_json(
        db,
        "screen",
        "  Dan   Gertler ",
        "--birth-date",
        "23 Dec 1973",
        "--country",
        "Israel",
        "--gender",
        "M",
        expect=1,
    )
    assert result["query"] == {
        "name": "Dan Gertler",
        "schema": None,
        "birth_date": "1973-12-23",
        "country": "il",
        "gender": "male",
        "id_number": None,
    }
    assert result["hits"][0]["entity_id"] == GERTLER


def test_clean_name_exits_0_with_no_hits(db: Path) -> None:
    assert run_json(db, "screen", CLEAN_NAME, expect=0)["hits"] == []
    code, stdout, _ = run(db, "screen", CLEAN_NAME)
    assert code == 0 and "No hits" in stdout


def test_table_and_explain_show_the_aligned_tokens(db: Path) -> None:
    code, stdout, _ = run(db, "screen", "Dan Gertler", "--schema", "Person")
    assert code == 1 and GERTLER in stdout and "GERTLER, Dan" in stdout
    assert "→" not in stdout
    code, explained, _ = run(db, "screen", "Dan Gertler", "--schema", "Person", "--explain")
    assert code == 1
    assert "dan" in explained and "gertler" in explained and "→" in explained
    assert "exact" in explained and "features:" in explained


def test_a_person_query_never_hits_a_vessel(db: Path) -> None:
    anything = run_json(db, "screen", "ARTAVIL", expect=1)
    assert (ARTAVIL, "Vessel") in {(h["entity_id"], h["schema"]) for h in anything["hits"]}
    code, stdout, stderr = run(db, "screen", "ARTAVIL", "--schema", "Person", "--json")
    assert code in (0, 1), stderr
    schemas = {hit["schema"] for hit in json.loads(stdout)["hits"]}
    assert not schemas & {"Vessel", "Airplane"}


def test_mixed_script_name_is_screened(db: Path) -> None:
    result = run_json(db, "screen", "Vladimir Путин", expect=1)
    assert any("PUTIN" in hit["caption"] for hit in result["hits"])


@pytest.mark.parametrize(
    "name",
    ["", "   ", "x" * 10_000, "\x01\x02\x03", "\n\t"],
    ids=["empty", "whitespace", "10k-chars", "control-chars", "newline-tab"],
)
def test_unscreenable_names_exit_2_naming_the_field(db: Path, name: str) -> None:
    code, stdout, stderr = run(db, "screen", name)
    assert code == 2 and stdout == ""
    assert_one_line_error(stderr, "name:")


def test_markup_in_a_name_is_printed_literally(db: Path) -> None:
    code, stdout, stderr = run(db, "screen", "[bold]Dan[/bold] Gertler")
    assert code in (0, 1), stderr
    assert "[bold]" in stdout


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--schema", "Spaceship", "schema"),
        ("--birth-date", "yesterday", "birth_date"),
        ("--country", "Narnia", "country"),
        ("--gender", "unknown", "gender"),
        ("--lists", "nosuch", "lists"),
    ],
)
def test_bad_query_fields_exit_2_naming_the_field(
    db: Path, option: str, value: str, field: str
) -> None:
    code, stdout, stderr = run(db, "screen", "Dan Gertler", option, value)
    assert code == 2 and stdout == ""
    assert_one_line_error(stderr, f"{field}:", value)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), ["give a NAME"]),
        (("Dan", "--batch", "x.csv", "--output", "y.csv"), ["not both"]),
        (("--batch", "x.csv"), ["--output"]),
        (("Dan", "--output", "y.csv"), ["--output", "--batch"]),
        (("--batch", "x.csv", "--output", "y.csv", "--schema", "Person"), ["--schema"]),
    ],
)
def test_name_and_batch_are_exclusive(db: Path, args: tuple[str, ...], words: list[str]) -> None:
    code, _, stderr = run(db, "screen", *args)
    assert code == 2
    assert_one_line_error(stderr, *words)


def test_threshold_out_of_range_is_a_usage_error(db: Path) -> None:
    code, _, stderr = run(db, "screen", "Dan Gertler", "--threshold", "1.5")
    assert code == 2 and "--threshold" in stderr


def test_empty_store_says_to_load_first(tmp_path: Path) -> None:
    code, _, stderr = run(tmp_path / "empty.db", "screen", "Dan Gertler")
    assert code == 2
    assert_one_line_error(stderr, "no lists loaded", "sanctions load")


# -- batch --------------------------------------------------------------------------------------
QUERIES = [
    ["id", "name", "schema", "birth_date", "country"],
    ["c-01", "Dan Gertler", "Person", "1973", ""],
    ["c-02", CLEAN_NAME, "", "", ""],
    ["c-03", "", "", "", ""],
    ["c-04", "Maria Fernanda Oliveira", "Person", "", "br"],
    ["c-05", "ARTAVIL", "Vessel", "", ""],
    ["c-06", "Hendrik Jan Vermeulen", "", "", ""],
    ["c-07", "Vladimir Путин", "Person", "", ""],
    ["c-08", "Dan Gertler", "Person", "not a date", ""],
    ["c-09", "Anneliese Brunnhuber", "", "", "de"],
    ["c-10", "ARTAVIL", "Person", "", ""],
]


@pytest.fixture
def queries_csv(tmp_path: Path) -> Path:
    return _write_csv(tmp_path / "customers.csv", QUERIES)


def test_batch_writes_hits_with_input_row_numbers(db: Path, queries_csv: Path) -> None:
    output = queries_csv.with_name("hits.csv")
    summary = run_json(db, "screen", "--batch", str(queries_csv), "--output", str(output), expect=1)
    with output.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == HIT_HEADER
    hits = _read_csv(output)
    found = {(hit["row"], hit["query_id"], hit["entity_id"]) for hit in hits}
    assert ("1", "c-01", GERTLER) in found and ("5", "c-05", ARTAVIL) in found
    assert any(row == "7" and query_id == "c-07" for row, query_id, _ in found)
    assert not {"2", "3", "8", "10"} & {hit["row"] for hit in hits}
    assert all(len(hit["score"].split(".")[1]) == 4 for hit in hits)
    assert summary["rows"] == 10 and summary["hit_rows"] == len(hits)
    assert summary["queries_with_hits"] == len({hit["row"] for hit in hits})
    assert summary["error_count"] == 2
    errors = {e["row"]: e["message"] for e in summary["errors"]}
    assert errors[3].startswith("name:") and errors[8].startswith("birth_date:")
    assert summary["output"] == str(output) and summary["lists"]["ofac-sdn"] == 1


def test_batch_table_summary_lists_row_errors(db: Path, queries_csv: Path) -> None:
    output = queries_csv.with_name("hits.csv")
    code, stdout, _ = run(db, "screen", "--batch", str(queries_csv), "-o", str(output))
    assert code == 1
    assert "queries with hits" in stdout and "row 3: name:" in stdout
    assert "row 8: birth_date:" in stdout


def test_batch_parquet_in_and_out(db: Path, queries_csv: Path) -> None:
    columns = {name: [row[i] for row in QUERIES[1:]] for i, name in enumerate(QUERIES[0])}
    table = pa.table(columns)
    source = queries_csv.with_name("customers.parquet")
    pq.write_table(table, source)
    output = queries_csv.with_name("hits.parquet")
    run_json(db, "screen", "--batch", str(source), "--output", str(output), expect=1)
    as_csv = queries_csv.with_name("hits.csv")
    run_json(db, "screen", "--batch", str(queries_csv), "--output", str(as_csv), expect=1)
    hits = pq.read_table(output)
    assert hits.column_names == HIT_HEADER
    assert hits.schema.field("row").type == pa.int64()
    from_csv = [(int(h["row"]), h["entity_id"], float(h["score"])) for h in _read_csv(as_csv)]
    rows = zip(*(hits.column(c).to_pylist() for c in ("row", "entity_id", "score")), strict=True)
    assert list(rows) == from_csv


def test_batch_without_name_column_exits_2_and_writes_nothing(db: Path, tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "bad.csv", [["id", "full_name"], ["1", "Dan Gertler"]])
    output = tmp_path / "hits.csv"
    code, stdout, stderr = run(db, "screen", "--batch", str(source), "--output", str(output))
    assert code == 2 and stdout == ""
    assert_one_line_error(stderr, str(source), "'name'")
    assert not output.exists()


def test_batch_of_unscreenable_rows_only_exits_2(db: Path, tmp_path: Path) -> None:
    source = _write_csv(tmp_path / "q.csv", [["name"], [CLEAN_NAME], [""]])
    output = tmp_path / "hits.csv"
    code, stdout, stderr = run(db, "screen", "--batch", str(source), "--output", str(output))
    assert code == 2 and "row 2: name:" in stdout
    assert_one_line_error(stderr, "1 row could not be processed")
    assert _read_csv(output) == []


def test_batch_with_two_workers_gives_the_same_rows(db: Path, queries_csv: Path) -> None:
    outputs = {}
    for workers in ("1", "2"):
        output = queries_csv.with_name(f"hits-{workers}.csv")
        run_json(
            db,
            "screen",
            "--batch",
            str(queries_csv),
            "--output",
            str(output),
            "--workers",
            workers,
            expect=1,
        )
        outputs[workers] = output.read_text(encoding="utf-8")
    assert outputs["1"] == outputs["2"] and outputs["1"].count("\n") > 3


# -- compare ------------------------------------------------------------------------------------
def test_compare_prints_a_score_and_exits_0() -> None:
    result = run_json(
        None, "compare", "Dan Gertler", "GERTLER, Dan", "--schema", "Person", expect=0
    )
    assert result["score"] == 1.0 and result["match"] is True
    assert {pair["query"] for pair in result["pairs"]} == {"dan", "gertler"}
    far = run_json(None, "compare", "Dan Gertler", "Angela Merkel", expect=0)
    assert far["score"] < far["threshold"] and far["match"] is False
    code, stdout, _ = run(None, "compare", "Olaf Scholze", "Olaf Scholz")
    assert code == 0 and "score" in stdout and "olaf" in stdout and "→" in stdout


def test_compare_bad_input_exits_2() -> None:
    code, _, stderr = run(None, "compare", "", "Dan")
    assert code == 2
    assert_one_line_error(stderr, "name1:")
    code, _, stderr = run(None, "compare", "Dan")
    assert code == 2
    assert_one_line_error(stderr, "two names")


def test_compare_pairs_scores_row_for_row(data_dir: Path, tmp_path: Path) -> None:
    bench = data_dir / "pairs" / "nomenklatura_name_bench_cases.csv"
    with bench.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:6]  # header and five pairs
    source = _write_csv(tmp_path / "pairs.csv", rows)
    output = tmp_path / "scored.csv"
    options = ("--pairs", str(source), "--output", str(output), "--threshold", "0.7")
    summary = run_json(None, "compare", *options, expect=0)
    scored = _read_csv(output)
    assert list(scored[0]) == [*rows[0], "score", "match"]
    assert [[r[c] for c in rows[0]] for r in scored] == rows[1:]
    for row in scored:
        assert row["match"] == ("true" if float(row["score"]) >= 0.7 else "false")
    assert summary["rows"] == 5 and summary["error_count"] == 0
    assert summary["matches"] == sum(row["match"] == "true" for row in scored)
    for pair in scored[:2]:  # the listed names agree with `compare NAME NAME`
        names = (pair["name1"], pair["name2"])
        one = run_json(None, "compare", *names, "--schema", pair["schema"], expect=0)
        assert f"{one['score']:.4f}" == pair["score"]


# -- list filter (last: it replaces the cached index with a smaller one) ------------------------
def test_lists_option_restricts_the_sources(db: Path) -> None:
    result = run_json(db, "screen", "Dan Gertler", "--lists", "un-sc", expect=0)
    assert result["hits"] == [] and result["lists"] == {"un-sc": 1}
