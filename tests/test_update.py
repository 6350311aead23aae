"""`sanctions update` end to end: a real loopback server serving the real list files.

A module-scoped baseline store holds the first update of all three sources; each test works
on a copy of it, so only the first test pays for loading the full SDN list.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loopback import ListServer
from sanctions.cli import app
from sanctions.cli import sources as cli_sources
from sanctions.ingest.update import RunResult, run_every, run_update
from sanctions.settings import FetchSettings, Settings
from sanctions.sources.registry import SOURCES
from sanctions.store import Store
from sanctions.store.fetch_state import FetchState

OFFICIAL = {
    "sdn.csv": "ofac/sdn.csv",
    "add.csv": "ofac/add.csv",
    "alt.csv": "ofac/alt.csv",
    "sdn_comments.csv": "ofac/sdn_comments.csv",
    "cons_prim.csv": "ofac/cons_prim.csv",
    "cons_add.csv": "ofac/cons_add.csv",
    "cons_alt.csv": "ofac/cons_alt.csv",
    "cons_comments.csv": "ofac/cons_comments.csv",
    "consolidated.xml": "un/consolidated.xml",
}
ALL = [SOURCES[name] for name in ("ofac-sdn", "ofac-cons", "un-sc")]
FAST = FetchSettings(connect_timeout=2, read_timeout=2, retries=3, backoff=0.01, max_backoff=0.02)


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[ListServer]:
    srv = ListServer().start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def official_files(request: pytest.FixtureRequest, data_dir: Path) -> None:
    """Every test starts with the server serving the official files, no faults, empty log."""
    if "server" not in request.fixturenames:
        return
    srv: ListServer = request.getfixturevalue("server")
    srv.reset()
    srv.files = {name: (data_dir / path).read_bytes() for name, path in OFFICIAL.items()}


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("archive")


def settings(server: ListServer, archive_dir: Path, **fetch: float) -> Settings:
    options = {**FAST.__dict__, **fetch}
    return Settings(FetchSettings(**options), mirror=server.base, archive=archive_dir)


def update(db: Path, settings: Settings, sources: list[str] | None = None) -> RunResult:
    infos = [SOURCES[s] for s in sources] if sources else ALL
    with Store(db) as store:
        return run_update(store, settings, infos, archive_dir=settings.archive_dir(db))


def by_source(result: RunResult) -> dict[str, dict]:
    return {r.source: r.to_json() for r in result.results}


@pytest.fixture(scope="module")
def baseline(
    tmp_path_factory: pytest.TempPathFactory, server: ListServer, archive_dir: Path, data_dir: Path
) -> tuple[Path, RunResult]:
    server.reset()
    server.files = {name: (data_dir / path).read_bytes() for name, path in OFFICIAL.items()}
    db = tmp_path_factory.mktemp("baseline") / "store.db"
    return db, update(db, settings(server, archive_dir))


@pytest.fixture
def db(baseline: tuple[Path, RunResult], tmp_path: Path) -> Path:
    copy = tmp_path / "store.db"
    shutil.copyfile(baseline[0], copy)
    return copy


def test_fresh_update_loads_every_source(
    baseline: tuple[Path, RunResult], archive_dir: Path
) -> None:
    db, result = baseline
    assert result.ok
    got = by_source(result)
    assert {s: (r["status"], r["version"], r["entities"]) for s, r in got.items()} == {
        "ofac-sdn": ("loaded", 1, 13821),
        "ofac-cons": ("loaded", 1, 442),
        "un-sc": ("loaded", 1, 1003),
    }
    assert [f["name"] for f in got["ofac-sdn"]["files"]] == [
        "sdn.csv",
        "add.csv",
        "alt.csv",
        "sdn_comments.csv",
    ]
    for record in [f for r in got.values() for f in r["files"]]:
        assert record["status"] == "downloaded"
        assert record["archived"] == str(archive_dir / record["sha256"][:2] / record["sha256"])
    with Store(db) as store:
        [sdn] = [v for v in store.lists() if v.source == "ofac-sdn"]
        assert sdn.files == [f["archived"] for f in got["ofac-sdn"]["files"]]  # provenance
        state = FetchState(store)
        sdn_csv = state.file("ofac-sdn", got["ofac-sdn"]["files"][0]["url"])
        assert sdn_csv is not None and sdn_csv.etag and sdn_csv.last_modified
        un = state.source("un-sc")
        assert un is not None and un.last_status == "loaded" and un.last_error is None
        assert un.sha256 == got["un-sc"]["sha256"]
        assert un.last_attempt and un.last_success and un.last_success >= un.last_attempt


def test_unchanged_files_are_asked_for_conditionally_and_make_no_version(
    db: Path, server: ListServer, archive_dir: Path
) -> None:
    result = update(db, settings(server, archive_dir))
    assert result.ok
    assert {r.source: (r.status, r.version) for r in result.results} == {
        "ofac-sdn": ("unchanged", 1),
        "ofac-cons": ("unchanged", 1),
        "un-sc": ("unchanged", 1),
    }
    assert len(server.requests) == 9
    assert all(r.conditional and r.status == 304 for r in server.requests)
    assert all(f.status == "not-modified" for r in result.results for f in r.files)
    with Store(db) as store:
        assert all(len(store.versions(s.name)) == 1 for s in ALL)


def test_changed_file_becomes_a_new_version(
    db: Path, server: ListServer, archive_dir: Path, data_dir: Path
) -> None:
    server.files["sdn.csv"] = (data_dir / "ofac/snapshots/sdn_2024-05-03.csv").read_bytes()
    result = update(db, settings(server, archive_dir))
    sdn = by_source(result)["ofac-sdn"]
    assert (sdn["status"], sdn["version"], sdn["added"], sdn["removed"]) == ("loaded", 2, 1256, 112)
    assert sdn["entities"] == 14965
    assert [f["status"] for f in sdn["files"]] == [
        "downloaded",
        "not-modified",
        "not-modified",
        "not-modified",
    ]
    assert by_source(result)["un-sc"]["status"] == "unchanged"
    # The new file's validators were kept: the next run is all 304s again.
    server.reset()
    again = update(db, settings(server, archive_dir), ["ofac-sdn"])
    assert by_source(again)["ofac-sdn"]["status"] == "unchanged"
    assert [r.status for r in server.requests] == [304] * 4


def test_a_file_cut_at_a_row_boundary_is_refused_as_a_shrunken_list(
    db: Path, server: ListServer, archive_dir: Path
) -> None:
    # A server that drops the connection without a Content-Length can hand over a CSV cut
    # cleanly between two rows: it parses, but would delete most of the list.
    full = server.files["sdn.csv"]
    cut = full[: full.index(b"\n", len(full) // 10) + 1]
    server.files["sdn.csv"] = cut
    result = update(db, settings(server, archive_dir), ["ofac-sdn"])
    sdn = by_source(result)["ofac-sdn"]
    assert sdn["status"] == "failed" and "refused as a likely truncated file" in sdn["error"]
    with Store(db) as store:
        assert [v.version for v in store.versions("ofac-sdn")] == [1]
        active = {v.source: v.entities for v in store.lists()}
        assert active["ofac-sdn"] == 13821


FAULTS = {
    "500": ("HTTP 500 Internal Server Error (after 3 attempts)", 3),
    "slow": ("read timed out (after 3 attempts)", 3),
    "truncated": ("connection failed: peer closed connection", 3),
    "cut": ("malformed CSV (unexpected end of data)", 1),  # whole HTTP body, broken CSV
    "html": ("got an HTML page, not ofac-csv", 1),
    "huge": ("over the size limit of 3,145,728 bytes (download aborted)", 1),
    "huge-declared": ("over the size limit of 3,145,728 bytes (the server announces", 1),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failing_source_keeps_its_version_while_the_others_update(
    fault: str, db: Path, server: ListServer, archive_dir: Path, data_dir: Path
) -> None:
    with Store(db) as store:
        before = {v.source: v for v in store.lists()}
        success_before = FetchState(store).source("ofac-cons").last_success  # type: ignore[union-attr]
    server.fault("cons_prim.csv", fault)
    server.slow_seconds = 1.0
    # Meanwhile the UN publishes a new list: it must still be loaded.
    server.files["consolidated.xml"] = (
        data_dir / "un/snapshots/consolidated_2018-10-29.xml"
    ).read_bytes()
    # A short read timeout only where it is the point, so a busy machine cannot trip it.
    options = {"read_timeout": 0.3 if fault == "slow" else 2, "max_bytes": 3 * 1024 * 1024}
    result = update(db, settings(server, archive_dir, **options))

    assert not result.ok
    got = by_source(result)
    cons = got["ofac-cons"]
    expected, attempts = FAULTS[fault]
    url = server.url("cons_prim.csv")
    assert cons["status"] == "failed" and cons["error"].startswith(url)
    assert expected in cons["error"], cons["error"]
    assert (cons["version"], cons["entities"]) == (1, 442)  # still the active version
    assert len(server.of("cons_prim.csv")) == attempts
    assert (got["un-sc"]["status"], got["un-sc"]["version"]) == ("loaded", 2)
    assert got["ofac-sdn"]["status"] == "unchanged"
    with Store(db) as store:
        after = {v.source: v for v in store.lists()}
        assert after["ofac-cons"] == before["ofac-cons"]
        assert [v.version for v in store.versions("ofac-cons")] == [1]
        state = FetchState(store).source("ofac-cons")
        assert state is not None and state.last_status == "failed"
        assert state.last_error == cons["error"] and state.last_success == success_before

    # Once the server is well again, the kept validators make it a plain 304.
    server.reset()
    healed = update(db, settings(server, archive_dir), ["ofac-cons"])
    assert by_source(healed)["ofac-cons"]["status"] == "unchanged"
    assert [r.status for r in server.of("cons_prim.csv")] == [304]


def test_a_file_of_the_wrong_format_is_refused_before_loading(
    db: Path, server: ListServer, archive_dir: Path
) -> None:
    server.files["consolidated.xml"] = server.files["cons_prim.csv"]
    result = update(db, settings(server, archive_dir), ["un-sc"])
    [un] = result.results
    assert un.status == "failed" and un.version == 1
    assert un.error == f"{server.url('consolidated.xml')}: got ofac-csv, not un-xml"


# -- mirrors, the CLI, the loop -----------------------------------------------------------


@pytest.fixture
def mirror(tmp_path: Path, data_dir: Path, fixtures_dir: Path) -> Path:
    """An offline mirror folder holding a file for every registered source: the real files
    where shared/data has them (the SDN set as the 17-entry mini list, to stay fast), the
    hand-written fixtures for the EU FSF and FCDO formats, of which no real file exists here."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copyfile(data_dir / "ofac/mini" / name, folder / name)
    for name in ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"):
        shutil.copyfile(data_dir / "ofac" / name, folder / name)
    shutil.copyfile(data_dir / "un/consolidated.xml", folder / "consolidated.xml")
    for act in data_dir.glob("eu/journal_sanctions/*.csv"):
        shutil.copyfile(act, folder / act.name)
    shutil.copyfile(data_dir / "uk/ofsi_conlist_excerpt.csv", folder / "ConList.csv")
    shutil.copyfile(data_dir / "us_csl/csl.csv", folder / "consolidated.csv")
    shutil.copyfile(data_dir / "opensanctions/zala.entities.ftm.json", folder / "entities.ftm.json")
    shutil.copyfile(data_dir / "opensanctions/us_congress_senzing.json", folder / "senzing.json")
    shutil.copyfile(fixtures_dir / "eu_fsf/fsf_sample.xml", folder / "xmlFullSanctionsList_1_1.xml")
    shutil.copyfile(
        fixtures_dir / "uk_fcdo/UK_Sanctions_List.xml", folder / "UK-Sanctions-List.xml"
    )
    return folder


