"""The screening index saved beside the store: opened when it fits, rebuilt (atomically, with
the reason logged) when it is stale, truncated, altered or of another format."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sanctions.cli import app
from sanctions.ingest.load import load_paths
from sanctions.match.index import NameIndex
from sanctions.match.index_file import MAGIC, IndexFileError, read_arrays
from sanctions.screen import Query, Screener, persistent
from sanctions.store import Store

QUERIES = [
    "Kim Yong Chol",
    "Abu Mohammed al-Julani",
    "Jaish-e-Mohammed",
    "Mohammad Hassan Akhund",
    "Al Qaida",
    "Haji Muhammad Idris",
    "Tariq Anwar El Sayed Ahmed",
    "Patricia Lucas Wheeler",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A store with the real UN list and its saved index (built once, copied per test)."""
    folder = tmp_path_factory.mktemp("built")
    with Store(folder / "lists.db") as store:
        load_paths(store, [data_dir / "un"])
        Screener.from_store(store)
    return folder


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    for path in built.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path / "lists.db"


def open_screener(db: Path, caplog: pytest.LogCaptureFixture) -> tuple[Screener, list[str]]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sanctions.index"), Store(db) as store:
        screener = Screener.from_store(store)
    return screener, [r.getMessage() for r in caplog.records if r.name == "sanctions.index"]


def results(screener: Screener) -> list[list[tuple[str, float]]]:
    return [
        [(h.entity_id, h.score) for h in screener.screen(Query(q), threshold=0.5)] for q in QUERIES
    ]


def test_a_saved_index_screens_exactly_like_one_built_in_memory(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mapped, messages = open_screener(db, caplog)
    assert messages == []  # opened, not rebuilt
    with Store(db) as store:
        entities = [e for v in store.lists() for e in store.iter_entities(v.source, v.version)]
    in_memory = Screener.from_entities(entities)
    assert any(results(mapped))
    assert results(mapped) == results(in_memory)
    assert mapped.index.by_id.keys() == in_memory.index.by_id.keys()
    some = entities[17].id
    assert mapped.index.by_id[some].to_dict() == in_memory.index.by_id[some].to_dict()


def test_the_arrays_are_views_of_the_mapping_not_copies(db: Path) -> None:
    index = NameIndex.open(Path(str(db) + ".index"))
    assert not index.postings.flags.owndata
    assert not index.postings.flags.writeable
    assert len(index) > 900


def corrupt_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def corrupt_flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))


def corrupt_format(path: Path) -> None:
    data = path.read_bytes()
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "little")
    header = json.loads(data[len(MAGIC) + 8 : len(MAGIC) + 8 + length])
    header["format"] = 7
    new = json.dumps(header, sort_keys=True).encode().ljust(length)  # same length, same layout
    path.write_bytes(data[: len(MAGIC) + 8] + new + data[len(MAGIC) + 8 + length :])


def corrupt_garbage(path: Path) -> None:
    path.write_bytes(b"not an index at all\n" * 10)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (corrupt_truncate, "bytes, the header says"),
        (corrupt_flip_a_byte, "checksum mismatch"),
        (corrupt_format, "format 7, this version reads 1"),
        (corrupt_garbage, "not a sanctions index file"),
        (lambda path: path.unlink(), "no index file yet"),
    ],
)
def test_a_damaged_index_is_rebuilt_never_served(
    db: Path, caplog: pytest.LogCaptureFixture, damage: object, reason: str
) -> None:
    expected = results(open_screener(db, caplog)[0])
    index_file = Path(str(db) + ".index")
    damage(index_file)  # type: ignore[operator]
    with pytest.raises(IndexFileError):
        read_arrays(index_file)
    screener, messages = open_screener(db, caplog)
    assert len(messages) == 2 and reason in messages[0], messages
    assert results(screener) == expected
    read_arrays(index_file)  # the rebuilt file is whole again
    assert [p.name for p in db.parent.iterdir() if p.suffix == ".tmp"] == []


def test_a_new_list_version_makes_the_index_stale(
    db: Path, caplog: pytest.LogCaptureFixture, data_dir: Path
) -> None:
    before, _ = open_screener(db, caplog)
    assert before.screen(Query("Dan Gertler"), threshold=0.8) == []
    with Store(db) as store:
        load_paths(store, [data_dir / "ofac"])
    after, messages = open_screener(db, caplog)
    assert "the active list versions changed" in messages[0]
    assert any(h.entity_id.startswith("ofac-sdn:") for h in after.screen(Query("Dan Gertler")))
    assert open_screener(db, caplog)[1] == []  # and the new one is reused


def test_a_change_of_the_name_analysis_makes_the_index_stale(
    db: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persistent, "analysis_fingerprint", lambda: "another analysis")
    _, messages = open_screener(db, caplog)
    assert "another version of the name analysis" in messages[0]


def test_a_failed_write_keeps_the_previous_file(
    db: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_file = Path(str(db) + ".index")
    before = index_file.read_bytes()

    def disk_full(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sanctions.match.index_file.os.replace", disk_full)
    with Store(db) as store:
        screener = Screener.from_store(store, rebuild=True)  # screens from memory instead
    assert results(screener)
    assert index_file.read_bytes() == before
    assert [p.name for p in db.parent.iterdir() if p.suffix == ".tmp"] == []


def test_load_builds_the_index_so_the_next_screen_only_maps_it(
    tmp_path: Path, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["load", str(data_dir / "un"), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    index = NameIndex.open(Path(str(db) + ".index"))
    assert set(index.meta["versions"]) == {"un-sc"}
    _, messages = open_screener(db, caplog)
    assert messages == []


def test_an_in_memory_store_builds_without_a_file() -> None:
    with Store(":memory:") as store:
        assert persistent.index_path(store) is None
        assert len(persistent.open_index(store)) == 0


def test_the_mask_limits_schemas_and_sources(db: Path) -> None:
    index = NameIndex.open(Path(str(db) + ".index"))
    people = index.entity_mask(["Person"], None)
    assert people.sum() == sum(1 for e in index.entities if e.schema == "Person")
    assert not index.entity_mask(None, ["ofac-sdn"]).any()
    assert np.array_equal(index.entity_mask(None, ["un-sc"]), np.ones(len(index), dtype=bool))
