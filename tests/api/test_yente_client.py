"""yente's own client (yente-client) against a real `sanctions serve`: every method it has
that a yente server answers, with a key from `sanctions keys create NAME --json`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from yente_client import Client
from yente_client.entities import Company, Person
from yente_client.exceptions import AuthenticationError, NotFoundError

from apiserver import ApiServer

GERTLER = "ofac-sdn:23252"


@pytest.fixture(scope="module")
def cli_key(server_db: Path) -> str:
    """A key as a user makes one: the CLI's JSON output, with the key under `key`."""
    out = subprocess.run(
        [sys.executable, "-c", "from sanctions.cli import main; main()"]
        + ["keys", "create", "yente-client", "--json", "--db", str(server_db)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    created = json.loads(out)
    assert created["name"] == "yente-client" and created["key"]
    return str(created["key"])


@pytest.fixture(scope="module")
def client(server: ApiServer, cli_key: str) -> Iterator[Client]:
    with Client(api_key=cli_key, base_url=server.base) as yente:
        yield yente


def test_healthz_and_readyz(client: Client) -> None:
    assert client.healthz().status == "ok"
    assert client.readyz().status == "ok"


def test_catalog_lists_each_source_and_default(client: Client) -> None:
    response = client.datasets()
    names = {d.name: d for d in response.datasets}
    assert {"ofac-sdn", "ofac-cons", "un-sc", "default"} <= set(names)
    assert names["default"].children and set(names["default"].children) < set(names)
    assert names["ofac-sdn"].load and names["ofac-sdn"].entity_count
    assert names["ofac-sdn"].updated_at is not None and not response.index_stale


def test_algorithms_name_the_default_and_best(client: Client) -> None:
    response = client.algorithms()
    assert response.default == response.best == response.algorithms[0].name
    assert response.algorithms[0].docs and "name" in response.algorithms[0].docs


def test_match_finds_gertler_with_yente_parameters(client: Client) -> None:
    query = Person(name="Dan Gertler", birthDate="1973-12-23")
    response = client.match(
        query,
        datasets=["default"],
        threshold=0.8,
        cutoff=0.5,
        algorithm="best",
        weights={"name": 1.0},
        topics=["sanction"],
        exclude_schemata=["Vessel"],
        limit=3,
    )
    assert response.top is not None and response.top.id == GERTLER
    assert response.top.match and response.top.score >= 0.9
    assert response.top.explanations["name"].candidate == "GERTLER, Dan"
    assert response.limit == 3 and response.total.value >= 1
    assert response.query["properties"]["name"] == ["Dan Gertler"]
    excluded = client.match(query, datasets=["ofac-sdn"], exclude_entities=[GERTLER])
    assert GERTLER not in {r.id for r in excluded.results}
    assert client.match(query, topics=["crime.terror"]).results == []


def test_match_iter_streams_answers(client: Client) -> None:
    entities = [
        ("p", Person(name="Dan Gertler")),
        ("c", Company(name="Banco Nacional de Cuba")),
    ]
    results = dict(client.match_iter(entities, workers=2))
    assert set(results) == {"p", "c"}
    assert all(not isinstance(r, Exception) and r.results for r in results.values())


def test_search_finds_gertler_with_filters_paging_and_facets(client: Client) -> None:
    response = client.search("Dan Gertler", schema="Person", datasets=["ofac-sdn"], limit=5)
    assert response.results[0].id == GERTLER and response.limit == 5
    assert response.total.value >= len(response.results)
    assert response.facets["datasets"].values[0].name == "ofac-sdn"
    page = client.search("Gertler", limit=1, offset=1, facets=["schema"])
    assert page.offset == 1 and len(page.results) <= 1 and set(page.facets) == {"schema"}
    nothing = client.search("Dan Gertler", datasets=["un-sc"])
    assert GERTLER not in {r.id for r in nothing.results}


def test_fetch_and_adjacent_return_the_entity(client: Client) -> None:
    entity = client.fetch(GERTLER)
    assert entity.id == GERTLER and entity.schema_ == "Person"
    assert "GERTLER, Dan" in entity.properties["name"] and entity.datasets == ["ofac-sdn"]
    assert client.fetch(GERTLER, nested=False).caption == entity.caption
    adjacent = client.adjacent(GERTLER)
    assert adjacent.entity.id == GERTLER
    assert client.adjacent(GERTLER, prop="associateId").total.value >= 0
    with pytest.raises(NotFoundError):
        client.fetch("ofac-sdn:no-such-entity")


def test_statements_are_404_as_on_yente(client: Client) -> None:
    with pytest.raises(NotFoundError):
        client.statements(canonical_id=GERTLER)


def test_keys_in_either_header_or_the_query_string(server: ApiServer, cli_key: str) -> None:
    with (
        Client(api_key="not-a-key", base_url=server.base) as wrong,
        pytest.raises(AuthenticationError),
    ):
        wrong.algorithms()
    with server.client() as anonymous:
        assert anonymous.get("/algorithms").status_code == 401
        assert anonymous.get("/algorithms", params={"api_key": cli_key}).status_code == 200
        bearer = {"Authorization": f"Bearer {cli_key}"}
        assert anonymous.get("/catalog", headers=bearer).status_code == 200
