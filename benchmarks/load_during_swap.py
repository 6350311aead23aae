"""Screening latency while a new list version loads and the server swaps its index.

    python benchmarks/load_during_swap.py [--clients 32] [--seconds 20] [--workers 1]
        [--nice 0] [--json] [--write docs/benchmarks.md]

Starts `sanctions serve --no-auth --reload-every 1` over a real store (the OFAC folder of
2023-12-28 and the UN list), then runs `--clients` concurrent clients (asyncio loops over
one httpx.AsyncClient) that send single-name `POST /v1/screen` requests, names taken in
turn from real listed people (UN, as the yente fixtures spell them) and real-looking
unlisted ones (yente global negatives). After a warm-up, two phases of `--seconds` each, in
the same run and with the same clients:

- baseline: nothing else happens;
- load: at its start, `sanctions load` of the 2024-05-03 SDN snapshot runs in a subprocess
  (it parses, writes the version in one transaction and rebuilds the saved index); the
  server notices the new version within a second and swaps its index. The phase lasts at
  least until the first answer from the new version plus one second.

Reported per phase: answers, errors (non-200 answers and transport errors; must be 0),
median/p95/p99/max latency; for the load phase also the windows "loading" (the load
process runs) and "swap" (from the load's end to one second after the first answer from
the new version), the load's wall time and the swap delay (load end to first new answer).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from _common import DATA, PAIRS, machine, read_csv, write_section

HEADING = "## Load during a swap (`benchmarks/load_during_swap.py`)"
SNAPSHOT = DATA / "ofac" / "snapshots" / "sdn_2024-05-03.csv"
CLI = [sys.executable, "-c", "from sanctions.cli import main; main()"]
# `--server-build in-process`: the server as it was before it had a child process build a
# missing or stale index (open_index without build_aside), to compare.
IN_PROCESS_SERVER = [
    sys.executable,
    "-c",
    "import sanctions.screen.screener as s\n"
    "o = s.open_index\n"
    "s.open_index = lambda store, **k: o(store, rebuild=k.get('rebuild', False))\n"
    "from sanctions.cli import main\n"
    "main()\n",
]
# `--loader bare`: a load that only writes the version (load_paths), leaving the index to
# whoever needs it next: here the server.
BARE_LOADER = [
    sys.executable,
    "-c",
    "import json, sys\n"
    "from pathlib import Path\n"
    "from sanctions.ingest.load import load_paths\n"
    "from sanctions.store import Store\n"
    "with Store(sys.argv[1]) as store:\n"
    "    results = load_paths(store, [Path(sys.argv[2])])\n"
    "print(json.dumps([r.to_json() for r in results]))\n",
]


@dataclass
class Sample:
    started: float  # perf_counter at send
    took: float  # seconds
    ok: bool
    sdn_version: int | None  # the ofac-sdn version the answer came from


@dataclass
class Row:
    phase: str
    seconds: float
    answers: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(path: Path) -> None:
    from sanctions.ingest.load import load_paths
    from sanctions.screen.persistent import open_index
    from sanctions.store import Store

    with Store(path) as store:
        load_paths(store, [DATA / "ofac", DATA / "un" / "consolidated.xml"])
        open_index(store)


def start_server(
    db: Path, port: int, args: argparse.Namespace, log: Path
) -> subprocess.Popen[bytes]:
    program = IN_PROCESS_SERVER if args.server_build == "in-process" else CLI
    command = [*program, "serve", "--db", str(db), "--port", str(port)]
    command += ["--workers", str(args.workers)]
    command += ["--no-auth", "--log-level", args.log_level, "--reload-every", "1"]
    with log.open("wb") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited while starting:\n{log.read_text()[-2000:]}")
        try:
            answer = httpx.post(base + "/v1/screen", json={"name": "Dan Gertler"}, timeout=5)
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become ready")


def names() -> list[str]:
    listed = [r["full_name"] for r in read_csv(PAIRS / "yente_positives_un_untreated.csv")]
    unlisted = [r["full_name"] for r in read_csv(PAIRS / "yente_negatives_global.csv")][:5000]
    mixed = [n for pair in zip(listed * 8, unlisted, strict=False) for n in pair]
    return [n for n in mixed if n.strip()]


class Clients:
    """`count` loops screening names until `stop` is set; every answer becomes a Sample."""

    def __init__(self, base: str, count: int, names: list[str]) -> None:
        self.base, self.count, self.names = base, count, names
        self.samples: list[Sample] = []
        self.failures: Counter[str] = Counter()  # what the errors were
        self.record = False
        self.stop = asyncio.Event()
        self._next = 0

    async def run(self) -> None:
        limits = httpx.Limits(max_connections=self.count, max_keepalive_connections=self.count)
        async with httpx.AsyncClient(base_url=self.base, limits=limits, timeout=60) as client:
            await asyncio.gather(*(self._loop(client) for _ in range(self.count)))

    async def _loop(self, client: httpx.AsyncClient) -> None:
        while not self.stop.is_set():
            name = self.names[self._next % len(self.names)]
            self._next += 1
            started = time.perf_counter()
            version = None
            try:
                response = await client.post("/v1/screen", json={"name": name})
                ok = response.status_code == 200
                if ok:
                    version = response.json()["lists"].get("ofac-sdn")
                elif self.record:
                    self.failures[f"{response.status_code} {response.text[:200]}"] += 1
            except httpx.HTTPError as exc:
                ok = False
                if self.record:
                    self.failures[repr(exc)[:200]] += 1
            if self.record:
                self.samples.append(Sample(started, time.perf_counter() - started, ok, version))


def summarize(phase: str, samples: list[Sample], seconds: float) -> Row:
    took = sorted(s.took for s in samples) or [0.0]

    def q(p: float) -> float:
        return took[min(len(took) - 1, int(p * len(took)))] * 1e3

    return Row(
        phase,
        round(seconds, 1),
        len(samples),
        sum(not s.ok for s in samples),
        round(statistics.median(took) * 1e3, 1),
        round(q(0.95), 1),
        round(q(0.99), 1),
        round(took[-1] * 1e3, 1),
    )


async def measure(base: str, args: argparse.Namespace, db: Path) -> dict[str, Any]:
    clients = Clients(base, args.clients, names())
    runner = asyncio.create_task(clients.run())
    await asyncio.sleep(args.warmup)
    clients.record = True
    t0 = time.perf_counter()
    await asyncio.sleep(args.seconds)
    t1 = time.perf_counter()
    if args.loader == "bare":
        load_command = [*BARE_LOADER, str(db), str(SNAPSHOT)]
    else:
        load_command = [*CLI, "load", "--db", str(db), str(SNAPSHOT), "--json"]
    nice = (lambda: os.nice(args.nice)) if args.nice else None
    loader = subprocess.Popen(
        load_command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=nice
    )
    while loader.poll() is None:
        await asyncio.sleep(0.02)
    t_loaded = time.perf_counter()
    if loader.returncode != 0:
        raise SystemExit(f"the load failed ({loader.returncode})")
    (result,) = json.loads(loader.stdout.read() if loader.stdout else b"[]")
    new_version = result["version"]
    first_new: float | None = None
    deadline = t_loaded + 120
    while time.perf_counter() < max(t1 + args.seconds, (first_new or deadline) + 1.0):
        if first_new is None:
            new = [s.started + s.took for s in clients.samples if s.sdn_version == new_version]
            first_new = min(new) if new else None
            if first_new is None and time.perf_counter() > deadline:
                raise SystemExit("the server never answered from the new version")
        await asyncio.sleep(0.05)
    t2 = time.perf_counter()
    clients.stop.set()
    await runner
    assert first_new is not None
    samples = clients.samples

    def window(start: float, end: float) -> list[Sample]:
        return [s for s in samples if start <= s.started < end]

    rows = [
        summarize("baseline", window(t0, t1), t1 - t0),
        summarize("load (whole phase)", window(t1, t2), t2 - t1),
        summarize("  loading", window(t1, t_loaded), t_loaded - t1),
        summarize("  swap", window(t_loaded, first_new + 1.0), first_new + 1.0 - t_loaded),
    ]
    answered = sorted(window(t1, t2), key=lambda s: s.started + s.took)
    versions = [s.sdn_version or 0 for s in answered if s.ok]
    return {
        "rows": rows,
        "load_seconds": round(t_loaded - t1, 2),
        "swap_delay_seconds": round(first_new - t_loaded, 2),
        "new_version": new_version,
        "old_answers_after_swap": sum(
            1 for s in window(first_new, t2) if s.ok and s.sdn_version != new_version
        ),
        "versions_in_order": versions == sorted(versions),  # by the time answered
        "failures": dict(clients.failures.most_common(5)),
    }


def render_table(report: dict[str, Any]) -> Table:
    table = Table(title="Screening while a list loads (latency in ms)")
    for column in ("phase", "s", "answers", "errors", "p50", "p95", "p99", "max"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    for row in report["rows"]:
        table.add_row(
            row.phase,
            f"{row.seconds:g}",
            f"{row.answers:,}",
            str(row.errors),
            *(f"{v:.1f}" for v in (row.p50_ms, row.p95_ms, row.p99_ms, row.max_ms)),
        )
    return table


def render_markdown(report: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        "| phase | seconds | answers | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["rows"]:
        lines.append(
            f"| {row.phase.strip()} | {row.seconds:g} | {row.answers:,} | {row.errors} | "
            f"{row.p50_ms:.1f} | {row.p95_ms:.1f} | {row.p99_ms:.1f} | {row.max_ms:.1f} |"
        )
    lines.append("")
    lines.append(
        f"Load (parse, write, index rebuild) {report['load_seconds']} s; swap delay (load end "
        f"to first answer from version {report['new_version']}) "
        f"{report['swap_delay_seconds']} s; answers from the old version after that: "
        f"{report['old_answers_after_swap']}."
    )
    if "all_runs" in report:
        lines.append("")
        lines.append(
            f"The median run (by load-phase p99) of {len(report['all_runs'])}; over all runs: "
            f"{sum(run['errors'] for run in report['all_runs'])} errors in "
            f"{sum(run['answers'] for run in report['all_runs']):,} answers, load-phase p99 "
            + ", ".join(f"{run['p99_ms']:.0f}" for run in report["all_runs"])
            + " ms."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--nice", type=int, default=0, help="os.nice() of the load process")
    parser.add_argument(
        "--loader",
        choices=("cli", "bare"),
        default="cli",
        help="cli: `sanctions load` (rebuilds the index itself); bare: load_paths only",
    )
    parser.add_argument(
        "--server-build",
        choices=("child", "in-process"),
        default="child",
        help="how the server builds a missing index: a child process (now) or its own (before)",
    )
    parser.add_argument("--runs", type=int, default=1, help="repeat; report the median run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--server-log", type=Path, help="keep the server's log here")
    parser.add_argument("--log-level", default="warning", help="the server's log level")
    parser.add_argument("--write", type=Path, help="write the section into this markdown file")
    args = parser.parse_args()
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        base_db = Path(tmp) / "base.db"
        started = time.perf_counter()
        build_store(base_db)
        print(f"[time] load OFAC + UN: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for _ in range(args.runs):
            db = Path(tmp) / "store.db"
            for suffix in ("", ".index"):
                shutil.copyfile(f"{base_db}{suffix}", f"{db}{suffix}")
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log = Path(tmp) / "serve.log"
            server = start_server(db, port, args, log)
            try:
                wait_ready(base, server, log)
                reports.append(asyncio.run(measure(base, args, db)))
            finally:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                if args.server_log:
                    shutil.copyfile(log, args.server_log)
            for suffix in ("", ".index", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    # The run whose load-phase p99 is the median of the runs.
    reports.sort(key=lambda r: r["rows"][1].p99_ms)
    report = reports[len(reports) // 2]
    if len(reports) > 1:
        report["all_runs"] = [
            {
                "errors": sum(row.errors for row in r["rows"][:2]),
                "answers": sum(row.answers for row in r["rows"][:2]),
                "p99_ms": r["rows"][1].p99_ms,
            }
            for r in reports
        ]
    if args.json:
        out = {**report, "rows": [asdict(r) for r in report["rows"]]}
        out["runs_p99_ms"] = [[r["rows"][0].p99_ms, r["rows"][1].p99_ms] for r in reports]
        print(json.dumps(out, indent=2))
    else:
        Console().print(render_table(report))
        # the notes under the markdown table
        for line in render_markdown(report, args).split("\n\n", 1)[1].strip().splitlines():
            if line:
                print(line)
        for failure, count in report["failures"].items():
            print(f"error x{count}: {failure}")
    if args.write:
        command = " ".join(["python benchmarks/load_during_swap.py", *sys.argv[1:]])
        section = "\n".join(
            [
                HEADING,
                "",
                f"{machine()}. `{command}`: {args.clients} clients, {args.seconds:g} s per "
                f"phase, `--workers {args.workers}`, load process nice {args.nice}, loader "
                f"{args.loader}, server build {args.server_build}.",
                "",
                render_markdown(report, args),
            ]
        )
        write_section(args.write, HEADING, section)


if __name__ == "__main__":
    main()
