"""`POST /match/{dataset}` answers yente clients in yente's shape (yente/data/common.py)."""

from __future__ import annotations

from apiserver import ApiServer

# The example body of yente's /match documentation (yente/routers/match.py docstring).
YENTE_DOC_BODY = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["John Doe"],
                "birthDate": ["1975-04-21"],
                "nationality": ["us"],
            },
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"],
            },
        },
    }
}
RESULT_FIELDS = {
    "id",
    "caption",
    "schema",
    "properties",
    "datasets",
    "referents",
    "target",
    "first_seen",
    "last_seen",
    "last_change",
    "score",
    "features",
    "match",
}


def test_yente_documentation_body_gets_a_yente_shaped_response(server: ApiServer, key: str) -> None:
    with server.client(key) as client:
        response = client.post("/match/default", json=YENTE_DOC_BODY)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"responses", "matcher", "limit"} and body["limit"] == 5
    assert set(body["responses"]) == {"entity1", "entity2"}
    for key_, entity in YENTE_DOC_BODY["queries"].items():
        matches = body["responses"][key_]
        assert set(matches) == {"status", "results", "total", "query"}
        assert matches["status"] == 200 and matches["total"]["relation"] == "eq"
        assert matches["total"]["value"] >= len(matches["results"])
        assert matches["query"]["schema"] == entity["schema"]
        assert matches["query"]["properties"] == entity["properties"]
        for result in matches["results"]:
            assert set(result) >= RESULT_FIELDS
            assert isinstance(result["match"], bool) and 0 <= result["score"] <= 1
    assert all(isinstance(v["description"], str) for v in body["matcher"].values())


def test_a_listed_person_is_a_match_with_features_and_explanations(
    server: ApiServer, key: str
) -> None:
    query = {
        "schema": "Person",
        "properties": {"name": ["Dan Gertler"], "birthDate": ["1973-12-23"]},
    }
    with server.client(key) as client:
        body = client.post(
            "/match/ofac-sdn", params={"limit": 2}, json={"queries": {"q": query}}
        ).json()
    assert body["limit"] == 2
    top = body["responses"]["q"]["results"][0]
    assert top["id"] == "ofac-sdn:23252" and top["match"] is True and top["score"] >= 0.9
    assert top["features"]["birth_date"] > 0 and top["datasets"] == ["ofac-sdn"]
    assert "GERTLER, Dan" in top["properties"]["name"]
    # yente's per-feature explanations, and ours (which names matched, and why) beside them
    assert top["explanations"]["name"]["candidate"] == "GERTLER, Dan"
    assert top["explanations"]["birth_date"]["score"] == top["features"]["birth_date"]
    assert top["explanation"]["matched_name"] == "GERTLER, Dan"


def test_company_query_may_match_a_listed_organization(server: ApiServer, key: str) -> None:
    query = {"schema": "Company", "properties": {"name": "Banco Nacional de Cuba"}}
    with server.client(key) as client:
        body = client.post("/match/default", json={"queries": {"q": query}}).json()
    results = body["responses"]["q"]["results"]
    assert results and results[0]["match"] is True
    assert results[0]["schema"] in {"Organization", "Company", "LegalEntity"}


def test_threshold_sets_match_and_unknown_dataset_is_404(server: ApiServer, key: str) -> None:
    query = {"schema": "Person", "properties": {"name": ["Dan Gertler"]}}
    with server.client(key) as client:
        strict = client.post(
            "/match/default",
            params={"threshold": 1.0, "cutoff": 0.5},
            json={"queries": {"q": query}},
        ).json()
        assert any(r["match"] for r in strict["responses"]["q"]["results"])  # score 1.0 exactly
        response = client.post("/match/eu-fsf", json={"queries": {"q": query}})
        assert response.status_code == 404 and "default" in response.json()["error"]
        bad = client.post(
            "/match/default", json={"queries": {"q": {"schema": "Person", "properties": {}}}}
        )
        assert bad.status_code == 400 and bad.json()["errors"][0]["field"].startswith("queries.q")
        unknown = client.post(
            "/match/default",
            json={"queries": {"q": {"schema": "Thing", "properties": {"name": "x"}}}},
        )
        assert unknown.status_code == 400
