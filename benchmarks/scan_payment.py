"""Payment screening speed: messages per second on one core, end to end (parse, screen
every party, bank, place and free-text field, verdict), against OFAC + UN.

    python scan_payment.py [--db STORE] [--copies 200] [--write ../docs/benchmarks.md]

The traffic is the real clean messages of ../shared/data/payments (13 MT103 in one RJE file,
pacs.008, pacs.009, four pain.001) and the hand-made held fixtures of tests/fixtures/payments,
each repeated `--copies` times. The baseline in the same run is parsing alone (what the
screening adds is the difference). Target (issue 13): >= 500 messages per second per core.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import DATA, ROOT, machine, write_section
from sanctions.extract.payment import parse_messages
from sanctions.extract.verdict import PaymentScreener
from sanctions.ingest.load import load_paths
from sanctions.screen import Screener
from sanctions.store import Store

HEADING = "## Payment screening (`benchmarks/scan_payment.py`)"
FIXTURES = ROOT / "tests" / "fixtures" / "payments"


def traffic(kind: str = "all") -> list[tuple[str, bytes]]:
    files = sorted((DATA / "payments").iterdir()) if kind in ("all", "clean") else []
    if kind in ("all", "held"):
        files += sorted(p for p in FIXTURES.iterdir() if p.suffix in (".xml", ".fin"))
    return [(p.name, p.read_bytes()) for p in files]


LABELS = {
    "clean": "real clean traffic (shared/data/payments)",
    "held": "hand-made held fixtures (listed names in every field)",
    "all": "both",
}


def measure(
    payments: PaymentScreener, kind: str, copies: int, runs: int
) -> tuple[int, int, float, float]:
    sample = traffic(kind)
    parsed = [m for name, data in sample for m in parse_messages(data, name)]
    held = sum(payments.verdict(m).verdict == "hold" for m in parsed)
    inputs = sample * copies
    parse_times, full_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        for name, data in inputs:
            parse_messages(data, name)
        parse_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        for name, data in inputs:
            for message in parse_messages(data, name):
                payments.verdict(message)
        full_times.append(time.perf_counter() - started)
    total = len(parsed) * copies
    return (
        len(parsed),
        held,
        total / statistics.median(parse_times),
        total / statistics.median(full_times),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "store.db"
        with Store(db) as store:
            if args.db is None:
                load_paths(store, [DATA / "ofac", DATA / "un" / "consolidated.xml"])
            screener = Screener.from_store(store)
    payments = PaymentScreener(screener)
    rows = []
    for kind in LABELS:
        messages, held, parse_rate, full_rate = measure(payments, kind, args.copies, args.runs)
        rows.append(
            f"| {LABELS[kind]} | {messages} ({held} held) | {parse_rate:,.0f} | "
            f"{full_rate:,.0f} | {1000 / full_rate:.2f} |"
        )
        print(f"{kind}: parse {parse_rate:,.0f}/s, screen {full_rate:,.0f}/s", file=sys.stderr)
    section = "\n".join(
        [
            HEADING,
            "",
            f"Measured {time.strftime('%Y-%m-%d')} on {machine()}, one process (one core), "
            f"median of {args.runs} runs, against OFAC + UN; each sample repeated "
            f"{args.copies} times. Baseline in the same run: parsing alone. "
            "Target: >= 500 messages/s per core.",
            "",
            "| traffic | messages | parse only (msg/s) | parse + screen + verdict (msg/s) "
            "| ms/message |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    print(section)
    if args.write:
        write_section(args.write, HEADING, section)


if __name__ == "__main__":
    main()
