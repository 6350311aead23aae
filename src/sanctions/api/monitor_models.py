"""Request bodies of the monitoring routes (customers, runs, decisions), for /openapi.json.

Like the screening models they forbid unknown fields and are strict about types; the
content rules (schemas, dates, countries) are the customer import's own, so the API and
`customers import` agree."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from ..settings import DECISIONS, DEFAULT_THRESHOLD

MAX_CUSTOMERS = 10_000  # per request; larger portfolios go through `customers import`
# An enum in /openapi.json, so a wrong decision is a 422 naming the field.
Decision = Literal["false_positive", "true_match", "escalate"]
assert set(get_args(Decision)) == set(DECISIONS), "settings.DECISIONS changed"


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    id: str = Field(..., examples=["C-1001"], description="Your customer id (the upsert key).")
    name: str = Field(..., examples=["Dan Gertler"])
    schema_: str = Field(
        ...,
        alias="schema",
        examples=["Person"],
        description="Person, Organization, Company, LegalEntity, Vessel or Airplane.",
    )
    aliases: list[str] = Field(default_factory=list)
    birth_date: str | None = Field(None, description="YYYY[-MM[-DD]].")
    country: str | None = None
    nationality: str | None = None
    id_number: str | None = None
    imo_number: str | None = None
    attributes: dict[str, str] = Field(
        default_factory=dict, description="Anything else, kept with the customer."
    )

    def row(self) -> dict[str, Any]:
        data = self.model_dump(by_alias=True, exclude={"attributes"})
        return {**self.attributes, **data}


class CustomersIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    customers: list[CustomerIn] = Field(..., min_length=1, max_length=MAX_CUSTOMERS)


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    full: bool = Field(False, description="Re-screen everything instead of a delta run.")
    threshold: float = Field(DEFAULT_THRESHOLD, ge=0.0, le=1.0)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    decision: Decision = Field(..., examples=["false_positive"])
    reason: str = Field(..., min_length=1, max_length=2000)


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: str | None = Field(None, max_length=2000, description="A note (optional).")


class RejectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: str = Field(..., min_length=1, max_length=2000)