runner = CliRunner()


def cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    base = {"SANCTIONS_CONFIG": "", "SANCTIONS_ARCHIVE": "", "SANCTIONS_MIRROR": ""}
    base["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")  # never the developer's own config file
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "cli.db")], env=base | (env or {}))
    return result.exit_code, result.stdout, result.stderr


def test_mirror_folder_updates_offline(tmp_path: Path, mirror: Path) -> None:
    env = {"SANCTIONS_MIRROR": str(mirror)}
    code, stdout, stderr = cli(tmp_path, "update", *SOURCES, "--json", env=env)
    assert code == 0, stderr
    run = json.loads(stdout)
    assert set(run) == {"started", "finished", "ok", "results"} and run["ok"] is True
    results = {r["source"]: r for r in run["results"]}
    assert {s: (r["status"], r["entities"]) for s, r in results.items()} == {
        "ofac-sdn": ("loaded", 17),
        "ofac-cons": ("loaded", 442),
        "un-sc": ("loaded", 1003),
        "eu-fsf": ("loaded", 6),
        "eu-journal": ("loaded", 5189),
        "uk-ofsi": ("loaded", 41),
        "uk-fcdo": ("loaded", 5),
        "us-csl": ("loaded", 115),
        "opensanctions": ("loaded", 17),
        "opensanctions-senzing": ("loaded", 1317),
    }
    assert results["un-sc"]["files"][0]["url"] == str(mirror / "consolidated.xml")
    assert (tmp_path / "archive").is_dir()  # beside the store by default
    # A plain update leaves out the derived, licence-restricted OpenSanctions collections.
    code, stdout, _ = cli(tmp_path, "update", "--json", env=env)
    plain = {r["source"]: r["status"] for r in json.loads(stdout)["results"]}
    assert code == 0 and set(plain) == {
        name for name, info in SOURCES.items() if info.default
    } == set(SOURCES) - {"eu-journal", "opensanctions", "opensanctions-senzing"}
    assert set(plain.values()) == {"unchanged"}
    code, stdout, _ = cli(tmp_path, "update", "un-sc", "--json", env=env)
    assert code == 0 and json.loads(stdout)["results"][0]["status"] == "unchanged"
    (mirror / "consolidated.xml").unlink()
    code, stdout, stderr = cli(tmp_path, "update", "un-sc", env=env)
    assert code == 2 and "failed" in stdout
    assert f"un-sc: {mirror / 'consolidated.xml'}: no such file" in " ".join(stderr.split())


