"""Parser fuzzing, the long run: every parser fed mutated real files, outcomes counted.

    python fuzz.py [--examples 2000] [--parser all|FAMILY|NAME,...]
                   [--seed 0] [--json] [--write ../docs/benchmarks.md] [--engine atheris]

The targets, seeds and mutations are those of tests/fuzz/ (targets.py, fuzzing.py), which
run a small fixed budget of the same examples in CI; this script runs a larger random budget
per parser and reports, for each one, how many examples ended well ("ok"), in one of our own
errors naming the file ("our error", and how many of those also name a line, record or
field), or in a crash (any other exception, or an error that does not name the file), with
the distinct crash sites. Exit code 1 when anything crashed.

`--engine atheris` runs Google's coverage-guided atheris (libFuzzer; `pip install atheris`, a
binary wheel for CPython 3.11 on x86-64 Linux, not a project dependency) instead of
hypothesis: one child process per parser, the seeds as its starting corpus, `--examples`
runs, stopping at the first crash (libFuzzer's way), whose input is saved beside the report.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from _common import ROOT, machine, write_section

sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
if "--atheris-child" in sys.argv:  # coverage of our own modules guides atheris's mutations
    import atheris

    with atheris.instrument_imports(include=["sanctions"]):
        import targets  # noqa: F401

from fuzzing import Crash, Seed, Target, mutated, outcome  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from targets import ALL, BY_NAME, FAMILIES  # noqa: E402

HEADING = "## Fuzzing (`benchmarks/fuzz.py`)"
ATHERIS_HEADING = "## Fuzzing with atheris (`benchmarks/fuzz.py --engine atheris`)"


@dataclass
class Result:
    parser: str
    family: str
    examples: int = 0
    ok: int = 0
    errors: int = 0
    located: int = 0  # our errors naming a line, record or field too
    crashes: int = 0
    seconds: float = 0.0
    crash_sites: dict[str, int] = field(default_factory=dict)
    first_crashes: dict[str, str] = field(default_factory=dict)  # site -> message, example

    @property
    def per_second(self) -> float:
        return self.examples / self.seconds if self.seconds else 0.0


def _site(exc: BaseException) -> str:
    """Where a crash came from: the exception type and the deepest frame in our package."""
    cause = exc.__cause__ or exc
    frames = [f for f in traceback.extract_tb(cause.__traceback__) if "/sanctions/" in f.filename]
    where = f"{frames[-1].filename.split('/src/')[-1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(cause).__name__} at {where}"


def fuzz(target: Target, examples: int, seed: int) -> Result:
    result = Result(target.name, target.family)

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: count, do not stop at the first crash
        suppress_health_check=list(HealthCheck),
    )
    @given(mutated(target.seeds()))
    def one(example: Seed) -> None:
        result.examples += 1
        try:
            got = outcome(target, example)
        except Crash as crash:
            result.crashes += 1
            site = _site(crash)
            result.crash_sites[site] = result.crash_sites.get(site, 0) + 1
            result.first_crashes.setdefault(site, f"{crash} | input {example!r:.300}")
            return
        if got.kind == "ok":
            result.ok += 1
        else:
            result.errors += 1
            result.located += got.located

    started = time.perf_counter()
    one()
    result.seconds = time.perf_counter() - started
    return result


def _atheris_child(name: str, examples: int, folder: Path) -> None:
    """Run in a child process: libFuzzer never returns, so counts go to a file as it runs."""
    import atheris

    target = BY_NAME[name]
    seeds = target.seeds()
    corpus = folder / "corpus"
    corpus.mkdir()
    for number, (_, data) in enumerate(seeds):
        (corpus / f"seed{number}").write_bytes(data)
    result = Result(target.name, target.family)
    report = folder / "result.json"
    started = time.perf_counter()

    def save() -> None:
        result.seconds = time.perf_counter() - started
        report.write_text(json.dumps(asdict(result)))

    def one(data: bytes) -> None:
        result.examples += 1
        # The file name matters to some parsers (OFAC's cons_ files): pick one of the seeds'.
        example = (seeds[len(data) % len(seeds)][0], data)
        try:
            got = outcome(target, example)
        except Crash as crash:
            result.crashes += 1
            site = _site(crash)
            result.crash_sites[site] = 1
            result.first_crashes[site] = f"{crash} | input {example!r:.300}"
            save()
            raise
        if got.kind == "ok":
            result.ok += 1
        else:
            result.errors += 1
            result.located += got.located
        if result.examples % 100 == 0 or result.examples >= examples:
            save()

    argv = [sys.argv[0], f"-runs={examples}", f"-artifact_prefix={folder}/", "-max_len=200000"]
    atheris.Setup([*argv, str(corpus)], one)
    atheris.Fuzz()


def fuzz_atheris(target: Target, examples: int) -> Result:
    folder = Path(tempfile.mkdtemp(prefix=f"atheris-{target.name}-"))
    command = [sys.executable, __file__, "--atheris-child", target.name]
    command += ["--examples", str(examples), "--atheris-folder", str(folder)]
    subprocess.run(command, capture_output=True, check=False)
    report = folder / "result.json"
    if not report.exists():
        raise SystemExit(f"atheris run of {target.name} left no report in {folder}")
    result = Result(**json.loads(report.read_text()))
    for crash in folder.glob("crash-*"):
        result.first_crashes["input saved"] = str(crash)
    return result


def chosen(spec: str) -> list[Target]:
    if spec == "all":
        return ALL
    targets: list[Target] = []
    for part in spec.split(","):
        if part in FAMILIES:
            targets += FAMILIES[part]
        elif part in BY_NAME:
            targets.append(BY_NAME[part])
        else:
            known = ", ".join([*FAMILIES, *BY_NAME])
            raise SystemExit(f"unknown parser {part!r}; known: all, {known}")
    return targets


def table(results: list[Result]) -> Table:
    out = Table(title="Parser fuzzing")
    for column in ("parser", "family", "examples", "ok", "our error", "with line/field"):
        out.add_column(column, justify="left" if column in ("parser", "family") else "right")
    out.add_column("crashes", justify="right")
    out.add_column("examples/s", justify="right")
    for r in results:
        out.add_row(
            r.parser,
            r.family,
            f"{r.examples:,}",
            f"{r.ok:,}",
            f"{r.errors:,}",
            f"{r.located:,}",
            f"{r.crashes:,}",
            f"{r.per_second:,.0f}",
        )
    return out


def markdown(results: list[Result], args: argparse.Namespace, seconds: float) -> str:
    rows = [
        f"| {r.parser} | {r.family} | {r.examples:,} | {r.ok:,} | {r.errors:,} | {r.located:,} "
        f"| {r.crashes:,} | {r.per_second:,.0f} |"
        for r in results
    ]
    total = Counter[str]()
    for r in results:
        total.update(examples=r.examples, ok=r.ok, errors=r.errors, crashes=r.crashes)
    crashes = [
        f"- {r.parser}: {site} ({count}x)" for r in results for site, count in r.crash_sites.items()
    ]
    if args.engine == "atheris":
        heading, flags = ATHERIS_HEADING, " --engine atheris"
        how = (
            "Coverage-guided: libFuzzer (atheris 3.0) mutates the same seeds, keeping inputs "
            "that reach new code; one child process per parser, stopping at its first crash."
        )
    else:
        heading, flags = HEADING, f" --seed {args.seed}"
        how = (
            "Each example is a seed (a bounded slice of a real file of ../shared/data or a "
            "fixture) after one to four mutations: truncation, byte flips, insertions and "
            "deletions, hostile splices (NUL, invalid UTF-8, BOMs, a 70 KB line, deep XML and "
            "JSON nesting, DOCTYPE entity bombs, foreign encodings, random Unicode), dropped or "
            "duplicated lines, CSV columns and XML elements, odd values in cells, element texts, "
            "attributes and JSON values. The CI run (tests/fuzz/) replays a fixed, derandomized "
            "150 examples per parser."
        )
    return "\n".join(
        [
            heading,
            "",
            f"Measured {time.strftime('%Y-%m-%d')} on {machine()}, one process, while other "
            "work shared the machine (rates are a floor). Command: "
            f"`cd benchmarks && python fuzz.py --examples {args.examples} --parser {args.parser}"
            f"{flags} --write ../docs/benchmarks.md` ({seconds:,.0f} s in all).",
            "",
            how + " *our error*: one of our `SanctionsError`s naming the file; *with "
            "line/field*: of those, how many also name a line, record or field. A crash is "
            "anything else.",
            "",
            "| parser | family | examples | ok | our error | with line/field | crashes "
            "| examples/s |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
            *rows,
            f"| **all** | | **{total['examples']:,}** | {total['ok']:,} | {total['errors']:,} | "
            f"| **{total['crashes']:,}** | |",
            "",
            *(["Crash sites:", "", *crashes, ""] if crashes else []),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per parser")
    parser.add_argument("--parser", default="all", help="all, a family, or parser names")
    parser.add_argument("--seed", type=int, default=0, help="random seed (runs are repeatable)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--write", type=Path, help="update this docs/benchmarks.md section")
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    parser.add_argument("--atheris-child", help=argparse.SUPPRESS)
    parser.add_argument("--atheris-folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.atheris_child:
        _atheris_child(args.atheris_child, args.examples, args.atheris_folder)
        return
    console = Console(stderr=True)
    results = []
    started = time.perf_counter()
    for target in chosen(args.parser):
        if args.engine == "atheris":
            result = fuzz_atheris(target, args.examples)
        else:
            result = fuzz(target, args.examples, args.seed)
        results.append(result)
        console.log(
            f"{target.name}: {result.examples:,} examples, {result.crashes} crashes, "
            f"{result.per_second:,.0f}/s"
        )
        for site, message in result.first_crashes.items():
            console.log(f"  crash {site}: {message}")
    seconds = time.perf_counter() - started
    if args.json:
        print(
            json.dumps(
                [asdict(r) | {"examples_per_second": r.per_second} for r in results], indent=2
            )
        )
    else:
        Console().print(table(results))
    if args.write:
        write_section(args.write, HEADING, markdown(results, args, seconds))
    sys.exit(1 if any(r.crashes for r in results) else 0)


if __name__ == "__main__":
    main()
