"""HTTP API load test on loopback: throughput and p50/p99 latency at 1, 8 and 32 clients.

    python benchmarks/api_load.py [--workers 2] [--seconds 10] [--write docs/benchmarks.md]

Starts `sanctions serve --no-auth` over a store holding every real list (SCREENING_LISTS),
then for each concurrency sends single-name `POST /v1/screen` requests for a fixed time,
names drawn in turn from the yente global negatives (real-looking people who are not listed:
the common case in production). The load comes from `wrk` (Debian package `wrk`) when it is
installed, as it takes little CPU from the server; otherwise from httpx.AsyncClient loops,
which compete with the server for this machine's cores (`--client httpx` forces them). A
short warm-up precedes each level.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
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
            # Several workers each build their index: wait until many probes in a row are 200.
            if all(httpx.get(base + "/readyz", timeout=2).status_code == 200 for _ in range(20)):
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


WRK_SCRIPT = """
local names = {}
for line in io.lines(os.getenv("NAMES_FILE")) do names[#names + 1] = line end
local i = 0
request = function()
  i = i % #names + 1
  local body = '{"name": "' .. names[i] .. '", "schema": "Person"}'
  return wrk.format("POST", "/v1/screen", {["Content-Type"] = "application/json"}, body)
end
"""
_WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _wrk_seconds(text: str) -> float:
    number = text.rstrip("usm")
    return float(number) * _WRK_UNITS[text[len(number) :]]


def run_wrk(base: str, names: list[str], clients: int, seconds: float) -> Row:
    """One level driven by wrk: (clients, requests, errors, req/s, p50 s, p99 s)."""
    with tempfile.TemporaryDirectory() as tmp:
        script, names_file = Path(tmp) / "screen.lua", Path(tmp) / "names.txt"
        script.write_text(WRK_SCRIPT)
        names_file.write_text("\n".join(n.replace('"', "").replace("\\", "") for n in names))
        command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--latency", "-s"]
        env = {**os.environ, "NAMES_FILE": str(names_file)}
        warm = [*command[:3], "-d2s", "-s", str(script), base]
        subprocess.run(warm, env=env, capture_output=True, check=True)
        out = subprocess.run(
            [*command, str(script), base], env=env, capture_output=True, text=True, check=True
        ).stdout
    found = {
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M),
        "count": re.search(r"(\d+) requests in", out),
        "rate": re.search(r"Requests/sec:\s+([\d.]+)", out),
    }
    if not all(found.values()):
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(x) for x in socket_errors.groups()) if socket_errors else 0
    return (
        clients,
        int(found["count"].group(1)),  # type: ignore[union-attr]
        errors,
        float(found["rate"].group(1)),  # type: ignore[union-attr]
        _wrk_seconds(found["p50"].group(1)),  # type: ignore[union-attr]
        _wrk_seconds(found["p99"].group(1)),  # type: ignore[union-attr]
    )


Row = tuple[int, int, int, float, float, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per level")
    parser.add_argument("--db", type=Path, help="reuse a store holding every real list")
    parser.add_argument("--write", type=Path, help="write the section into this markdown file")
    parser.add_argument(
        "--client", choices=("wrk", "httpx"), help="load generator [default: wrk if installed]"
    )
    args = parser.parse_args()
    args.client = args.client or ("wrk" if shutil.which("wrk") else "httpx")
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
            rows: list[Row] = []
            for clients in LEVELS:
                if args.client == "wrk":
                    row = run_wrk(base, names, clients, args.seconds)
                else:
                    count, errors, elapsed, lat = asyncio.run(
                        run_level(base, names, clients, args.seconds)
                    )
                    p50, p99 = statistics.median(lat), percentile(lat, 0.99)
                    row = (clients, count, errors, count / elapsed, p50, p99)
                rows.append(row)
                _, count, errors, rate, p50, p99 = row
                print(
                    f"{clients:>3} clients: {count:>6} requests, {errors} errors, "
                    f"{rate:7.1f} req/s, p50 {p50 * 1e3:6.1f} ms, p99 {p99 * 1e3:6.1f} ms",
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


def render(rows: list[Row], args: argparse.Namespace, entities: int) -> str:
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    client = "wrk (1 thread)" if args.client == "wrk" else "httpx.AsyncClient loops"
    lines = [
        HEADING,
        "",
        f"{date}, {machine()}; `sanctions serve --no-auth --workers {args.workers}` on loopback "
        f"against every real list ({entities:,} entities); load generator: {client} on the same "
        f"{os.cpu_count()} cores. Each level: {args.seconds:g} s of single-name "
        "`POST /v1/screen` requests (names from `pairs/yente_negatives_global.csv`) after a "
        "warm-up. Targets (issue 5): p99 ≤ 50 ms at 8 clients, ≥ 500 req/s.",
        "",
        "| clients | requests | errors | req/s | p50 ms | p99 ms |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for clients, count, errors, rate, p50, p99 in rows:
        latency = f"{p50 * 1e3:.1f} | {p99 * 1e3:.1f}"
        lines.append(f"| {clients} | {count:,} | {errors} | {rate:,.0f} | {latency} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