def test_cli_exit_codes_json_and_sources(tmp_path: Path, server: ListServer) -> None:
    config = tmp_path / "config.toml"
    urls = ", ".join(f'"{n}" = "{server.url(n)}"' for n, _ in SOURCES["ofac-cons"].downloads)
    # Every other source is switched off: a test never reaches a publisher's real address.
    disabled = "".join(
        f"[sources.{name}]\nenabled = false\n"
        for name in SOURCES
        if name not in ("ofac-cons", "un-sc")
    )
    config.write_text(
        f"""
        [fetch]
        timeout = 2
        retries = 2
        backoff = 0.01
        [sources.ofac-cons]
        urls = {{ {urls} }}
        [sources.un-sc]
        urls = {{ "consolidated.xml" = "{server.url("consolidated.xml")}" }}
        """
        + disabled,
        encoding="utf-8",
    )
    code, stdout, stderr = cli(tmp_path, "update", "--config", str(config), "--json")
    assert code == 0, stderr
    assert [r["source"] for r in json.loads(stdout)["results"]] == ["ofac-cons", "un-sc"]

    server.fault("consolidated.xml", "500")
    code, stdout, _ = cli(tmp_path, "update", "--config", str(config), "--json")
    run = json.loads(stdout)
    assert code == 2 and run["ok"] is False
    un = {r["source"]: r for r in run["results"]}["un-sc"]
    assert un["status"] == "failed" and un["version"] == 1 and "HTTP 500" in un["error"]

    code, stdout, _ = cli(tmp_path, "sources", "--config", str(config), "--json")
    assert code == 0
    rows = {row["name"]: row for row in json.loads(stdout)}
    assert set(rows) >= {"ofac-sdn", "ofac-cons", "un-sc"}
    assert rows["un-sc"]["last_status"] == "failed" and "HTTP 500" in rows["un-sc"]["last_error"]
    assert rows["un-sc"]["active_version"] == 1 and rows["un-sc"]["last_success"]
    assert rows["ofac-cons"]["downloads"][0] == {
        "name": "cons_prim.csv",
        "url": server.url("cons_prim.csv"),
    }
    assert rows["ofac-sdn"]["enabled"] is False and rows["ofac-sdn"]["active_version"] is None
    code, stdout, _ = cli(tmp_path, "sources", "--config", str(config))
    assert code == 0 and "ofac-cons" in stdout

    code, _, stderr = cli(tmp_path, "update", "nope")
    assert code == 2 and "unknown source 'nope'" in stderr
    code, _, stderr = cli(tmp_path, "update", "--every", "soon")
    assert code == 2 and "expected a duration" in stderr


