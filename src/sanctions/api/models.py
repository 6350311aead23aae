"""Request and response bodies of the HTTP API (pydantic), which also make up /openapi.json.

Request models forbid unknown fields, so a misspelt field ("birthdate") is a 422 naming it
instead of being silently ignored, and are strict: `"threshold": false` or `"limit": "10"`
is a 422 too, not a value pydantic guessed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..screen import Query
from ..settings import DEFAULT_LIMIT, DEFAULT_THRESHOLD, MAX_LIMIT, MAX_QUERIES


class QueryFields(BaseModel):
    """The fields of one screening query, as `sanctions screen` takes them."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    name: str | None = Field(None, examples=["Dan Gertler"], description="The name to screen.")
    schema_: str | None = Field(
        None,
        alias="schema",
        examples=["Person"],
        description="Person, Organization, Company, LegalEntity, Vessel or Airplane.",
    )
    birth_date: str | None = Field(None, examples=["1973-12-23"], description="YYYY[-MM[-DD]].")
    country: str | None = Field(None, examples=["il"], description="Country name or ISO code.")
    id_number: str | None = Field(None, description="Passport, IMO or registration number.")
    gender: str | None = Field(None, description="male or female.")
    id: str | None = Field(None, description="Your own reference, echoed in the result.")

    def to_query(self) -> Query:
        return Query(
            name=self.name or "",
            schema=self.schema_,
            birth_date=self.birth_date,
            country=self.country,
            gender=self.gender,
            id_number=self.id_number,
            id=self.id,
        )

    def echo(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


class ScreenRequest(QueryFields):
    """Either one query (its fields at the top level) or `queries`, plus shared options."""

    queries: list[QueryFields] | None = Field(
        None, description=f"Many queries in one request (at most {MAX_QUERIES:,})."
    )
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Most hits per query.")
    lists: list[str] | None = Field(
        None, examples=[["ofac-sdn", "un-sc"]], description="Only these sources [all]."
    )


class QueryErrorBody(BaseModel):
    field: str | None
    message: str


class QueryResult(BaseModel):
    query: dict[str, Any]
    hits: list[dict[str, Any]] = Field(
        default_factory=list, description="Hit.to_json(): score, matched name, explanation."
    )
    error: QueryErrorBody | None = None


class ScreenResponse(BaseModel):
    ok: bool = True
    lists: dict[str, int] = Field(description="The list versions screened: source -> version.")
    threshold: float
    limit: int
    results: list[QueryResult]


class ErrorDetail(BaseModel):
    field: str | None = None
    message: str


class ErrorResponse(BaseModel):
    ok: bool = False
    error: str
    errors: list[ErrorDetail] = Field(default_factory=list)
    status: int


class BatchJob(BaseModel):
    id: str
    status: str = Field(description="queued, running, done or failed.")
    filename: str
    rows_done: int = 0
    rows_total: int | None = Field(None, description="Estimated from the file, when known.")
    queries_with_hits: int = 0
    hit_rows: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = Field(None, description="Why a failed job failed.")
    threshold: float
    limit: int
    lists: list[str] | None = None
    versions: dict[str, int] = Field(default_factory=dict)
    created_at: str
    finished_at: str | None = None
    results_url: str | None = None


__all__ = [
    "BatchJob",
    "ErrorDetail",
    "ErrorResponse",
    "QueryErrorBody",
    "QueryFields",
    "QueryResult",
    "ScreenRequest",
    "ScreenResponse",
]
