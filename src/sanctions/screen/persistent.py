"""The screening index saved beside the store, rebuilt only when it no longer fits.

The file `<store>.index` holds the index of every active list version (`NameIndex.save`).
Its header records the versions it was built from (source, version number, file checksum)
and a fingerprint of the code and tables that analyse names. Opening checks both, and the
file's own size and checksum: anything that does not fit is rebuilt, never served, and the
log says why. Builds take a lock file, so several processes (server workers, an updater)
build once and the others wait and map the result.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..match.index import NameIndex
from ..match.index_file import FORMAT_VERSION, IndexFileError
from ..model import Entity
from ..store import Store, VersionInfo

log = logging.getLogger("sanctions.index")

# The modules and tables whose behaviour is baked into a saved index: a change to any of
# them (a new release, an edited table) makes old index files stale.
_ANALYSIS_MODULES = ("text", "resources")
_ANALYSIS_FILES = ("match/index.py", "match/keys.py", "match/features.py", "model.py")


@cache
def analysis_fingerprint() -> str:
    """A digest of everything that decides how names are analysed and keyed."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    package = resources.files("sanctions")
    paths = [package / name for name in _ANALYSIS_FILES]
    for folder in _ANALYSIS_MODULES:
        paths.extend(sorted((package / folder).iterdir(), key=lambda p: p.name))
    for path in paths:
        if path.is_file() and path.name.endswith((".py", ".yml", ".yaml", ".json")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for dependency in ("rigour", "rapidfuzz"):
        with suppress(PackageNotFoundError):
            digest.update(f"{dependency} {version(dependency)}".encode())
    return digest.hexdigest()[:32]


def index_path(store: Store) -> Path | None:
    """Where the store's index lives; None for an in-memory store."""
    if store.path == ":memory:":
        return None
    return Path(store.path + ".index")


def version_key(versions: list[VersionInfo]) -> dict[str, list[object]]:
    """What an index records of the versions it was built from."""
    return {v.source: [v.version, v.sha256] for v in sorted(versions, key=lambda v: v.source)}


def _entities(store: Store, versions: list[VersionInfo]) -> Iterator[Entity]:
    for info in versions:
        yield from store.iter_entities(info.source, info.version)


def build_index(store: Store, versions: list[VersionInfo]) -> NameIndex:
    meta = {"versions": version_key(versions), "analysis": analysis_fingerprint()}
    return NameIndex(_entities(store, versions), meta=meta)


def why_stale(index: NameIndex, versions: list[VersionInfo]) -> str | None:
    """Why a saved index does not fit the store's active versions; None when it does."""
    if index.meta.get("analysis") != analysis_fingerprint():
        return f"{index.path}: built by another version of the name analysis"
    if index.meta.get("versions") != version_key(versions):
        return f"{index.path}: the active list versions changed"
    return None


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_index(store: Store, *, rebuild: bool = False) -> NameIndex:
    """The index of the store's active versions: the saved one when it fits, else a new
    one, built, saved and mapped."""
    versions = store.lists()
    path = index_path(store)
    if path is None:
        return build_index(store, versions)
    if not rebuild:
        reason = _try_open(path, versions)
        if isinstance(reason, NameIndex):
            return reason
    else:
        reason = f"{path}: a rebuild was asked for"
    with _build_lock(path):
        if not rebuild:  # another process may have built it while we waited
            again = _try_open(path, versions)
            if isinstance(again, NameIndex):
                return again
        log.info("building the screening index: %s", reason)
        started = time.perf_counter()
        index = build_index(store, versions)
        try:
            index.save(path)
        except OSError as exc:  # a read-only folder: screen from memory, say so
            log.warning("cannot save the screening index %s: %s", path, exc)
            return index
        log.info(
            "screening index built: %d entities, %d names in %.1f s",
            len(index),
            len(index.names),
            time.perf_counter() - started,
        )
    return NameIndex.open(path, verify=False)  # just written and checked by the OS


def _try_open(path: Path, versions: list[VersionInfo]) -> NameIndex | str:
    """The saved index when it fits; otherwise why not."""
    try:
        index = NameIndex.open(path)
    except IndexFileError as exc:
        return str(exc)
    reason = why_stale(index, versions)
    return index if reason is None else reason