@pytest.mark.parametrize("as_json", [False, True])
def test_every_runs_on_schedule_until_ctrl_c(
    tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool
) -> None:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cli_sources, "_sleep", sleep)
    args = ["update", "un-sc", "--every", "6h", *(["--json"] if as_json else [])]
    code, stdout, stderr = cli(tmp_path, *args, env={"SANCTIONS_MIRROR": str(mirror)})
    assert code == 0, stderr
    lines = stdout.splitlines()
    assert len(lines) == 2 and len(waits) == 2 and 21500 < waits[0] <= 21600
    if as_json:
        assert [json.loads(line)["results"][0]["status"] for line in lines] == [
            "loaded",
            "unchanged",
        ]
    else:
        assert "un-sc loaded v1 (+1,003 -0 ~0)" in lines[0]
        assert "un-sc unchanged (v1)" in lines[1]
    assert "stopped after 2 run(s)" in stderr


def test_run_every_keeps_a_fixed_schedule_and_survives_a_failed_run() -> None:
    now = [1000.0]
    waits: list[float] = []
    errors: list[Exception] = []
    durations = iter([5.0, 130.0, 5.0])  # the second run overruns its 100 s slot

    def run_once() -> None:
        now[0] += next(durations)
        if len(waits) == 1:
            raise RuntimeError("disk full")

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    runs = run_every(
        100, run_once, sleep=sleep, clock=lambda: now[0], max_runs=3, on_error=errors.append
    )
    assert runs == 3
    assert waits == [95.0, 70.0]  # the missed slot at t=1200 is skipped, next at t=1300
    assert [str(e) for e in errors] == ["disk full"]

    def broken() -> None:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError, match="bug"):  # without on_error, errors propagate
        run_every(1, broken, sleep=sleep, max_runs=5)


