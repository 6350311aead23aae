"""Updating sources from their official downloads: fetch, check, archive, load, record.

Sources are updated one at a time and each on its own: a failure is caught, recorded in the
fetch state and reported, and the next source goes on. For one source, every file of the
publication is fetched (a 304 reuses the archived copy of the last successful fetch), each
downloaded file is checked to be the expected format before anything is stored, moved into
the content-addressed archive, and the set is loaded exactly as `sanctions load` would:
one all-or-nothing store transaction, so a failure leaves the previous version active.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SanctionsError, SourceError, UsageError
from ..settings import Settings
from ..sources.detect import plan_inputs, sniff
from ..sources.registry import SOURCES, SourceInfo, get_source
from ..store import Store, VersionInfo
from ..store.fetch_state import FetchState, FileState, now_iso
from .fetch import Fetcher, FetchError, archive, archive_path, file_sha256
from .load import input_sha256, load_paths


@dataclass
class FileResult:
    name: str
    url: str
    status: str  # "downloaded" or "not-modified"
    sha256: str
    bytes: int
    archived: str


@dataclass
class SourceResult:
    source: str
    status: str  # "loaded", "unchanged" or "failed"
    version: int | None = None  # the active version after the update
    entities: int | None = None
    added: int | None = None
    removed: int | None = None
    changed: int | None = None
    published: str | None = None
    sha256: str | None = None
    error: str | None = None
    files: list[FileResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the parser's, for a new version

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        if self.status == "loaded":
            return (
                f"{self.source} loaded v{self.version} "
                f"(+{self.added:,} -{self.removed:,} ~{self.changed:,})"
            )
        if self.status == "unchanged":
            return f"{self.source} unchanged (v{self.version})"
        return f"{self.source} FAILED: {self.error}"


@dataclass
class RunResult:
    started: str
    finished: str
    results: list[SourceResult]

    @property
    def ok(self) -> bool:
        return all(r.status != "failed" for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "started": self.started,
            "finished": self.finished,
            "ok": self.ok,
            "results": [r.to_json() for r in self.results],
        }

    def summary(self) -> str:
        return f"{self.finished} " + "; ".join(r.summary() for r in self.results)


class Listener:
    """Progress hooks (the CLI draws them with Rich); the defaults do nothing."""

    def file_started(self, source: str, name: str, url: str) -> None: ...

    def file_progress(self, done: int, total: int | None) -> None: ...

    def loading(self, source: str) -> None: ...

    def entities(self, count: int) -> None: ...


def select_sources(names: list[str] | None, settings: Settings) -> list[SourceInfo]:
    """The named sources, or every enabled source that has downloads."""
    if names:
        infos = [get_source(name) for name in dict.fromkeys(names)]
        for info in infos:
            if not info.downloads:
                raise UsageError(
                    f"source {info.name!r} has no download address; load its files with "
                    "`sanctions load`"
                )
        return infos
    infos = [
        i for i in SOURCES.values() if i.downloads and settings.source(i.name, i.default).enabled
    ]
    if not infos:
        raise UsageError("no source to update: every source with downloads is disabled")
    return infos


def run_update(
    store: Store,
    settings: Settings,
    sources: list[SourceInfo],
    *,
    archive_dir: Path,
    fetcher: Fetcher | None = None,
    listener: Listener | None = None,
) -> RunResult:
    """Update each source in turn; never raises for one source's failure."""
    started = now_iso()
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings.fetch)
    try:
        updater = _Updater(store, settings, archive_dir, fetcher, listener or Listener())
        results = [updater.update(info) for info in sources]
    finally:
        if own:
            fetcher.close()
    return RunResult(started, now_iso(), results)


