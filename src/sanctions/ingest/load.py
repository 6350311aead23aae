"""Loading files from disk into the store: detect, checksum, parse, store one version each."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from ..sources.detect import InputSet, open_publication, plan_inputs
from ..store import LoadResult, Store
from . import testhook

_CHUNK = 1 << 20


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def input_sha256(inputs: InputSet) -> str:
    """Checksum of a publication's bytes: the file's own sha256 when it is one file."""
    if len(inputs.files) == 1:
        return _file_sha256(next(iter(inputs.files.values())))
    lines = "".join(f"{role}:{_file_sha256(path)}\n" for role, path in sorted(inputs.files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def load_paths(
    store: Store,
    paths: list[Path],
    *,
    source: str | None = None,
    on_start: Callable[[InputSet], None] | None = None,
    on_entity: Callable[[int], None] | None = None,
    max_removed_share: float | None = None,
) -> list[LoadResult]:
    """Load every publication found in `paths`, each as its own all-or-nothing version.

    Every file is recognised before anything is written, so a file of unknown format stops
    the whole command with nothing changed. Loads into one SQLite store take turns (one
    writer at a time): a second loader waits for the first, up to the store's busy timeout,
    then fails with a `StoreError`, never a half version.
    """
    plans = plan_inputs(paths, source)
    pause_at = testhook.pause_point()
    testhook.watch_statements(pause_at, store)
    results = []
    for inputs in plans:
        if on_start is not None:
            on_start(inputs)
        publication = open_publication(inputs)
        try:
            results.append(
                store.load(
                    publication,
                    sha256=input_sha256(inputs),
                    on_entity=testhook.pausing_counter(pause_at, on_entity),
                    max_removed_share=max_removed_share,
                )
            )
        except store.db.errors as exc:  # e.g. "database is locked" after the busy timeout
            raise store.db.wrap_error(exc, f"load {inputs.source}") from exc
    return results
