"""`/v1/batches`: start a batch job from an uploaded file, poll it, download its hits CSV
(the jobs themselves run in `api/jobs.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse

from ...settings import DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT
from ..deps import ERROR_RESPONSES, api_state, require_key
from ..errors import ApiError
from ..jobs import BatchJobs
from ..models import BatchJob

router = APIRouter(
    prefix="/v1/batches",
    tags=["Batches"],
    dependencies=[Depends(require_key)],
    responses=ERROR_RESPONSES,
)


def _jobs(request: Request) -> BatchJobs:
    jobs: BatchJobs = request.app.state.jobs
    return jobs


@router.post("", status_code=202, response_model=BatchJob, summary="Start a batch job")
def create_batch(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV or Parquet with a `name` column.")],
    threshold: float = Form(DEFAULT_THRESHOLD, ge=0.0, le=1.0),
    limit: int = Form(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lists: str | None = Form(None, description="Only these sources, comma-separated."),
) -> BatchJob:
    """Upload a query file (the columns of `sanctions screen --batch`: `name`, and optionally
    `id`, `schema`, `birth_date`, `country`, `id_number`, `gender`). Answers 202 with the job;
    poll `GET /v1/batches/{id}` until `status` is `done`, then fetch the results."""
    api_state(request).ready()
    chosen = [s.strip() for s in lists.split(",") if s.strip()] if lists else None
    return _jobs(request).submit(file, threshold=threshold, limit=limit, lists=chosen)


@router.get("/{job_id}", response_model=BatchJob, summary="A batch job's progress")
def get_batch(job_id: str, request: Request) -> BatchJob:
    return _jobs(request).get(job_id)


@router.get("/{job_id}/results", response_class=FileResponse, summary="The hits CSV")
def batch_results(job_id: str, request: Request) -> FileResponse:
    """One row per hit: row, query_id, query_name, entity_id, schema, matched_name, score,
    lists. 409 until the job is done."""
    jobs = _jobs(request)
    job = jobs.get(job_id)
    if job.status != "done":
        raise ApiError(409, f"batch job {job_id} is {job.status}; results come when it is done")
    return FileResponse(
        jobs.folder(job_id) / "results.csv",
        media_type="text/csv",
        filename=f"{Path(job.filename).stem}-hits.csv",
    )