def test_update_monitor_runs_monitoring_after_the_update(tmp_path: Path, mirror: Path) -> None:
    env = {"SANCTIONS_MIRROR": str(mirror)}
    customers = tmp_path / "customers.csv"
    # Real UN-listed names, written as customers write them, and a clean one.
    customers.write_text(
        "id,name,schema\nK1,Kim Jong Un,Person\nK2,Ri Su Yong,Person\nZ1,Zelda Fitzgerald,Person\n",
        encoding="utf-8",
    )
    code, _, stderr = cli(tmp_path, "customers", "import", str(customers))
    assert code == 0, stderr
    code, stdout, stderr = cli(tmp_path, "update", "un-sc", "--monitor", "--json", env=env)
    assert code == 1, stderr  # new alerts
    both = json.loads(stdout)
    assert both["update"]["results"][0]["status"] == "loaded"
    assert both["monitor"]["mode"] == "full" and both["monitor"]["new_alerts"] >= 1
    assert both["monitor"]["list_versions"] == {"un-sc": 1}
    code, stdout, stderr = cli(tmp_path, "update", "un-sc", "--monitor", "--json", env=env)
    assert code == 0, stderr  # nothing changed: a delta run with nothing new
    again = json.loads(stdout)
    assert again["monitor"]["mode"] == "delta" and again["monitor"]["new_alerts"] == 0
