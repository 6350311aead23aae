"""`sanctions evaluate` end to end on a real store: JSON keys, the HTML report, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sanctions.cli import app

runner = CliRunner()
GERTLER = "ofac-sdn:23252"
HOSTILE = "<img src=x onerror=alert(1)>"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["evaluate", *args, "--db", str(db)])
    assert "Traceback" not in result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_json_has_the_stable_keys(eval_db: Path) -> None:
    code, stdout, stderr = run(eval_db, "--json", "--sample", "5", "--seed", "2")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert list(data) == [
        "evaluated_at", "source", "lists", "seed", "sample", "settings", "threshold", "counts",
        "recall", "categories", "false_alerts", "sweep", "best_threshold", "misses",
        "false_alert_examples",
    ]  # fmt: skip
    assert data["lists"] == {"ofac-sdn": 1, "ofac-cons": 1, "un-sc": 1}
    assert data["counts"]["variants"] == 5 * len(data["categories"]) == 70
    assert data["counts"]["clean"] == 140 and data["sample"] == 5
    assert list(data["sweep"][0]) == ["threshold", "recall", "clean_per_1000", "lookalike_per_1000"]
    assert data["best_threshold"]["rule"]


def test_report_has_the_category_table_and_escapes_names(eval_db: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "mine.csv"
    labelled.write_text(
        f'name,expected,category\n"{HOSTILE}",{GERTLER},hostile\nDan Gertler,{GERTLER},plain\n',
        encoding="utf-8",
    )
    report = tmp_path / "report.html"
    code, stdout, stderr = run(eval_db, "--labelled", str(labelled), "--report", str(report))
    assert code == 0, stderr
    html = report.read_text(encoding="utf-8")
    assert '<table class="categories">' in html and "<td>hostile</td>" in html
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "ofac-sdn version 1" in html and "<svg" in html
    assert "hostile" in stdout and "Threshold sweep" in stdout


def test_a_bad_labelled_file_exits_2_naming_file_line_and_field(
    eval_db: Path, tmp_path: Path
) -> None:
    labelled = tmp_path / "bad.csv"
    labelled.write_text(f"name,expected\nDan Gertler,{GERTLER}\n,{GERTLER}\n", encoding="utf-8")
    code, _, stderr = run(eval_db, "--labelled", str(labelled))
    assert code == 2
    message = stderr.strip()
    assert message.startswith("error:") and "\n" not in message
    assert f"{labelled}:3" in message and "field name" in message


def test_a_labelled_file_can_be_limited_to_some_lists(eval_db: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "mine.csv"
    labelled.write_text(f"name,expected\nDan Gertler,{GERTLER}\nJohn Smith Baker,\n", "utf-8")
    code, stdout, stderr = run(
        eval_db, "--labelled", str(labelled), "--lists", "ofac-sdn", "--json"
    )
    assert code == 0, stderr
    data = json.loads(stdout)
    assert data["lists"] == {"ofac-sdn": 1}
    assert data["recall"]["value"] == 1.0
    # Gertler is not on the UN list: naming him as expected there is the file's error
    code, _, stderr = run(eval_db, "--labelled", str(labelled), "--lists", "un-sc")
    assert code == 2
    assert f"{labelled}:2" in stderr and "lists screened" in stderr
