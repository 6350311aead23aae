"""Batch jobs behind /v1/batches: upload a query file, poll its progress, download the hits.

Each job gets a folder under the jobs directory (beside the store by default) holding the
upload, `job.json` (its status, rewritten as it progresses) and `results.csv`, written by
`batch.screen_file` exactly as `sanctions screen --batch` writes it. Jobs run one at a time
in a background thread, on the index current when the job starts. Status is read from
`job.json`, so any replica sharing the jobs folder can answer for any job.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from fastapi import UploadFile

from ..batch import inspect_queries, screen_file
from ..errors import NotFound, QueryError, SanctionsError, SourceError
from .deps import check_lists
from .models import BatchJob
from .state import ApiState

log = logging.getLogger("sanctions.api")

_JOB_ID = re.compile(r"^[a-f0-9]{24}$")
_SUFFIXES = (".csv", ".parquet")
# Rewrite job.json at most this often (rows), so progress polling costs little I/O.
_PROGRESS_EVERY = 500
# Jobs this process remembers for `recent` (the web UI's list).
_RECENT = 20


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BatchJobs:
    """The jobs of one app: their folders, their status files, and the thread that runs them."""

    def __init__(self, state: ApiState) -> None:
        self.state = state
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch")
        self._lock = threading.Lock()
        self._recent: deque[str] = deque(maxlen=_RECENT)

    @property
    def root(self) -> Path:
        return self.state.settings.jobs_dir

    def folder(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id) or not (self.root / job_id / "job.json").is_file():
            raise NotFound(f"no batch job {job_id!r}")
        return self.root / job_id

    def get(self, job_id: str) -> BatchJob:
        with self._lock:
            data = json.loads((self.folder(job_id) / "job.json").read_text())
        return BatchJob(**data)

    def _save(self, folder: Path, job: BatchJob) -> None:
        with self._lock:  # write aside and rename, so a reader never sees half a file
            temp = folder / "job.json.tmp"
            temp.write_text(job.model_dump_json(indent=2))
            temp.replace(folder / "job.json")

    def submit(
        self, upload: UploadFile, *, threshold: float, limit: int, lists: list[str] | None
    ) -> BatchJob:
        loaded = self.state.ready()
        filename = Path(upload.filename or "").name
        suffix = Path(filename).suffix.lower()
        if suffix not in _SUFFIXES:
            raise QueryError(
                f"upload {filename or '(unnamed)'!r} must be a .csv or .parquet file", field="file"
            )
        chosen = check_lists(loaded.screener, lists)
        job_id = secrets.token_hex(12)
        folder = self.root / job_id
        folder.mkdir(parents=True)
        source = folder / f"input{suffix}"
        with source.open("wb") as handle:
            shutil.copyfileobj(upload.file, handle, 1 << 20)
        try:
            total = inspect_queries(source)  # a bad header is the caller's 422, now
        except SanctionsError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise QueryError(f"{filename}: {_problem(exc)}", field="file") from None
        job = BatchJob(
            id=job_id,
            status="queued",
            filename=filename,
            rows_total=total,
            threshold=threshold,
            limit=limit,
            lists=chosen,
            created_at=_now(),
            error=None,
        )
        self._save(folder, job)
        self._pool.submit(self._run, folder, job)
        self._recent.appendleft(job_id)
        return job

    def recent(self) -> list[BatchJob]:
        """The jobs this process started most recently, newest first (those still on disk)."""
        found = []
        for job_id in list(self._recent):
            try:
                found.append(self.get(job_id))
            except NotFound:
                continue
        return found

    def _run(self, folder: Path, job: BatchJob) -> None:
        loaded = self.state.current
        try:
            assert loaded is not None
            job.status, job.versions = "running", dict(loaded.screener.versions)
            self._save(folder, job)

            def progress(rows: int) -> None:
                if rows % _PROGRESS_EVERY == 0:
                    job.rows_done = rows
                    self._save(folder, job)

            source = next(folder.glob("input.*"))
            summary = screen_file(
                loaded.screener,
                source,
                folder / "results.csv",
                threshold=job.threshold,
                limit=job.limit,
                lists=job.lists,
                on_progress=progress,
            )
            job.rows_done = summary.rows
            job.queries_with_hits, job.hit_rows = summary.queries_with_hits, summary.hit_rows
            job.error_count = summary.error_count
            job.errors = [{"row": r, "message": m} for r, m in summary.errors]
            job.status, job.results_url = "done", f"/v1/batches/{job.id}/results"
        except Exception as exc:  # the job fails, the server does not
            log.exception("batch job %s failed", job.id)
            job.status, job.error = "failed", _problem(exc)
        job.finished_at = _now()
        self._save(folder, job)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _problem(exc: BaseException) -> str:
    """What is wrong with an upload, without the server's path to it."""
    if isinstance(exc, SourceError):
        return (f"line {exc.line}: " if exc.line else "") + exc.message
    return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).splitlines()) or type(exc).__name__


__all__ = ["BatchJobs"]
