"""`sanctions evaluate`: validate the filter on the loaded lists. Generates spelling variants
of the listed names, clean names and look-alikes (or reads a labelled file), screens them, and
prints recall per category, false alerts per 1,000 and a threshold sweep; `--report` keeps
the same as a self-contained HTML file. Exits 0 (an evaluation finds no "hits"), 2 on bad
usage or a bad labelled file."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from ..errors import UsageError
from ..screen import DEFAULT_THRESHOLD, check_lists
from .common import DbOption, JsonOption, err, handles_errors, out, parse_lists, print_json
from .files import ThresholdOption, check_output, progress_bar, summary_grid
from .screening import load_screener

if TYPE_CHECKING:
    from ..evaluate import Evaluation, Rate

SWEEP_STEP = 5  # the table prints every fifth sweep point (0.05), plus the chosen and best


@handles_errors
def evaluate(
    lists: Annotated[
        str | None, typer.Option(help="Only these sources, comma-separated [default: all].")
    ] = None,
    sample: Annotated[int, typer.Option(min=1, help="Variants generated per category.")] = 50,
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    labelled: Annotated[
        Path | None,
        typer.Option(
            help="Evaluate this CSV (name,expected[,schema,category]) instead of generated names.",
            dir_okay=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Also write a self-contained HTML report here.", dir_okay=False),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated names.")] = 0,
    clean: Annotated[
        int | None,
        typer.Option(min=0, help="Clean names to generate [default: 2 per variant]."),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=-1, help="Screening worker processes (-1: every core).")
    ] = 1,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate the filter: recall on spelling variants of listed names, false alerts on clean
    names and look-alikes, and a threshold sweep (or score your own --labelled file)."""
    from ..evaluate import evaluate as run_generated
    from ..evaluate import evaluate_labelled

    sources = parse_lists(lists)
    check_lists(sources)
    if workers == 0:
        raise UsageError("--workers: use 1 or more, or -1 for every core")
    if labelled is not None and clean is not None:
        raise UsageError("--clean only applies to generated names, not --labelled")
    if report is not None:
        check_output(report)
    if labelled is not None and not labelled.is_file():
        raise UsageError(f"{labelled}: no such file")
    screener = load_screener(db, None)
    with progress_bar("screening", None) as on_progress:

        def progress(done: int, total: int) -> None:
            on_progress(done)

        if labelled is not None:
            evaluation = evaluate_labelled(
                screener, labelled, threshold, lists=sources, progress=progress, workers=workers
            )
        else:
            evaluation = run_generated(
                screener,
                sample=sample,
                threshold=threshold,
                lists=sources,
                seed=seed,
                progress=progress,
                clean=clean,
                workers=workers,
            )
    if report is not None:
        from ..evaluate.report import render_html

        report.write_text(render_html(evaluation), encoding="utf-8")
        err.print(Text(f"report written to {report}"))
    if as_json:
        print_json(evaluation.to_json())
    else:
        _print(evaluation)


def _print(evaluation: Evaluation) -> None:
    s = evaluation.summary
    versions = ", ".join(f"{src} v{v}" for src, v in evaluation.versions.items())
    out.print(
        summary_grid(
            [
                ("lists", versions),
                ("cases", evaluation.source),
                ("threshold", f"{s.threshold:.2f}"),
                ("recall", _rate(s.recall)),
                ("false alerts / 1,000 clean", _rate(s.clean)),
                ("false alerts / 1,000 look-alikes", _rate(s.lookalike)),
                ("refused", str(s.refused)),
                ("best threshold", "–" if s.best_threshold is None else f"{s.best_threshold:.2f}"),
            ]
        )
    )
    table = Table(title=f"Recall per category at {s.threshold:.2f}")
    for column in ("category", "variants", "found", "recall", "95 % CI"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for rate in [*s.categories, s.recall]:
        low, high = rate.interval
        table.add_row(
            Text(rate.label),
            f"{rate.n:,}",
            f"{rate.k:,}",
            _n(rate.value, 3),
            f"{_n(low, 3)}–{_n(high, 3)}",
        )
    out.print(table)
    sweep = Table(title="Threshold sweep")
    for column in ("threshold", "recall", "alerts / 1,000 clean", "alerts / 1,000 look-alikes"):
        sweep.add_column(column, justify="right")
    for i, p in enumerate(s.sweep):
        chosen = math.isclose(p.threshold, s.threshold)
        best = s.best_threshold is not None and math.isclose(p.threshold, s.best_threshold)
        if i % SWEEP_STEP and not chosen and not best:
            continue
        mark = " (chosen)" if chosen else " (best)" if best else ""
        sweep.add_row(
            f"{p.threshold:.2f}{mark}",
            _n(p.recall, 3),
            _n(p.clean_per_1000, 1),
            _n(p.lookalike_per_1000, 1),
            style="bold" if mark else None,
        )
    out.print(sweep)
    out.print(Text(f"best threshold rule: {s.rule}"))


def _rate(rate: Rate) -> str:
    if rate.n == 0:
        return "no cases"
    low, high = rate.interval
    digits = 1 if rate.scale > 1 else 3
    interval = f"{low:.{digits}f}–{high:.{digits}f}"
    return f"{rate.value:.{digits}f} ({rate.k:,} of {rate.n:,}; 95 % CI {interval})"


def _n(value: float, digits: int) -> str:
    return "–" if math.isnan(value) else f"{value:.{digits}f}"
