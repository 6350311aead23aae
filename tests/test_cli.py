"""The `sanctions` command end to end on the real list files, in a real SQLite store and a
real PostgreSQL database (`module_db_url`, `db_url`): same output, same ids on both."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctions.cli import app

runner = CliRunner()


def run(db: Path | str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)])
    return result.exit_code, result.stdout, result.stderr


def run_json(db: Path | str, *args: str) -> object:
    code, stdout, stderr = run(db, *args, "--json")
    assert code == 0, stderr
    return json.loads(stdout)


@pytest.fixture(scope="module")
def loaded_db(module_db_url: str, data_dir: Path) -> str:
    """A store holding the OFAC folder (SDN and consolidated sets) and the UN list."""
    db = module_db_url
    code, _, stderr = run(db, "load", str(data_dir / "ofac"), str(data_dir / "un"))
    assert code == 0, stderr
    return db


def test_load_real_lists_reports_counts_and_schemas(loaded_db: str) -> None:
    lists = {row["source"]: row for row in run_json(loaded_db, "lists")}  # type: ignore[union-attr]
    assert set(lists) == {"ofac-sdn", "ofac-cons", "un-sc"}
    sdn = lists["ofac-sdn"]
    assert sdn["entities"] == 13821
    assert sdn["schemas"] == {"Airplane": 378, "Organization": 6033, "Person": 6646, "Vessel": 764}
    assert sdn["version"] == 1 and sdn["published"] is None and len(sdn["sha256"]) == 64
    assert lists["ofac-cons"]["entities"] == 442
    un = lists["un-sc"]
    assert un["schemas"] == {"Organization": 273, "Person": 730}
    assert un["published"] == "2026-02-27"


def test_show_gives_ftm_json_and_a_card(loaded_db: str) -> None:
    entity = run_json(loaded_db, "show", "ofac-sdn:23252")
    assert isinstance(entity, dict)
    assert entity["id"] == "ofac-sdn:23252" and entity["schema"] == "Person"
    props = entity["properties"]
    assert props["name"] == ["GERTLER, Dan"]
    assert "1973-12-23" in props["birthDate"]
    assert set(props["nationality"]) == {"il", "cd"}
    assert "GLOMAG" in props["program"]
    assert all(isinstance(v, list) for v in props.values())
    code, card, _ = run(loaded_db, "show", "ofac-sdn:23252")
    assert code == 0 and "GERTLER, Dan" in card and "passport" in card


def test_show_unknown_entity_is_a_clear_error(loaded_db: str) -> None:
    code, stdout, stderr = run(loaded_db, "show", "ofac-sdn:999999999")
    assert code == 2 and stdout == ""
    assert "no entity 'ofac-sdn:999999999'" in stderr and "Traceback" not in stderr


def test_export_writes_every_entity_as_ftm_lines(loaded_db: str, tmp_path: Path) -> None:
    target = tmp_path / "un.ftm.json"
    code, _, stderr = run(loaded_db, "export", "un-sc", "--format", "ftm", "--output", str(target))
    assert code == 0, stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * 1003  # each entity, then its Sanction
    first, sanction = json.loads(lines[0]), json.loads(lines[1])
    assert set(first) >= {"id", "schema", "properties", "datasets"}
    # FtM ids allow no ':' (docs/formats.md, "Our FtM export")
    assert first["id"].startswith("un-sc.") and first["datasets"] == ["un-sc"]
    assert sanction["schema"] == "Sanction" and sanction["properties"]["entity"] == [first["id"]]


def test_reload_of_same_files_makes_no_new_version(loaded_db: str, data_dir: Path) -> None:
    [result] = run_json(loaded_db, "load", str(data_dir / "un" / "consolidated.xml"))  # type: ignore[misc]
    assert result["status"] == "unchanged" and result["version"] == 1


def test_newer_sdn_snapshot_reports_additions_and_removals(db_url: str, data_dir: Path) -> None:
    db = db_url
    run_json(db, "load", str(data_dir / "ofac" / "sdn.csv"))
    [result] = run_json(db, "load", str(data_dir / "ofac" / "snapshots" / "sdn_2024-05-03.csv"))  # type: ignore[misc]
    assert (result["source"], result["version"], result["entities"]) == ("ofac-sdn", 2, 14965)
    assert (result["added"], result["removed"]) == (1256, 112)
    diff = run_json(db, "changes", "ofac-sdn")
    assert isinstance(diff, dict)
    assert len(diff["added"]) == 1256 and len(diff["removed"]) == 112
    assert diff["changed"] and all(
        set(c) == {"id", "properties"} and c["properties"] for c in diff["changed"]
    )
    same = run_json(db, "changes", "ofac-sdn", "--from", "1", "--to", "2")
    assert same == diff
    code, _, stderr = run(db, "changes", "ofac-sdn", "--from", "7")
    assert code == 2 and "no version 7" in stderr


def test_ofac_folder_then_the_older_sdn_snapshot(db_url: str, data_dir: Path) -> None:
    """The real-data check of both backends: the OFAC folder, then the 2024-05-03 SDN file."""
    run_json(db_url, "load", str(data_dir / "ofac"))
    run_json(db_url, "load", str(data_dir / "ofac" / "snapshots" / "sdn_2024-05-03.csv"))
    diff = run_json(db_url, "changes", "ofac-sdn")
    assert isinstance(diff, dict) and (diff["from_version"], diff["to_version"]) == (1, 2)
    assert (len(diff["added"]), len(diff["removed"])) == (1256, 112)
    assert diff["added"] == sorted(diff["added"])  # code point order on both backends
    versions = {row["source"]: row["version"] for row in run_json(db_url, "lists")}  # type: ignore[union-attr]
    assert versions == {"ofac-sdn": 2, "ofac-cons": 1}


def test_screen_finds_the_listed_person_on_either_backend(loaded_db: str) -> None:
    code, stdout, stderr = run(loaded_db, "screen", "Dan Gertler", "--json")
    assert code == 1, stderr
    hits = json.loads(stdout)["hits"]
    assert hits and hits[0]["entity_id"] == "ofac-sdn:23252"


def test_both_backends_print_the_same_json(tmp_path: Path, pg_url: str, data_dir: Path) -> None:
    """The same loads on SQLite and PostgreSQL: the same lists, diff, entity and hits."""
    sqlite = str(tmp_path / "store.db")
    outputs = []
    for db in (sqlite, pg_url):
        run_json(db, "load", str(data_dir / "un" / "consolidated.xml"))
        lists = run_json(db, "lists")
        assert isinstance(lists, list)
        for row in lists:
            del row["loaded_at"], row["files"]
        outputs.append(
            (
                lists,
                run_json(db, "changes", "un-sc"),
                run_json(db, "show", "un-sc:QDi.001"),
                run(db, "screen", "Ayman al-Zawahiri", "--json")[:2],
            )
        )
    assert outputs[0] == outputs[1]


# -- bad input: exit 2, one line naming the file, and the store unchanged --------------------


def _truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    return dst


def _written(dst: Path, data: bytes) -> Path:
    dst.write_bytes(data)
    return dst


def _bad_byte(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    middle = data.index(b"\n", len(data) // 2) + 5
    dst.write_bytes(data[:middle] + b"\xff\xfe" + data[middle:])
    return dst


BAD_INPUTS = {
    "truncated-csv": lambda d, t: _truncated(d / "ofac" / "sdn.csv", t / "sdn.csv"),
    "truncated-xml": lambda d, t: _truncated(d / "un" / "consolidated.xml", t / "consolidated.xml"),
    "invalid-utf8-csv": lambda d, t: _bad_byte(d / "ofac" / "sdn.csv", t / "sdn.csv"),
    "utf16-csv": lambda d, t: _written(
        t / "sdn.csv", (d / "ofac" / "sdn.csv").read_text("ascii").encode("utf-16")
    ),
    "empty": lambda d, t: _written(t / "sdn.csv", b""),
    "doctype-xxe": lambda d, t: _written(
        t / "x.xml",
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        b"<CONSOLIDATED_LIST><INDIVIDUALS>&e;</INDIVIDUALS></CONSOLIDATED_LIST>\n",
    ),
    "entity-bomb": lambda d, t: _written(
        t / "bomb.xml",
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        b"<sdnList>&lol2;</sdnList>\n",
    ),
    "late-doctype": lambda d, t: _written(
        t / "late.xml",
        b'<?xml version="1.0"?>\n<!--' + b"x" * 70_000 + b"-->\n"
        b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        b"<CONSOLIDATED_LIST><INDIVIDUALS>&e;</INDIVIDUALS></CONSOLIDATED_LIST>\n",
    ),
    "unknown-json": lambda d, t: _written(t / "x.json", b'{"hello": "world"}\n'),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_and_changes_nothing(
    case: str, loaded_db: str, data_dir: Path, tmp_path: Path
) -> None:
    bad = Path(BAD_INPUTS[case](data_dir, tmp_path))
    before = run_json(loaded_db, "lists")
    code, stdout, stderr = run(loaded_db, "load", str(bad))
    assert code == 2, (stdout, stderr)
    message = stderr.strip()
    assert "\n" not in message and message.startswith("error:")
    assert str(bad) in message
    assert "Traceback" not in stderr
    assert run_json(loaded_db, "lists") == before


def test_missing_path_and_unknown_source_are_usage_errors(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "store.db"
    code, _, stderr = run(db, "load", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in stderr
    code, _, stderr = run(db, "load", str(data_dir / "ofac" / "sdn.csv"), "--source", "nosuch")
    assert code == 2 and "unknown source 'nosuch'" in stderr
    code, _, stderr = run(db, "load", str(data_dir / "ofac" / "sdn.csv"), "--source", "un-sc")
    assert code == 2 and "cannot hold source 'un-sc'" in stderr


def test_console_script_is_installed_and_exits_2_on_error(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "sanctions"
    proc = subprocess.run(
        [str(exe), "show", "un-sc:QDi.001", "--db", str(tmp_path / "s.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "no entity" in proc.stderr
