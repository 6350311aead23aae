"""schemathesis against our own OpenAPI document, on a real `sanctions serve` with a real key.

Every operation of /openapi.json is called with generated requests, valid and invalid, and
every built-in check runs on each answer: no 5xx, every status and content type documented,
bodies matching the documented schemas, unauthenticated requests refused, invalid requests
refused with a 4xx. Bounded (derandomized, a fixed number of examples per operation, no
example database) so it runs in CI.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from apiserver import ApiServer, new_key
from sanctions.api import create_app
from sanctions.store import Store

EXAMPLES = 25  # generated requests per operation and phase


@pytest.fixture(scope="module")
def fuzz_server(server_db: Path) -> Iterator[ApiServer]:
    # --reload-every 0: a fuzzed POST /v1/admin/reload?force=true is the only index rebuild.
    yield from ApiServer.running(server_db, "--reload-every", "0")


@pytest.fixture(scope="module")
def fuzz_key(server_db: Path) -> str:
    return new_key(server_db, "schemathesis")


def _openapi_document() -> dict[str, Any]:
    """The app's OpenAPI document, built at import (schemathesis parametrizes at collection;
    its lazy `from_fixture` loader does not work with pytest 9). The served document is
    checked to be the same one below."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "store.db"
        Store(db).close()
        return create_app(db, reload_every=0).openapi()


# 422 is also our answer to a request the schema allows but the data refuses: a name that
# normalizes to nothing, a date that does not exist, both one query's fields and `queries`,
# a document in a format we cannot read. Everything else is schemathesis's defaults.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422"]
            }
        }
    }
)
DOCUMENT = _openapi_document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


def test_the_server_serves_the_document_we_fuzz(fuzz_server: ApiServer) -> None:
    served = httpx.get(fuzz_server.base + "/openapi.json", timeout=30).json()
    assert served == DOCUMENT


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms(
    case: schemathesis.Case, fuzz_server: ApiServer, fuzz_key: str
) -> None:
    case.call_and_validate(
        base_url=fuzz_server.base, headers={"Authorization": f"Bearer {fuzz_key}"}, timeout=60
    )