class _Updater:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        archive_dir: Path,
        fetcher: Fetcher,
        listener: Listener,
    ) -> None:
        self.store = store
        self.state = FetchState(store)
        self.settings = settings
        self.root = archive_dir
        self.fetcher = fetcher
        self.listener = listener

    def _active(self, source: str) -> VersionInfo | None:
        return next((v for v in self.store.lists() if v.source == source), None)

    def update(self, info: SourceInfo) -> SourceResult:
        self.state.record_attempt(info.name)
        locations: dict[str, str] = {}  # local path -> URL, to name URLs in errors
        try:
            return self._update(info, locations)
        except (SanctionsError, OSError) as exc:
            message = " ".join(_describe(exc, locations).split())
            self.state.record_failure(info.name, message)
            active = self._active(info.name)
            return SourceResult(
                info.name,
                "failed",
                version=active.version if active else None,
                entities=active.entities if active else None,
                error=message,
            )

    def _cached(self, previous: FileState | None) -> Path | None:
        """The archived copy of the last successful fetch, if it is still there and intact."""
        if previous is None:
            return None
        path = archive_path(self.root, previous.sha256)
        if not path.is_file() or file_sha256(path) != previous.sha256:
            return None
        return path

    def _update(self, info: SourceInfo, locations: dict[str, str]) -> SourceResult:
        name, expect = info.name, info.formats[0]
        self.root.mkdir(parents=True, exist_ok=True)
        files: list[FileResult] = []
        states: list[FileState] = []
        names: dict[str, str] = {}  # archived path or name -> file name, for warnings
        # Download beside the archive, so archiving is a rename on the same file system.
        with tempfile.TemporaryDirectory(prefix=".incoming-", dir=self.root) as tmp:
            for file_name, url in self.settings.downloads(info):
                self.listener.file_started(name, file_name, url)
                previous = self.state.file(name, url)
                cached = self._cached(previous)
                got = self.fetcher.fetch(
                    url,
                    Path(tmp) / file_name,
                    expect=expect,
                    etag=previous.etag if cached and previous else None,
                    last_modified=previous.last_modified if cached and previous else None,
                    on_bytes=self.listener.file_progress,
                )
                if got.status == "not-modified":
                    assert cached is not None and previous is not None
                    path, sha, size = cached, previous.sha256, previous.size
                else:
                    assert got.path is not None and got.sha256 is not None
                    _check_format(got.path, url, info, got.content_type)
                    path, sha, size = archive(got.path, got.sha256, self.root), got.sha256, got.size
                locations[str(path)] = url
                names[str(path)] = names[path.name] = file_name
                files.append(FileResult(file_name, url, got.status, sha, size, str(path)))
                states.append(
                    FileState(
                        name, url, file_name, got.etag, got.last_modified, sha, size, now_iso()
                    )
                )
        paths = [Path(f.archived) for f in files]
        [inputs] = plan_inputs(paths, name)
        sha = input_sha256(inputs)
        active = self._active(name)
        if active is not None and active.sha256 == sha:
            status, version = "unchanged", active
            added = removed = changed = 0
            warnings = []
        else:
            self.listener.loading(name)
            [loaded] = load_paths(
                self.store,
                paths,
                source=name,
                on_entity=self.listener.entities,
                max_removed_share=self.settings.fetch.max_removed_share,
            )
            status, version = loaded.status, loaded.version
            unchanged = loaded.status == "unchanged"
            added, removed, changed = (
                (0, 0, 0) if unchanged else (version.added, version.removed, version.changed)
            )
            warnings = [] if unchanged else [_describe(w, names) for w in version.warnings]
        self.state.record_success(name, status, sha, states)
        return SourceResult(
            name,
            status,
            version=version.version,
            entities=version.entities,
            added=added,
            removed=removed,
            changed=changed,
            published=version.published,
            sha256=sha,
            files=files,
            warnings=warnings,
        )


def _check_format(path: Path, url: str, info: SourceInfo, content_type: str | None) -> None:
    """The file must be one the source's parsers read, before it is archived or loaded."""
    expect = info.formats[0]
    try:
        fmt, _, _ = sniff(path)
    except SourceError as exc:
        if content_type and "html" in content_type.lower():
            raise FetchError(url, f"got an HTML page ({content_type}), not {expect}") from None
        raise FetchError(url, f"not {expect}: {exc.message}") from None
    if fmt not in info.formats:
        raise FetchError(url, f"got {fmt}, not {expect}")


def _describe(exc: BaseException | str, locations: dict[str, str]) -> str:
    # Parse errors and warnings name the archived file; name the download instead.
    message = str(exc)
    for path, origin in locations.items():
        message = message.replace(path, origin)
    return message


def run_every(
    interval: float,
    run_once: Callable[[], object],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    max_runs: int | None = None,
    on_error: Callable[[Exception], None] | None = None,
) -> int:
    """Call `run_once` every `interval` seconds until interrupted (or `max_runs`); the count.

    Runs keep to a fixed schedule from the first start; a run that overruns its slot skips
    the missed ones rather than starting the next at once. An unexpected error in one run
    goes to `on_error` and the loop goes on (without `on_error`, it propagates).
    """
    runs = 0
    next_start = clock()
    while True:
        try:
            run_once()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
        runs += 1
        if max_runs is not None and runs >= max_runs:
            return runs
        next_start += interval
        now = clock()
        if next_start < now:
            next_start += ((now - next_start) // interval + 1) * interval
        sleep(next_start - now)
