"""`sanctions scan`, `sanctions scan-payment`, `POST /v1/scan` and `POST /v1/scan/payment` over
the real OFAC + UN store: exit codes 0/1/2, the JSON shapes, errors that name the file, and
the API giving the CLI's answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sanctions.api import create_app
from sanctions.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "payments"
PROSE = (
    "Minutes of the call. Mr. Dan Gertler's companies were discussed at length; the\n"
    "shipment is to be routed through Sevastopol before the end of the month.\n"
)
runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", str(db)])
    return result.exit_code, result.stdout, result.stderr


def test_scan_a_document(eval_db: Path, tmp_path: Path, data_dir: Path) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text(PROSE, encoding="cp1252")
    code, stdout, stderr = run(eval_db, "scan", str(memo), "--json")
    assert code == 1, stderr
    [doc] = json.loads(stdout)["documents"]
    [hit] = doc["hits"]
    assert hit["entity_id"] == "ofac-sdn:23252" and hit["page"] == 1
    assert PROSE[hit["start"] : hit["end"]] == hit["matched_text"]
    assert "Gertler" in hit["snippet"] and hit["explanation"]
    [place] = doc["regions"]
    assert (
        place["region"] == "ua-sevastopol" and PROSE[place["start"] : place["end"]] == "Sevastopol"
    )
    letter = data_dir / "documents" / "letter_karabakh_sanctions_2023.txt"
    code, stdout, _ = run(eval_db, "scan", str(letter))
    assert code == 0 and "nothing found" in stdout


def test_scan_refuses_what_it_cannot_read(eval_db: Path, tmp_path: Path) -> None:
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    code, _, stderr = run(eval_db, "scan", str(image))
    assert code == 2 and "scan.png" in stderr
    code, _, stderr = run(eval_db, "scan", str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in stderr


def test_scan_payment_exit_codes(eval_db: Path, data_dir: Path) -> None:
    real = sorted(str(p) for p in (data_dir / "payments").iterdir())
    code, stdout, stderr = run(eval_db, "scan-payment", *real, "--json")
    assert code == 0, stderr
    body = json.loads(stdout)
    assert body["messages"] == 19 and body["held"] == 0
    assert {r["verdict"] for r in body["results"]} == {"pass"}
    code, stdout, _ = run(eval_db, "scan-payment", str(FIXTURES / "mt202cov_input.fin"), "--json")
    assert code == 1
    [result] = json.loads(stdout)["results"]
    assert result["verdict"] == "hold" and result["kind"] == "MT202COV"
    assert any(f["path"] == "4:58A" and f["kind"] == "bank" for f in result["findings"])
    code, stdout, _ = run(eval_db, "scan-payment", str(FIXTURES / "mt103_input_crlf.fin"))
    assert code == 1 and "HOLD" in stdout


def test_an_unreadable_message_never_passes(eval_db: Path, data_dir: Path) -> None:
    good = str(data_dir / "payments" / "pacs.008.001.07.xml")
    for bad in ("truncated_pacs.008.xml", "doctype_xxe.xml", "mt940_statement.fin"):
        path = FIXTURES / "malformed" / bad
        code, stdout, stderr = run(eval_db, "scan-payment", good, str(path), "--json")
        assert code == 2, bad
        assert bad in stderr
        body = json.loads(stdout)
        assert body["unreadable_files"] == 1 and body["messages"] == 1  # only the good one


@pytest.fixture(scope="module")
def client(eval_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(eval_db, no_auth=True, reload_every=0)) as test_client:
        while test_client.get("/readyz").status_code != 200:
            pass
        yield test_client


def test_api_scan_gives_the_cli_answer(client: TestClient, eval_db: Path, tmp_path: Path) -> None:
    upload = client.post("/v1/scan", files={"file": ("memo.txt", PROSE.encode(), "text/plain")})
    raw = client.post("/v1/scan?filename=memo.txt", content=PROSE.encode())
    assert upload.status_code == raw.status_code == 200
    memo = tmp_path / "memo.txt"
    memo.write_text(PROSE, encoding="utf-8")
    _, stdout, _ = run(eval_db, "scan", str(memo), "--json")
    [cli] = json.loads(stdout)["documents"]
    for response in (upload, raw):
        body = response.json()
        assert body["hits"] == cli["hits"] and body["regions"] == cli["regions"]
    empty = client.post("/v1/scan", content=b"")
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "body"
    junk = client.post("/v1/scan", content=b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert junk.status_code == 422


def test_api_scan_payment(client: TestClient, data_dir: Path) -> None:
    clean = (data_dir / "payments" / "MT103-out-ack.rje").read_bytes()
    body = client.post("/v1/scan/payment", content=clean).json()
    assert body["messages"] == 13 and body["held"] == 0
    held = client.post(
        "/v1/scan/payment", content=(FIXTURES / "pacs.009.001.08_cov.xml").read_bytes()
    ).json()
    assert held["held"] == 1 and held["results"][0]["verdict"] == "hold"
    broken = client.post(
        "/v1/scan/payment", content=(FIXTURES / "malformed" / "doctype_xxe.xml").read_bytes()
    )
    assert broken.status_code == 422 and "DOCTYPE" in broken.json()["error"]
    assert "/v1/scan/payment" in client.get("/openapi.json").json()["paths"]
