"""Every real list file in ../shared/data loads through the CLI, with the right counts."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sanctions.cli import app

runner = CliRunner()


def load(db: Path, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["load", *args, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_every_real_file_loads_and_lists_show_each_source(
    tmp_path: Path, data_dir: Path, fixtures_dir: Path
) -> None:
    db = tmp_path / "all.db"
    load(db, str(data_dir / "ofac"), str(data_dir / "un"))
    load(db, str(data_dir / "eu" / "journal_sanctions"))
    load(db, str(data_dir / "uk" / "ofsi_conlist_excerpt.csv"))
    load(db, str(data_dir / "us_csl" / "csl.csv"))
    load(db, str(data_dir / "opensanctions" / "t1.entities.ftm.json"))
    [zala] = load(db, str(data_dir / "opensanctions" / "zala.entities.ftm.json"))
    assert zala["version"] == 2  # a second publication of the same source
    load(db, str(data_dir / "opensanctions" / "us_congress_senzing.json"))
    load(db, str(fixtures_dir / "custom_csv" / "watchlist.csv"), "--source", "custom-internal")

    result = runner.invoke(app, ["lists", "--db", str(db), "--json"])
    lists = {row["source"]: row for row in json.loads(result.stdout)}
    counts = {source: row["schemas"] for source, row in lists.items()}
    assert counts["ofac-sdn"] == {
        "Airplane": 378,
        "Organization": 6033,
        "Person": 6646,
        "Vessel": 764,
    }
    assert lists["ofac-cons"]["entities"] == 442
    assert counts["un-sc"] == {"Organization": 273, "Person": 730}
    # EU journal: the README's schema counts, less 28 Asset rows and 2 persons printed twice.
    assert counts["eu-journal"] == {
        "Company": 196,
        "LegalEntity": 622 + 1085 + 88 + 53,
        "Person": 1984 + 262 - 2 + 268,
        "Vessel": 633,
    }
    assert counts["uk-ofsi"] == {"Organization": 9, "Person": 32}  # 77 name rows, 41 groups
    assert lists["us-csl"]["entities"] == 115
    assert counts["opensanctions"] == {"Company": 11, "Person": 6}  # zala, the active version
    assert counts["opensanctions-senzing"] == {"Person": 1317}
    assert lists["custom-internal"]["entities"] >= 1


def test_one_journal_act_loads_on_its_own(tmp_path: Path, data_dir: Path) -> None:
    [result] = load(tmp_path / "one.db", str(data_dir / "eu/journal_sanctions/32011R0359.csv"))
    assert result["source"] == "eu-journal" and result["entities"] == 268 + 53
