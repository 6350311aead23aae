"""Web UI page times with the full OFAC + UN lists loaded and 1,000+ alerts in the queue.

    python ui_pages.py [--runs 30] [--write ../docs/benchmarks.md]

The store holds OFAC (SDN 2023 and the 2024 snapshot, so entities have a history, and the
consolidated list) and UN. A portfolio of 1,200 customers written "First Last" from real
listed individuals goes through a real monitoring run, which opens the alerts. Each page is
requested in process (Starlette's TestClient, signed in through the form) `--runs` times after
a warm-up; the time is the server's (the app's own handling, measured around the ASGI call,
without the test client's overhead). The baseline in the same run is the JSON API route that
reads the same data (`/v1/screen`, `/v1/entities/...`, `/v1/alerts`), so the cost of rendering
HTML is visible beside the cost of the work. Target (issue 12): each page <= 100 ms.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from _common import DATA, machine, write_section
from sanctions.api import create_app
from sanctions.auth import create_key, create_user, set_password
from sanctions.ingest.load import load_paths
from sanctions.monitor.customers import import_customers
from sanctions.monitor.run import run_monitor
from sanctions.store import Store

HEADING = "## Web UI pages (`benchmarks/ui_pages.py`)"
PASSWORD = "benchmark password"
CUSTOMERS = 1200


class ServerTimer:
    """ASGI middleware-free timing: wraps the app and records each request's duration."""

    def __init__(self, app: Any) -> None:
        self.app, self.last = app, 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.last = time.perf_counter() - started


def sdn_people(path: Path, limit: int) -> list[str]:
    people = []
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) > 3 and row[2].strip() == "individual" and row[1].count(",") == 1:
                last, first = (p.strip() for p in row[1].split(","))
                if first and last:
                    people.append(f"{first.title()} {last.title()}")
    return people[:limit]


def build(folder: Path) -> tuple[Path, str, int]:
    db = folder / "store.db"
    snapshot = folder / "sdn-2024"
    snapshot.mkdir()
    shutil.copyfile(DATA / "ofac" / "snapshots" / "sdn_2024-05-03.csv", snapshot / "sdn.csv")
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copyfile(DATA / "ofac" / name, snapshot / name)
    customers = folder / "customers.csv"
    with customers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "schema"])
        for number, name in enumerate(sdn_people(DATA / "ofac" / "sdn.csv", CUSTOMERS)):
            writer.writerow([f"C{number:05d}", name, "Person"])
    with Store(db) as store:
        load_paths(store, [DATA / "ofac"])
        load_paths(store, [snapshot])
        load_paths(store, [DATA / "un" / "consolidated.xml"])
        create_user(store, "bench", "admin", actor="benchmark")
        set_password(store, "bench", PASSWORD, actor="benchmark")
        key = create_key(store, "bench-key", user="bench")
        import_customers(store, customers, user="benchmark")
        run = run_monitor(store, full=True, user="benchmark")
    return db, key, run.new_alerts


def sign_in(client: TestClient) -> None:
    form = client.get("/ui/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    data = {"username": "bench", "password": PASSWORD, "csrf": token.group(1), "next": "/ui/"}
    assert client.post("/ui/login", data=data, follow_redirects=False).status_code == 303


def measure(
    client: TestClient, timer: ServerTimer, runs: int, method: str, path: str, **kwargs: Any
) -> float:
    """Median server time in ms, after two warm-up requests."""
    times = []
    for i in range(runs + 2):
        response = client.request(method, path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        if i >= 2:
            times.append(timer.last * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        db, key, alerts = build(Path(tmp))
        print(
            f"store built in {time.perf_counter() - started:.0f} s, {alerts:,} alerts",
            file=sys.stderr,
        )
        timer = ServerTimer(create_app(db, reload_every=0))
        with TestClient(timer) as client:  # type: ignore[arg-type]
            while client.get("/readyz").status_code != 200:
                time.sleep(0.1)
            sign_in(client)
            api = {"Authorization": f"Bearer {key}"}
            with Store(db) as store:
                first_alert = store.db.one("SELECT MIN(id) FROM alerts")[0]  # type: ignore[index]
            rows = [
                ("dashboard", "/ui/", None),
                (
                    "screening: Dan Gertler",
                    "/ui/screen?name=Dan+Gertler",
                    ("POST", "/v1/screen", {"json": {"name": "Dan Gertler"}}),
                ),
                (
                    "entity with history: ofac-sdn:23252",
                    "/ui/entities/ofac-sdn:23252",
                    ("GET", "/v1/entities/ofac-sdn:23252", {}),
                ),
                (
                    "list changes: ofac-sdn v1 -> v2",
                    "/ui/changes/ofac-sdn",
                    ("GET", "/v1/lists/ofac-sdn/changes", {}),
                ),
                (
                    f"alert queue ({alerts:,} open, first page)",
                    "/ui/alerts",
                    ("GET", "/v1/alerts?limit=50", {}),
                ),
                (
                    "alert review",
                    f"/ui/alerts/{first_alert}",
                    ("GET", f"/v1/alerts/{first_alert}", {}),
                ),
                ("customers", "/ui/customers", None),
                ("audit", "/ui/audit", ("GET", "/v1/audit?limit=100", {})),
            ]
            results = []
            for label, path, baseline in rows:
                page_ms = measure(client, timer, args.runs, "GET", path)
                base_ms = None
                if baseline is not None:
                    method, api_path, extra = baseline
                    base_ms = measure(
                        client, timer, args.runs, method, api_path, headers=api, **extra
                    )
                results.append((label, path, page_ms, base_ms))
                base = f"{base_ms:.1f}" if base_ms is not None else "-"
                print(f"{label:45s} {page_ms:7.1f} ms   API {base} ms", file=sys.stderr)
    section = render(results, args.runs)
    print(section)
    if args.write:
        write_section(args.write, HEADING, section)


def render(results: list[tuple[str, str, float, float | None]], runs: int) -> str:
    lines = [
        HEADING,
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}. Server time per page (the app's "
        f"handling of the request, in process), median of {runs} requests after 2 warm-ups, signed "
        "in, with OFAC (SDN 2023 + 2024 snapshot, consolidated) and UN loaded and the alerts of a "
        f"real monitoring run over {CUSTOMERS:,} customers named after listed people. "
        "Baseline: the JSON API route over the same data, same run. Target: each page <= 100 ms.",
        "",
        "| page | path | page (ms) | API JSON (ms) | <= 100 ms |",
        "|---|---|---:|---:|---|",
    ]
    for label, path, page_ms, base_ms in results:
        base = f"{base_ms:.1f}" if base_ms is not None else "-"
        ok = "yes" if page_ms <= 100 else "**no**"
        lines.append(f"| {label} | `{path}` | {page_ms:.1f} | {base} | {ok} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
