"""`/ui/batches`: upload a CSV of names to screen as a batch job (the API's `BatchJobs`,
the same job a `POST /v1/batches` starts), follow its progress, download its hits."""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile as FormFile
from starlette.responses import RedirectResponse, Response

from ...api.errors import ApiError
from ...api.jobs import BatchJobs
from ...api.models import BatchJob
from ...auth import WebSession
from ...errors import QueryError
from ...settings import DEFAULT_LIMIT, DEFAULT_THRESHOLD
from ..render import page
from ..security import CheckedForm, Refused, Viewer

router = APIRouter(prefix="/ui", include_in_schema=False)
FINISHED = ("done", "failed")


def _jobs(request: Request) -> BatchJobs:
    jobs: BatchJobs = request.app.state.jobs
    return jobs


def _form_page(
    request: Request,
    session: WebSession,
    *,
    error: str | None = None,
    threshold: str = "",
    status: int = 200,
) -> Response:
    return page(
        request,
        "batches.html",
        session,
        status=status,
        error=error,
        threshold=threshold or f"{DEFAULT_THRESHOLD:.2f}",
        jobs=_jobs(request).recent(),
        job=None,
    )


@router.get("/batches")
def batches(request: Request, session: Viewer) -> Response:
    return _form_page(request, session)


def _threshold(text: str) -> float:
    try:
        value = float(text) if text.strip() else DEFAULT_THRESHOLD
    except ValueError:
        raise QueryError(f"threshold {text!r} is not a number", field="threshold") from None
    if not 0.0 <= value <= 1.0:
        raise QueryError(f"threshold {value:g} is not between 0 and 1", field="threshold")
    return value


@router.post("/batches")
def submit(request: Request, session: Viewer, form: CheckedForm) -> Response:
    """Start a job from the uploaded file, then 303 to its page; a file the job cannot read
    (not CSV or Parquet, no `name` column, empty, not UTF-8) is named on the form again."""
    threshold_text = str(form.get("threshold") or "")
    upload = form.get("file")
    try:
        threshold = _threshold(threshold_text)
        if not isinstance(upload, FormFile) or not upload.filename:
            raise QueryError("choose a CSV file with a `name` column to upload", field="file")
        # FastAPI's UploadFile is Starlette's with a schema; the form holds Starlette's.
        job = _jobs(request).submit(
            cast(UploadFile, upload), threshold=threshold, limit=DEFAULT_LIMIT, lists=None
        )
    except QueryError as exc:
        return _form_page(request, session, error=exc.message, threshold=threshold_text, status=422)
    except ApiError as exc:  # the screening index is not loaded yet
        return _form_page(
            request, session, error=exc.message, threshold=threshold_text, status=exc.status
        )
    return RedirectResponse(f"/ui/batches/{job.id}", status_code=303)


def _job_context(job: BatchJob) -> dict[str, Any]:
    total = max(job.rows_total or 0, job.rows_done)
    return {"job": job, "total": total, "polling": job.status not in FINISHED}


@router.get("/batches/{job_id}")
def job_page(request: Request, session: Viewer, job_id: str) -> Response:
    context = _job_context(_jobs(request).get(job_id))
    return page(request, "batches.html", session, error=None, threshold="", jobs=[], **context)


@router.get("/batches/{job_id}/progress")
def job_progress(request: Request, session: Viewer, job_id: str) -> Response:
    """The status fragment htmx polls; once the job is done or failed it comes without
    its polling trigger, so polling stops."""
    return page(request, "_batch.html", session, **_job_context(_jobs(request).get(job_id)))


@router.get("/batches/{job_id}/hits.csv")
def job_hits(request: Request, _session: Viewer, job_id: str) -> Response:
    jobs = _jobs(request)
    job = jobs.get(job_id)
    if job.status != "done":
        raise Refused(f"batch job {job_id} is {job.status}; its hits come when it is done", 409)
    stem = job.filename.rsplit(".", 1)[0] or "batch"
    return FileResponse(
        jobs.folder(job_id) / "results.csv", media_type="text/csv", filename=f"{stem}-hits.csv"
    )
