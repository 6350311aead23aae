"""Fetcher against a real loopback HTTP server; config parsing; the raw-file archive."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from loopback import LAST_MODIFIED, ListServer, etag_of
from sanctions.errors import UsageError
from sanctions.ingest.config import load_settings
from sanctions.ingest.fetch import Fetcher, FetchError, archive, looks_like_html
from sanctions.settings import (
    FetchSettings,
    Settings,
    SourceSettings,
    parse_duration,
    parse_size,
)
from sanctions.sources.registry import SOURCES

BODY = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n' * 40
FAST = FetchSettings(connect_timeout=2, read_timeout=2, retries=3, backoff=0.01, max_backoff=0.05)


@pytest.fixture
def server() -> Iterator[ListServer]:
    srv = ListServer().start()
    srv.files["sdn.csv"] = BODY
    yield srv
    srv.stop()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetcher(settings: FetchSettings = FAST, sleeps: Sleeps | None = None) -> Fetcher:
    return Fetcher(settings, sleep=sleeps if sleeps is not None else Sleeps())


def test_download_streams_to_disk_with_checksum_and_validators(
    server: ListServer, tmp_path: Path
) -> None:
    with fetcher() as f:
        got = f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")
    assert got.status == "downloaded" and got.size == len(BODY)
    assert got.sha256 == hashlib.sha256(BODY).hexdigest()
    assert (tmp_path / "sdn.csv").read_bytes() == BODY
    assert (got.etag, got.last_modified, got.content_type) == (
        etag_of(BODY),
        LAST_MODIFIED,
        "text/csv",
    )
    assert not server.requests[0].conditional


def test_conditional_request_answered_304_writes_nothing(
    server: ListServer, tmp_path: Path
) -> None:
    with fetcher() as f:
        got = f.fetch(
            server.url("sdn.csv"),
            tmp_path / "sdn.csv",
            expect="ofac-csv",
            etag=etag_of(BODY),
            last_modified=LAST_MODIFIED,
        )
    assert got.status == "not-modified" and got.path is None and got.etag == etag_of(BODY)
    assert not (tmp_path / "sdn.csv").exists()
    [request] = server.requests
    assert (request.if_none_match, request.if_modified_since, request.status) == (
        etag_of(BODY),
        LAST_MODIFIED,
        304,
    )


def test_5xx_is_retried_with_exponential_backoff(server: ListServer, tmp_path: Path) -> None:
    server.fault("sdn.csv", "500", times=2)
    sleeps = Sleeps()
    with fetcher(sleeps=sleeps) as f:
        got = f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")
    assert got.status == "downloaded"
    assert [r.status for r in server.requests] == [500, 500, 200]
    assert sleeps == [0.01, 0.02]


def test_persistent_500_fails_after_the_configured_attempts(
    server: ListServer, tmp_path: Path
) -> None:
    server.fault("sdn.csv", "500")
    with fetcher() as f, pytest.raises(FetchError) as caught:
        f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")
    assert (
        str(caught.value)
        == f"{server.url('sdn.csv')}: HTTP 500 Internal Server Error (after 3 attempts)"
    )
    assert len(server.requests) == 3 and not (tmp_path / "sdn.csv").exists()


def test_4xx_is_not_retried(server: ListServer, tmp_path: Path) -> None:
    with fetcher() as f, pytest.raises(FetchError, match="HTTP 404 Not Found$"):
        f.fetch(server.url("missing.csv"), tmp_path / "x.csv", expect="ofac-csv")
    assert len(server.requests) == 1


def test_read_timeout_is_retried_then_reported(server: ListServer, tmp_path: Path) -> None:
    server.fault("sdn.csv", "slow")
    server.slow_seconds = 0.5
    settings = FetchSettings(connect_timeout=1, read_timeout=0.1, retries=2, backoff=0.01)
    with (
        fetcher(settings) as f,
        pytest.raises(FetchError, match=r"read timed out \(after 2 attempts\)"),
    ):
        f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")


def test_truncated_body_is_an_error_not_a_short_file(server: ListServer, tmp_path: Path) -> None:
    server.fault("sdn.csv", "truncated")
    with (
        fetcher() as f,
        pytest.raises(FetchError, match="connection failed: peer closed") as caught,
    ):
        f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")
    assert "after 3 attempts" in str(caught.value)  # a cut connection may be transient
    assert not (tmp_path / "sdn.csv").exists()


def test_html_page_is_refused_at_once(server: ListServer, tmp_path: Path) -> None:
    server.fault("sdn.csv", "html")
    with fetcher() as f, pytest.raises(FetchError, match="got an HTML page, not ofac-csv$"):
        f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("head", "html"),
    [
        (b"<!DOCTYPE html><html>", True),
        (b"\xef\xbb\xbf\r\n  <HTML lang='en'>", True),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', True),
        (b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026">', False),
        (b'36,"AEROCARIBBEAN AIRLINES",-0- ', False),
    ],
)
def test_looks_like_html(head: bytes, html: bool) -> None:
    assert looks_like_html(head) is html


def test_size_cap_aborts_the_stream_early(server: ListServer, tmp_path: Path) -> None:
    server.fault("sdn.csv", "huge")
    settings = FetchSettings(read_timeout=2, retries=3, backoff=0.01, max_bytes=1024 * 1024)
    with (
        fetcher(settings) as f,
        pytest.raises(FetchError, match="over the size limit of 1,048,576"),
    ):
        f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")
    assert len(server.requests) == 1  # a file too big stays too big: no retry
    assert server.sent["sdn.csv"] < 20 * 1024 * 1024  # the server was cut off, not drained
    assert not (tmp_path / "sdn.csv").exists()


def test_announced_size_over_the_cap_is_refused_before_reading(
    server: ListServer, tmp_path: Path
) -> None:
    server.fault("sdn.csv", "huge-declared")
    settings = FetchSettings(retries=3, backoff=0.01, max_bytes=1024 * 1024)
    with fetcher(settings) as f, pytest.raises(FetchError, match="announces 104,857,600 bytes"):
        f.fetch(server.url("sdn.csv"), tmp_path / "sdn.csv", expect="ofac-csv")


def test_local_files_are_copied_with_the_same_checks(tmp_path: Path) -> None:
    source = tmp_path / "mirror" / "sdn.csv"
    source.parent.mkdir()
    source.write_bytes(BODY)
    with fetcher() as f:
        got = f.fetch(str(source), tmp_path / "copy.csv", expect="ofac-csv")
        assert got.sha256 == hashlib.sha256(BODY).hexdigest() and got.status == "downloaded"
        with pytest.raises(FetchError, match="no such file"):
            f.fetch(str(tmp_path / "mirror" / "add.csv"), tmp_path / "a.csv", expect="ofac-csv")
    with fetcher(FetchSettings(max_bytes=100)) as f, pytest.raises(FetchError, match="size limit"):
        f.fetch(str(source), tmp_path / "copy2.csv", expect="ofac-csv")


def test_any_httpx_transport_plugs_in() -> None:
    """The seam: a 304 to a request that was not conditional is a server error, not success."""
    transport = httpx.MockTransport(lambda request: httpx.Response(304))
    with Fetcher(FAST, transport=transport) as f, pytest.raises(FetchError, match="plain request"):
        f.fetch("https://lists.example/sdn.csv", Path("unused"), expect="ofac-csv")


def test_archive_is_content_addressed_and_read_only(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    root.mkdir()
    first = root / "a.tmp"
    first.write_bytes(BODY)
    sha = hashlib.sha256(BODY).hexdigest()
    target = archive(first, sha, root)
    assert target == root / sha[:2] / sha and target.read_bytes() == BODY
    assert not first.exists() and not target.stat().st_mode & stat.S_IWUSR
    again = root / "b.tmp"
    again.write_bytes(BODY)
    assert archive(again, sha, root) == target and not again.exists()


# -- settings -------------------------------------------------------------------------------


def test_config_file_sets_fetch_options_and_source_urls(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        """
        [fetch]
        timeout = 5
        read_timeout = 90
        retries = 5
        max_bytes = "10 MiB"
        archive = "~/lists-archive"

        [sources.ofac-sdn]
        urls = { "sdn.csv" = "https://mirror.example/sdn.csv" }

        [sources.un-sc]
        enabled = false
        """,
        encoding="utf-8",
    )
    settings = load_settings(config, env={})
    assert settings.path == config
    assert (settings.fetch.connect_timeout, settings.fetch.read_timeout) == (5, 90)
    assert (settings.fetch.retries, settings.fetch.max_bytes) == (5, 10 * 1024 * 1024)
    assert settings.archive == Path("~/lists-archive").expanduser()
    assert not settings.source("un-sc").enabled and settings.source("ofac-cons").enabled
    downloads = dict(settings.downloads(SOURCES["ofac-sdn"]))
    assert downloads["sdn.csv"] == "https://mirror.example/sdn.csv"
    assert downloads["add.csv"] == "https://www.treasury.gov/ofac/downloads/add.csv"


def test_environment_overrides_mirror_and_archive(tmp_path: Path) -> None:
    env = {"SANCTIONS_MIRROR": "http://127.0.0.1:9/lists/", "SANCTIONS_ARCHIVE": str(tmp_path)}
    settings = load_settings(None, env=env | {"SANCTIONS_CONFIG": ""})
    assert settings.archive == tmp_path
    assert settings.downloads(SOURCES["un-sc"]) == [
        ("consolidated.xml", "http://127.0.0.1:9/lists/consolidated.xml")
    ]
    local = Settings(mirror=str(tmp_path), sources={"un-sc": SourceSettings(urls={"x": "y"})})
    assert local.downloads(SOURCES["un-sc"]) == [
        ("consolidated.xml", str(tmp_path / "consolidated.xml"))
    ]
    assert Settings().archive_dir(tmp_path / "s.db") == tmp_path / "archive"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch]\ntimout = 3\n", "unknown key 'timout'"),
        ("[fetch]\nretries = 0\n", "retries: expected a positive integer"),
        ('[fetch]\nmax_bytes = "lots"\n', "max_bytes: expected a positive size"),
        ("[sources.nope]\nenabled = false\n", "unknown source"),
        ('[sources.un-sc]\nurls = { "un.xml" = "x" }\n', "unknown file 'un.xml'"),
        ('[sources.un-sc]\nenabled = "no"\n', "expected true or false"),
        ("[fetch\n", "cannot read the config file"),
    ],
)
def test_config_mistakes_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as caught:
        load_settings(config, env={})
    assert str(config) in str(caught.value)


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="config file not found"):
        load_settings(None, env={"SANCTIONS_CONFIG": str(tmp_path / "none.toml")})


def test_sizes_and_durations() -> None:
    assert parse_size("200 MiB", "x") == 200 * 1024 * 1024
    assert parse_size("5MB", "x") == 5_000_000 and parse_size(1000, "x") == 1000
    assert parse_duration("6h") == 21600 and parse_duration("1h30m") == 5400
    assert parse_duration("90s") == 90 and parse_duration("1d") == 86400
    for bad in ("6", "h", "6x", "-1h", "0s", "1h 30m"):
        with pytest.raises(UsageError):
            parse_duration(bad)
