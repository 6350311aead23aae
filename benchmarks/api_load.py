"""HTTP API load test on loopback: throughput and p50/p99 latency at 1, 8 and 32 clients.

    python benchmarks/api_load.py [--workers 2] [--seconds 10] [--write docs/benchmarks.md]

Starts `sanctions serve --no-auth` over a store holding every real list (SCREENING_LISTS),
then for each concurrency runs that many httpx.AsyncClient loops for a fixed time, each
sending single-name `POST /v1/screen` requests drawn in turn from the yente global negatives
(real-looking people who are not listed: the common case in production). A short warm-up
precedes each level. Client and server share this machine's cores, so the numbers are a
floor for a server that has the machine to itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from _common import PAIRS, load_screening_store, machine, read_csv, timed, write_section

HEADING = "## HTTP API load (`benchmarks/api_load.py`)"
LEVELS = (1, 8, 32)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from sanctions.cli import main; main()", "serve"]
    command += ["--db", str(db), "--port", str(port), "--workers", str(workers)]
    command += ["--no-auth", "--log-level", "warning", "--reload-every", "0"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited while starting")
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become ready")


async def run_level(
    base: str, names: list[str], clients: int, seconds: float
) -> tuple[int, int, float, list[float]]:
    """(requests, errors, elapsed seconds, latencies in seconds) for one concurrency level."""
    latencies: list[float] = []
    errors = 0
    counter = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def loop(deadline: float, record: bool) -> None:
            nonlocal errors, counter
            while time.perf_counter() < deadline:
                name = names[counter % len(names)]
                counter += 1
                started = time.perf_counter()
                response = await client.post("/v1/screen", json={"name": name})
                took = time.perf_counter() - started
                if record:
                    latencies.append(took)
                    errors += response.status_code != 200

        warm = time.perf_counter() + min(2.0, seconds / 4)
        await asyncio.gather(*(loop(warm, False) for _ in range(clients)))
        started = time.perf_counter()
        await asyncio.gather(*(loop(started + seconds, True) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return len(latencies), errors, elapsed, latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per level")
    parser.add_argument("--db", type=Path, help="reuse a store holding every real list")
    parser.add_argument("--write", type=Path, help="write the section into this markdown file")
    args = parser.parse_args()
    names = [row["full_name"] for row in read_csv(PAIRS / "yente_negatives_global.csv")]
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            with timed("load every real list"):
                db = load_screening_store(Path(tmp) / "store.db")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = start_server(db, port, args.workers)
        try:
            with timed(f"server start ({args.workers} workers)"):
                wait_ready(base, process)
            entities = httpx.get(base + "/readyz").json()["entities"]
            rows = []
            for clients in LEVELS:
                count, errors, elapsed, lat = asyncio.run(
                    run_level(base, names, clients, args.seconds)
                )
                row = (clients, count, errors, count / elapsed, lat)
                rows.append(row)
                print(
                    f"{clients:>3} clients: {count:>6} requests, {errors} errors, "
                    f"{count / elapsed:7.1f} req/s, p50 {statistics.median(lat) * 1e3:6.1f} ms, "
                    f"p99 {percentile(lat, 0.99) * 1e3:6.1f} ms",
                    flush=True,
                )
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    if args.write:
        write_section(args.write, HEADING, render(rows, args, entities))
        print(f"wrote {args.write}")


def render(rows: list[tuple[int, int, int, float, list[float]]], args: argparse.Namespace,
           entities: int) -> str:  # fmt: skip
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    lines = [
        HEADING,
        "",
        f"{date}, {machine()}; `sanctions serve --no-auth --workers {args.workers}` on loopback "
        f"against every real list ({entities:,} entities), httpx.AsyncClient load generator on "
        f"the same {os.cpu_count()} cores. Each level: {args.seconds:g} s of single-name "
        "`POST /v1/screen` requests (names from `pairs/yente_negatives_global.csv`) after a "
        "warm-up. Targets (issue 5): p99 ≤ 50 ms at 8 clients, ≥ 500 req/s.",
        "",
        "| clients | requests | errors | req/s | p50 ms | p99 ms |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for clients, count, errors, rate, lat in rows:
        lines.append(
            f"| {clients} | {count:,} | {errors} | {rate:,.0f} | "
            f"{statistics.median(lat) * 1e3:.1f} | {percentile(lat, 0.99) * 1e3:.1f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
