"""The screening index saved beside the store, rebuilt only when it no longer fits.

The file `<store>.index` holds the index of every active list version (`NameIndex.save`).
Its header records the versions it was built from (source, version number, file checksum)
and a fingerprint of the code and tables that analyse names. Opening checks both, and the
file's own size and checksum: anything that does not fit is rebuilt, never served, and the
log says why. Builds take a lock file, so several processes (server workers, an updater)
build once and the others wait and map the result. A server asks for `build_aside`: when it
finds no fitting file it has a child process (at lower CPU priority) build and save it, and
only maps the result, so a build never competes with its request threads for the GIL.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import subprocess
import sys
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
    for dependency in ("anyascii", "pycountry", "rapidfuzz"):
        with suppress(PackageNotFoundError):
            digest.update(f"{dependency} {version(dependency)}".encode())
    return digest.hexdigest()[:32]


def index_path(store: Store) -> Path | None:
    """Where the store's index lives: beside its SQLite file; None for an in-memory or a
    PostgreSQL store (each process builds its own index)."""
    if store.file is None:
        return None
    return Path(store.file + ".index")


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


def open_index(store: Store, *, rebuild: bool = False, build_aside: bool = False) -> NameIndex:
    """The index of the store's active versions: the saved one when it fits, else a new
    one, built, saved and mapped. `build_aside`: build it in a child process (see the module
    docstring); in this process only if that fails."""
    versions = store.lists()
    path = index_path(store)
    if path is None:
        return build_index(store, versions)
    if not rebuild:
        reason = _try_open(path, versions)
        if isinstance(reason, NameIndex):
            return reason
        if build_aside and store.file is not None:
            log.info("building the screening index in a child process: %s", reason)
            _build_in_child(store.file)
            versions = store.lists()  # the child built what was active when it started
            reason = _try_open(path, versions)
            if isinstance(reason, NameIndex):
                return reason
            log.warning("the child process built no fitting index, building here: %s", reason)
    else:
        reason = f"{path}: a rebuild was asked for"
    with _build_lock(path):
        if not rebuild:  # another process may have built it while we waited
            again = _try_open(path, versions)
            if isinstance(again, NameIndex):
                return again
        _remove_leftovers(path)
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


def _remove_leftovers(path: Path) -> None:
    """Temporary files of a builder that died while writing (NameIndex.save writes aside,
    then renames): with the build lock held, nobody else is writing one."""
    for leftover in path.parent.glob(path.name + ".*.tmp"):
        with suppress(OSError):
            leftover.unlink()
            log.warning("removed %s, left by an index build that did not finish", leftover)


_CHILD_NICE = 10
_CHILD = (
    "import os, sys\n"
    f"os.nice({_CHILD_NICE})\n"
    "from sanctions.store import Store\n"
    "from sanctions.screen.persistent import open_index\n"
    "with Store(sys.argv[1]) as store:\n"
    "    open_index(store)\n"
)


def _build_in_child(file: str) -> None:
    """Build and save the index of the store at `file` in a child process (which waits for
    the build lock like any other builder, so a loader already building it is not repeated)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, file], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        log.warning(
            "building the index in a child process failed (%s): %s",
            done.returncode,
            done.stderr.strip()[-1000:],
        )
    else:
        log.info("index built by a child process in %.1f s", time.perf_counter() - started)


def _try_open(path: Path, versions: list[VersionInfo]) -> NameIndex | str:
    """The saved index when it fits; otherwise why not."""
    try:
        index = NameIndex.open(path)
    except IndexFileError as exc:
        return str(exc)
    reason = why_stale(index, versions)
    return index if reason is None else reason
